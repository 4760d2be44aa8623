"""Envelopes Alexa would not send (issue 23, row 10): each gets a clear reply, never a bug
apology, and every response is valid JSON within Alexa's 24 KB (tests/support.py's
check_response also checks each response of these conversations). Forged state is sealed
here with the skill's secret (Conversation.forge), so these test what parses it."""

from __future__ import annotations

import json
import logging

import pytest

from skill import logs
from skill.alexa import entry

BUG = "something went wrong"


def strict_json(envelope: dict) -> None:
    json.dumps(envelope, allow_nan=False)  # raises on Infinity or NaN


@pytest.mark.parametrize("lowering", [["nonsense"], ["pain_score"], [""]])
def test_a_forged_lowering_gets_a_clear_reply(convo, lowering, caplog):
    convo.says(location="calf", symptom="breathless")
    convo.yes()
    convo.forge({**convo.attributes,
                 "triage": {**convo.attributes["triage"], "lowering": lowering}})
    with caplog.at_level(logging.WARNING):
        for send in (convo.yes, lambda: convo.intent("AMAZON.HelpIntent")):
            assert BUG not in send().text
    assert logs.BUG_APOLOGY not in caplog.text


def test_a_number_too_big_for_json_is_never_echoed_as_infinity(convo):
    convo.says(location="calf", trigger="exercise")
    text = json.dumps(convo.attributes).replace('"asked": 1', '"asked": 1, "x": 1e999', 1)
    forged = json.loads(text)  # what a JSON parser makes of 1e999: inf
    forged["triage"]["facts"]["pain"] = float("inf")
    convo.forge(forged)
    turn = convo.no()
    strict_json(turn.envelope)
    assert BUG not in turn.text


def test_a_huge_slot_value_is_not_echoed_into_elicit_slot(convo):
    huge = "nine " * 4000  # 20 KB
    turn = convo.intent("ReminderIntent", time=huge)
    (directive,) = turn.response["directives"]
    assert directive["type"] == "Dialog.ElicitSlot"
    assert huge not in json.dumps(turn.envelope)
    assert len(json.dumps(turn.envelope)) < 4000


def test_a_nul_character_reference_in_the_last_speech_is_never_repeated(convo):
    convo.says(location="calf", trigger="exercise")
    question = convo.turns[-1].reprompt
    convo.forge({**convo.attributes, "last": {"speech": "Hi &#0; there", "reprompt": "x"}})
    turn = convo.intent("AMAZON.RepeatIntent")
    assert "&#0;" not in turn.ssml and question in turn.text


def test_a_response_that_is_not_json_or_too_big_is_trimmed_then_refused(caplog):
    speech = {"outputSpeech": {"type": "SSML", "ssml": "<speak>Hi</speak>"}}
    nan = {"version": "1.0", "sessionAttributes": {"x": float("nan")}, "response": speech}
    assert "sessionAttributes" not in entry.deliverable(nan)
    big = {"version": "1.0", "response": {**speech, "directives": [{"pad": "x" * 30000}]}}
    assert "directives" not in entry.deliverable(big)["response"]
    with caplog.at_level(logging.ERROR):
        hopeless = {"version": "1.0", "response": {"outputSpeech": {"ssml": "x" * 30000}}}
        assert entry.deliverable(hopeless) == entry._apology_response()
    assert logs.BUG_APOLOGY in caplog.text


def test_a_bug_apology_logs_the_line_the_alarm_counts(convo, monkeypatch, caplog):
    from skill.alexa.handlers import session

    def broken(self, handler_input):
        raise RuntimeError("a bug")

    monkeypatch.setattr(session.HelpHandler, "handle", broken)
    with caplog.at_level(logging.ERROR):
        turn = convo.intent("AMAZON.HelpIntent")
    assert BUG in turn.text
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line.startswith(f"{logs.BUG_APOLOGY}: ")


def test_the_cheap_size_look_never_passes_a_response_over_24_kb():
    speech = {"outputSpeech": {"type": "SSML", "ssml": "<speak>" + "é" * 4000 + "</speak>"}}
    card = {"type": "Simple", "title": "t", "content": "x" * 3000}
    result = {"version": "1.0", "sessionAttributes": {"a": "é" * 2000},
              "response": {**speech, "card": card}}
    # The state measured as short (as the seal would report it) still leaves the card and
    # the speech to count: six bytes a character at most puts it over, so it is encoded.
    out = entry.deliverable(result, state=10)
    assert len(json.dumps(out).encode()) <= entry.MAX_RESPONSE_BYTES
