"""Session attributes are sealed with the skill's secret (skill.alexa.session_seal): state a
forged request sends back is dropped, with a warning, and the conversation starts again
safely; state the skill sent comes back and works, as Alexa, the console and these tests
send it back unchanged. Each test is a finding of issue 23, row 9."""

from __future__ import annotations

import logging

from support import Conversation

from skill import keys
from skill.store.base import user_pk

DROPPED = "session state dropped"


def test_sealed_state_comes_back_and_the_conversation_goes_on(convo, caplog):
    first = convo.says(location="calf", trigger="exercise")
    assert first.attributes["seal"] and first.pending
    with caplog.at_level(logging.WARNING):
        second = convo.no()
    assert DROPPED not in caplog.text
    assert second.attributes["triage"]["asked"] > first.attributes["triage"]["asked"]


def test_forged_answers_do_not_skip_the_checks(convo, caplog):
    convo.says(location="calf", trigger="exercise")
    forged = dict(convo.attributes)
    facts = {f"q{i}": "no" for i in range(7)} | {"location": "calf", "trigger": "exercise"}
    convo.attributes = {**forged, "triage": {**forged["triage"], "facts": facts, "asked": 7}}
    with caplog.at_level(logging.WARNING):
        turn = convo.no()
    assert DROPPED in caplog.text
    assert turn.disposition != "self_care"
    assert "q0" not in turn.attributes.get("triage", {}).get("facts", {})


def test_a_forged_lowering_cannot_take_back_an_emergency(convo):
    convo.says(location="calf", symptom="breathless")
    warned = convo.yes()
    assert warned.disposition == "emergency"
    triage = {**convo.attributes["triage"], "lowering": ["breathless"]}
    convo.attributes = {**convo.attributes, "triage": triage}
    turn = convo.yes()
    facts = turn.attributes.get("triage", {}).get("facts", {})
    assert facts.get("breathless") != "no", "the emergency was not taken back"


def test_a_forged_delete_confirmation_deletes_nothing(convo):
    key = keys.user_key(convo.user_id)
    assert convo.store.get_item(user_pk(key), "PROFILE") is not None
    convo.attributes = {**convo.attributes, "confirm": "delete"}
    convo.yes()
    assert convo.store.get_item(user_pk(key), "PROFILE") is not None, "nothing was deleted"


def test_a_forged_check_in_profile_reads_nobody_elses_score(tmp_path):
    db = tmp_path / "s.sqlite3"
    other = Conversation(db, person="other-voice")
    other.launch()
    other.intent("CheckInIntent")
    other.yes()
    other.intent("PainScaleIntent", score="9")
    other.no()
    other.no()
    other.yes()
    me = Conversation(db, person="me")
    me.launch()
    me.intent("CheckInIntent")
    me.yes()
    profile = "voice-" + keys.person_key("amzn1.ask.person.other-voice")
    me.attributes = {**me.attributes, "checkin": {**me.attributes["checkin"], "profile": profile}}
    turn = me.intent("PainScaleIntent", score="3")
    assert "9" not in turn.text and "nine" not in turn.text
    assert (turn.attributes.get("checkin") or {}).get("profile") != profile


def test_repeat_never_plays_audio_from_a_forged_session(convo):
    convo.says(location="calf", trigger="exercise")
    audio = '<audio src="https://evil.example/a.mp3"/>'
    convo.attributes = {**convo.attributes, "last": {"speech": audio, "reprompt": audio}}
    turn = convo.intent("AMAZON.RepeatIntent")
    assert "audio" not in turn.ssml


def test_state_sealed_for_another_session_or_user_is_dropped(tmp_path, caplog):
    db = tmp_path / "s.sqlite3"
    alice, mallory = Conversation(db, user="alice"), Conversation(db, user="mallory")
    alice.launch()
    alice.says(location="calf", symptom="breathless")
    mallory.launch()
    mallory.attributes = dict(alice.attributes)  # sealed, but for Alice's session
    with caplog.at_level(logging.WARNING):
        turn = mallory.yes()
    assert DROPPED in caplog.text and turn.disposition is None
