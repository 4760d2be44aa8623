"""Bad input never crashes the skill: malformed or truncated envelopes, unknown intents,
missing or unresolved slots, junk session attributes and failing storage all get a clear
spoken answer (or, for requests that take no speech, an empty one) and a logged warning."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SKILL_ID, Conversation, check_response, slot_json

from skill.alexa.entry import RequestRejected, handle_event, respond
from skill.alexa.skill import build_skill
from skill.checkins import account
from skill.store.base import StoreError
from skill.store.sqlite import SqliteStore


def spoken(result: dict[str, Any]) -> str:
    return result.get("response", {}).get("outputSpeech", {}).get("ssml", "")


@pytest.mark.parametrize("event", [
    {}, [], None, "not json", 42, {"version": "1.0"}, {"request": {}},
    {"request": {"type": "NoSuchRequestType"}}, {"request": "LaunchRequest"},
    {"version": "1.0", "request": {"type": "IntentRequest", "intent": "x"}},
    {"version": "1.0", "session": "oops", "request": {"type": "LaunchRequest"}},
])
def test_malformed_envelopes_get_a_spoken_apology(event, caplog):
    with caplog.at_level(logging.WARNING):
        result = handle_event(event)
    check_response(result)
    assert "Sorry" in spoken(result)
    assert any("malformed" in r.message for r in caplog.records)


def test_a_truncated_envelope_gets_a_spoken_apology(convo):
    event = convo.envelope({"type": "LaunchRequest"})
    del event["context"]
    del event["session"]
    result = respond(lambda: convo.skill, event)
    assert "Sorry" in spoken(result)


def test_an_unknown_intent_gets_a_clear_answer_and_a_warning(convo, caplog):
    with caplog.at_level(logging.WARNING):
        turn = convo.intent("OrderPizzaIntent")
    assert "didn't catch that" in turn.text
    assert not turn.ended
    assert any("unknown intent" in r.message for r in caplog.records)


def test_describe_pain_with_no_slots_carries_on_with_the_questions(convo):
    turn = convo.intent("DescribePainIntent")
    assert turn.pending == "pe_signs"


def test_an_unresolved_location_is_asked_again_with_a_hint(convo, caplog):
    convo.says(trigger="exercise")
    turn = convo.turns[-1]
    while turn.pending != "location":
        turn = convo.no()
    with caplog.at_level(logging.WARNING):
        turn = convo.says(location=("unresolved", "elbow"))
    assert turn.pending == "location"
    assert "didn't recognise" in turn.text
    assert "the calf" in turn.text
    assert any("unresolved" in r.message for r in caplog.records)
    assert "elbow" not in " ".join(r.message for r in caplog.records), "no raw words in logs"


@pytest.mark.parametrize("score", [None, "eleven", "-3", "99"])
def test_an_impossible_pain_score_is_asked_again(convo, score):
    turn = convo.intent("PainScaleIntent", score=score)
    assert "from zero to ten" in turn.text


def test_a_pain_score_is_noted_and_the_questions_carry_on(convo):
    turn = convo.intent("PainScaleIntent", score="7")
    assert "7 out of ten" in turn.text
    assert turn.attributes["triage"]["facts"]["pain_score"] == 7


def test_junk_session_attributes_sent_back_do_not_crash(convo):
    convo.forge({"triage": "junk", "guide": {"id": 5}, "last": 3})
    turn = convo.intent("AMAZON.YesIntent")
    assert turn.text
    convo.forge({"triage": {"facts": {"location": "nowhere"}, "pending": "zzz"}})
    turn = convo.intent("AMAZON.NoIntent")
    assert turn.text


def test_session_ended_and_system_exception_requests_take_no_speech(convo):
    ended = convo.send(convo.envelope({"type": "SessionEndedRequest", "reason": "ERROR",
                                       "error": {"type": "INVALID_RESPONSE", "message": "x"}}))
    assert "outputSpeech" not in ended.response
    event = convo.envelope({"type": "System.ExceptionEncountered",
                            "error": {"type": "INVALID_RESPONSE", "message": "x"},
                            "cause": {"requestId": "r"}})
    del event["session"]
    result = respond(lambda: convo.skill, event)
    assert "outputSpeech" not in result["response"]


def test_skill_disabled_deletes_the_account_data(tmp_path):
    store = SqliteStore(tmp_path / "s.sqlite3")
    convo = Conversation(tmp_path / "s.sqlite3")
    convo.skill = build_skill(store)
    convo.launch()
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.alexa.persistence import user_key
    env = DefaultSerializer().deserialize(json.dumps(convo.turns[0].request), RequestEnvelope)
    key = user_key(env)
    assert account.load_profile(store, key)["visits"] == 1
    event = convo.envelope({"type": "AlexaSkillEvent.SkillDisabled",
                            "eventCreationTime": "2026-11-25T10:00:00Z",
                            "eventPublishingTime": "2026-11-25T10:00:00Z",
                            "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"}})
    del event["session"]
    del event["request"]["locale"]
    respond(lambda: convo.skill, event)
    assert account.load_profile(store, key) == {}


def test_a_crash_inside_a_handler_gets_a_spoken_apology_with_the_emergency_number(
        convo, monkeypatch, caplog):
    import skill.alexa.triage_flow as flow

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(flow, "advance", boom)
    with caplog.at_level(logging.ERROR):
        turn = convo.says(location="calf")
    assert "something went wrong" in turn.text
    assert "911" in turn.text
    assert not turn.ended and turn.reprompt
    assert any(r.levelno == logging.ERROR for r in caplog.records)


class FailingStore:
    """Every storage call fails, as when DynamoDB throttles."""

    def __getattr__(self, operation: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> None:
            raise StoreError("throttled")
        return fail


def test_when_storage_fails_the_person_still_hears_the_warning(tmp_path, caplog):
    convo = Conversation(tmp_path / "unused.sqlite3")
    convo.skill = build_skill(FailingStore())
    with caplog.at_level(logging.WARNING):
        first = convo.launch()
        assert "Leg Pain Guide" in first.text
        convo.intent("RedFlagIntent", location="calf", symptom="swollen")
        convo.no()
        turn = convo.no()
    assert turn.disposition == "urgent"
    assert "seen today" in turn.text
    assert any("could not load" in r.message for r in caplog.records)


def test_requests_for_another_skill_are_rejected(convo, monkeypatch):
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.someone-else")
    with pytest.raises(RequestRejected):
        respond(lambda: convo.skill, convo.envelope({"type": "LaunchRequest"}))
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    result = respond(lambda: convo.skill, convo.envelope({"type": "LaunchRequest"}))
    check_response(result)


# --- property-based: thousands of generated envelopes ------------------------------------

INTENTS = ["DescribePainIntent", "RedFlagIntent", "DontKnowIntent", "PainScaleIntent",
           "DurationIntent", "RiceIntent", "StretchIntent", "HydrationIntent", "PostureIntent",
           "WhyIntent", "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.NextIntent",
           "AMAZON.PreviousIntent", "AMAZON.RepeatIntent", "AMAZON.StartOverIntent",
           "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.HelpIntent",
           "AMAZON.StopIntent", "AMAZON.FallbackIntent", "Bogus", ""]
SLOT_NAMES = ["subject", "location", "side", "onset", "trigger", "symptom", "other_symptom",
              "stretch", "score", "duration", "x"]
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
slot_values = st.one_of(
    st.sampled_from(["calf", "hamstring", "breathless", "swollen", "mother", "exercise",
                     "P3D", "7", "both", "sudden", "desk_routine"]),
    st.text(max_size=30),
)


@st.composite
def intent_requests(draw: Any) -> dict[str, Any]:
    slots = {}
    for name in draw(st.lists(st.sampled_from(SLOT_NAMES), max_size=4, unique=True)):
        value = draw(slot_values)
        slot: dict[str, Any] = {"name": name, "value": value, "confirmationStatus": "NONE"}
        if draw(st.booleans()):
            code = draw(st.sampled_from(["ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH"]))
            authority: dict[str, Any] = {"authority": "a", "status": {"code": code}}
            if code == "ER_SUCCESS_MATCH":
                authority["values"] = [{"value": {"name": value, "id": value}}]
            slot["resolutions"] = {"resolutionsPerAuthority": [authority]}
        slots[name] = slot
    return {"type": "IntentRequest",
            "intent": {"name": draw(st.sampled_from(INTENTS)), "confirmationStatus": "NONE",
                       "slots": slots}}


@st.composite
def mutated(draw: Any, base: dict[str, Any]) -> dict[str, Any]:
    """A valid envelope with random keys deleted or replaced by junk."""
    event = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from([
            ("session",), ("session", "attributes"), ("session", "user"), ("context",),
            ("context", "System", "device"), ("request", "locale"), ("request", "intent"),
            ("request", "type"), ("request", "timestamp"), ("version",),
        ]))
        node = event
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            if draw(st.booleans()):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = draw(junk)
    return event


@pytest.fixture(scope="module")
def fuzz_convo(tmp_path_factory):
    return Conversation(tmp_path_factory.mktemp("fuzz") / "s.sqlite3")


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_thousands_of_generated_envelopes_never_crash(fuzz_convo, data):
    request = data.draw(intent_requests())
    if data.draw(st.booleans()):
        forged = data.draw(st.dictionaries(
            st.sampled_from(["triage", "guide", "last"]), junk, max_size=3))
        if data.draw(st.booleans()):
            fuzz_convo.forge(forged)  # past the seal, into the state's parser
        else:
            fuzz_convo.attributes = forged
    base = fuzz_convo.envelope(request)
    event = data.draw(mutated(base)) if data.draw(st.booleans()) else base
    result = respond(lambda: fuzz_convo.skill, event)
    check_response(result)
    if event.get("session") and "outputSpeech" not in result.get("response", {}):
        # Only requests that take no speech may come back silent.
        assert event.get("request", {}).get("type") in ("SessionEndedRequest", None) or not \
            isinstance(event.get("request"), dict)


# --- property-based: thousands of typed texts, end to end through the console ---------

WORDS = ["my", "mum's", "calf", "hamstring", "swollen", "hot", "breathless", "can't",
         "breathe", "yes", "no", "not", "really", "idea", "pain", "since", "flight",
         "a", "bit", "seven", "out", "of", "ten", "three", "days", "stretch", "next",
         "stop", "help", "why", "check", "in", "code", "delete", "data", "share", "ask",
         "leg", "guide", "open", "cramp", "night", "walking", "sitting", "pop", "numb"]
texts = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join),
    st.text(max_size=80),
)


@pytest.fixture(scope="module")
def console_chat(tmp_path_factory):
    from skill.console.conversation import Conversation as ConsoleConversation

    store = SqliteStore(tmp_path_factory.mktemp("console-fuzz") / "s.sqlite3")
    skill = build_skill(store)
    chat = ConsoleConversation(handler=lambda event: respond(lambda: skill, event))
    chat.start()
    return chat


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=texts)
def test_thousands_of_typed_texts_get_a_valid_answer(console_chat, text):
    turn = console_chat.say(text)
    check_response(turn.response)
    if turn.request["request"]["type"] in ("LaunchRequest", "IntentRequest"):
        assert spoken(turn.response), "every turn the person takes gets a spoken answer"


# --- envelopes Alexa would not send, answered plainly (not as a bug) ------------------------


def answered_plainly(convo: Conversation, event: dict[str, Any], caplog) -> str:
    """The turn's speech, after checking it is a valid response, spoken, and no bug."""
    with caplog.at_level(logging.WARNING):
        result = respond(lambda: convo.skill, json.loads(json.dumps(event)))
    text = json.dumps(result, allow_nan=False)  # valid JSON: no Infinity, no NaN
    check_response(json.loads(text))
    ssml = spoken(result)
    assert ssml, "something is said"
    assert "something went wrong" not in ssml
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    return ssml


def test_an_intent_request_with_no_intent_gets_a_clear_answer(convo, caplog):
    event = convo.envelope({"type": "IntentRequest", "dialogState": "STARTED"})
    assert "intent" not in event["request"]
    answered_plainly(convo, event, caplog)


def test_a_context_without_system_gets_a_clear_answer(convo, caplog):
    event = convo.envelope({"type": "LaunchRequest"})
    event["context"] = {}
    answered_plainly(convo, event, caplog)
    event = convo.envelope({"type": "IntentRequest", "dialogState": "STARTED", "intent": {
        "name": "PainScaleIntent", "confirmationStatus": "NONE", "slots": {}}})
    event["context"] = {"Viewport": {}}
    answered_plainly(convo, event, caplog)


def test_a_slot_resolution_with_an_empty_value_gets_a_clear_answer(convo, caplog):
    event = convo.envelope({"type": "IntentRequest", "dialogState": "STARTED", "intent": {
        "name": "DescribePainIntent", "confirmationStatus": "NONE",
        "slots": {"location": slot_json("location", "calf")}}})
    authority = event["request"]["intent"]["slots"]["location"]["resolutions"][
        "resolutionsPerAuthority"][0]
    authority["values"] = [{}]
    answered_plainly(convo, event, caplog)
    authority["values"] = [{"value": {}}]
    answered_plainly(convo, event, caplog)


def test_a_user_id_with_a_lone_surrogate_gets_a_clear_answer(tmp_path, caplog):
    convo = Conversation(tmp_path / "s.sqlite3", user="\ud800")
    answered_plainly(convo, convo.envelope({"type": "LaunchRequest"}), caplog)
    event = convo.envelope({"type": "IntentRequest", "dialogState": "STARTED", "intent": {
        "name": "PainScaleIntent", "confirmationStatus": "NONE",
        "slots": {"score": slot_json("score", "6")}}})
    answered_plainly(convo, event, caplog)


@pytest.mark.parametrize("value", ["1e999", "-1e999", "1e308", "nan", "Infinity"])
def test_a_huge_number_slot_is_not_echoed_as_infinity(convo, caplog, value):
    for name in ("PainScaleIntent", "DescribePainIntent"):
        slot = "score" if name == "PainScaleIntent" else "age"
        event = convo.envelope({"type": "IntentRequest", "dialogState": "STARTED", "intent": {
            "name": name, "confirmationStatus": "NONE",
            "slots": {slot: slot_json(slot, value)}}})
        ssml = answered_plainly(convo, event, caplog)
        assert "inf" not in ssml.lower() and "nan" not in ssml.lower()
