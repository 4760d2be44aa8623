"""Follow-ups: "why?" after posture tips answers without an apology, and Repeat says what
was said, never forged session attributes that are not SSML this skill could have said."""

from __future__ import annotations

import pytest
from support import Conversation


@pytest.fixture
def convo(tmp_path):
    c = Conversation(tmp_path / "s.sqlite3")
    c.launch()
    return c


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
