"""What the session state may hold once its seal checks out (issue 21, typed and versioned
state): a version, and only facts the skill could have stored. A forger with the secret,
a bug, or a state written by another deploy of the skill all meet the same checks."""

from __future__ import annotations

import json
import logging

from skill.alexa.state import SESSION_VERSION
from skill.triage import facts
from skill.triage.engine import load_protocol
from skill.triage.vocabulary import SLOT_IDS


def test_every_reply_says_which_version_of_the_state_it_carries(convo):
    turn = convo.says(location="calf", trigger="exercise")
    assert turn.attributes["v"] == SESSION_VERSION


def test_a_fact_the_skill_never_stores_is_dropped(convo):
    convo.says(location="calf", trigger="exercise")
    state = dict(convo.attributes)
    junk = {"evil": "yes", "location": "x" * 30_000, "pe_signs": "<audio src='x'/>",
            "duration_days": 1e300, "pain_score": True}
    convo.forge({**state, "triage": {**state["triage"],
                                     "facts": {**state["triage"]["facts"], **junk}}})
    turn = convo.no()
    kept = turn.attributes["triage"]["facts"]
    assert "evil" not in kept and "duration_days" not in kept and "pain_score" not in kept
    assert kept.get("location") != "x" * 30_000 and kept.get("pe_signs") in (None, "no")
    assert len(json.dumps(turn.envelope)) < 8_000


def test_a_state_from_a_newer_skill_starts_the_conversation_again(convo, caplog):
    convo.says(location="calf", trigger="exercise")
    assert convo.turns[-1].pending
    caplog.set_level(logging.WARNING)
    convo.forge({**convo.attributes, "v": SESSION_VERSION + 1})
    turn = convo.yes()
    assert turn.pending is None or turn.attributes["triage"].get("asked", 0) <= 1
    assert turn.disposition is None  # a bare "yes" with no question behind it decides nothing
    assert "from a newer version" in caplog.text


def test_a_state_from_before_versions_were_kept_goes_on(convo):
    turn = convo.says(location="calf", trigger="exercise")
    question = turn.pending
    convo.forge({k: v for k, v in convo.attributes.items() if k != "v"})
    turn = convo.no()
    assert turn.attributes["triage"]["facts"].get(question) == "no"


def test_every_answer_a_question_takes_is_a_fact_the_state_keeps():
    for qid, question in load_protocol().questions.items():
        kind = question.get("answers", "yes_no")
        answers = ("yes", "no", "unknown", "heard", "unchecked")
        if kind != "yes_no":  # where the pain is, what brought it on: the slot's ids
            answers = (*SLOT_IDS[kind], "unknown")
        for answer in answers:
            assert facts.allowed(qid, answer), (qid, answer)
    for name, values in facts.SLOT_FACTS.items():
        for value in values:
            assert facts.allowed(name, value)
    assert facts.allowed("duration_days", 3.5) and facts.allowed("pain_score", 7)
    assert not facts.allowed("pain_score", float("inf")) and not facts.allowed("subject", "x")


def test_a_version_one_state_loses_its_stored_speech_and_keeps_its_question(convo):
    # Version 1 kept the last speech itself for Repeat; version 2 keeps content keys.
    turn = convo.says(location="calf", trigger="exercise")
    question = turn.pending
    old = {k: v for k, v in convo.attributes.items() if k not in ("v", "last")}
    convo.forge({**old, "last": {"speech": "<audio src='https://x'/>", "reprompt": "hi"}})
    turn = convo.intent("AMAZON.RepeatIntent")
    assert "audio" not in turn.ssml and turn.pending == question
