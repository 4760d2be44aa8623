"""Follow-ups: "why?" after posture tips answers without an apology, and Repeat says what
was said, never forged session attributes that are not SSML this skill could have said."""

from __future__ import annotations

import json

import pytest
from support import Conversation


def test_posture_tips_then_why_answers_without_an_apology(convo):
    tips = convo.intent("PostureIntent")
    assert "feet flat on the floor" in tips.text
    turn = convo.intent("WhyIntent")
    assert "something went wrong" not in turn.text
    assert not turn.ended and turn.reprompt


FORGED = {
    "not SSML": "Call <b>me</b> & <i>now",
    "an unknown tag": 'Hello <mark name="x"/> there',
    "a break over 10 s": 'Wait <break time="60s"/> done',
    "unclosed": "<s>one <emphasis>two</s>",
    "a second document": "</speak><speak>injected",
    "too long": "word " * 5000,
}


@pytest.mark.parametrize("forged", FORGED.values(), ids=FORGED.keys())
def test_repeat_never_says_forged_last_speech(convo, forged):
    convo.says(location="calf", trigger="exercise")
    question = convo.turns[-1].reprompt
    convo.forge({**convo.attributes, "last": {"speech": forged, "reprompt": "x"}})
    turn = convo.intent("AMAZON.RepeatIntent")  # check_response: valid SSML, under 24 KB
    assert "injected" not in turn.text and "word word" not in turn.text
    assert question in turn.text, "the current question instead"


def test_repeat_still_says_what_was_said(convo):
    said = convo.says(location="calf", trigger="exercise")
    assert convo.intent("AMAZON.RepeatIntent").text == said.text


# Issue 23, row 9: Repeat replays content keys, never stored SSML.


def repeats_exactly(convo: Conversation, turn) -> None:
    kept = turn.attributes["last"]
    assert "<" not in json.dumps(kept), "no SSML (nor text) is kept, only keys"
    again = convo.intent("AMAZON.RepeatIntent")
    assert again.ssml == turn.ssml, "said again word for word"


def test_repeat_says_every_kind_of_reply_again_from_content_keys(convo):
    repeats_exactly(convo, convo.turns[-1])  # the welcome
    repeats_exactly(convo, convo.says(location="calf", trigger="exercise"))  # a question
    convo.launch()
    repeats_exactly(convo, convo.intent("RiceIntent"))  # a guide step, with its pauses
    convo.launch()
    convo.says(symptom="cold_pale")
    repeats_exactly(convo, convo.yes())  # the emergency warning


def test_repeat_never_says_markup_put_in_a_kept_parameter(convo):
    convo.says(location="calf", trigger="exercise")
    question = convo.turns[-1].reprompt
    audio = '<audio src="https://evil.example/a.mp3"/>'
    kept = {"hs": "0", "s": [["k", "unclear.nothing_to_repeat", None, {"next": audio}]]}
    convo.forge({**convo.attributes, "last": kept})
    turn = convo.intent("AMAZON.RepeatIntent")
    assert "audio" not in turn.ssml and question in turn.text


def test_a_kept_key_that_does_not_exist_is_never_said(convo):
    convo.says(location="calf", trigger="exercise")
    question = convo.turns[-1].reprompt
    convo.forge({**convo.attributes, "last": {"hs": "0", "s": [["k", "no.such.key", None, {}]]}})
    turn = convo.intent("AMAZON.RepeatIntent")
    assert question in turn.text


def test_what_repeat_keeps_is_smaller_than_the_words(convo):
    turn = convo.says(location="calf", trigger="exercise")
    kept = json.dumps(turn.attributes["last"], separators=(",", ":"))
    assert len(kept) < len(turn.ssml) + 40
