"""skill.alexa.entry reads request envelopes with the SDK's own serializer minus three
per-request costs (issue 22). It must read every envelope exactly as the SDK would: these
compare the two on the kinds of request the skill gets, and fail loudly if a new
ask-sdk-core renames what RequestSerializer overrides."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.alexa import entry

APP = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def envelope(request: dict[str, Any], attributes: dict[str, Any] | None = None,
             timestamp: str = "2026-11-25T10:00:00Z") -> dict[str, Any]:
    user = {"userId": "amzn1.ask.account.reader", "permissions": {"consentToken": "t"}}
    system = {"application": {"applicationId": APP}, "user": user,
              "device": {"deviceId": "d", "supportedInterfaces": {
                  "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}},
              "person": {"personId": "amzn1.ask.person.p"},
              "apiEndpoint": "https://api.amazonalexa.com", "apiAccessToken": "token"}
    session = {"new": attributes is None, "sessionId": "amzn1.echo-api.session.s",
               "application": {"applicationId": APP}, "user": user,
               "attributes": attributes or {}}
    return {"version": "1.0", "session": session, "context": {"System": system},
            "request": {"requestId": "amzn1.echo-api.request.r", "timestamp": timestamp,
                        "locale": "en-US", **request}}


SLOT = {"name": "location", "value": "calf", "confirmationStatus": "NONE",
        "resolutions": {"resolutionsPerAuthority": [{
            "authority": "amzn1.er-authority.echo-sdk.x.Location",
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": "calf", "id": "calf"}}]}]}}

CASES = {
    "launch": envelope({"type": "LaunchRequest"}),
    "intent with slots and session attributes": envelope(
        {"type": "IntentRequest", "dialogState": "STARTED", "intent": {
            "name": "DescribePainIntent", "confirmationStatus": "NONE",
            "slots": {"location": SLOT}}},
        {"triage": {"facts": {"calf": "yes"}}, "profile": {"rev": "ab", "data": {"v": 1}}}),
    "session ended": envelope({"type": "SessionEndedRequest", "reason": "USER_INITIATED"}),
    "skill disabled": envelope({"type": "AlexaSkillEvent.SkillDisabled", "eventCreationTime":
                                "2026-11-25T10:00:00Z"}),
    "permission answer": envelope({"type": "Connections.Response", "name": "AskFor",
                                   "status": {"code": "200", "message": "OK"},
                                   "token": "alerts:", "payload": {"status": "ACCEPTED"}}),
    "fractional seconds and an offset": envelope({"type": "LaunchRequest"},
                                                 timestamp="2026-11-25T10:00:00.123+01:00"),
    "a timestamp only dateutil reads": envelope({"type": "LaunchRequest"},
                                                timestamp="25 Nov 2026 10:00 UTC"),
}


@pytest.mark.parametrize("name", CASES)
def test_envelopes_read_as_the_sdk_reads_them(name):
    event = CASES[name]
    expected = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    got = entry.RequestSerializer().read_envelope(json.loads(json.dumps(event)))
    assert got == expected
    assert got.request.timestamp == expected.request.timestamp
    assert got.request.timestamp.utcoffset() == expected.request.timestamp.utcoffset()


def test_what_the_reader_overrides_still_exists_in_the_sdk():
    for name in ("_DefaultSerializer__deserialize", "_DefaultSerializer__load_class_from_name",
                 "_DefaultSerializer__deserialize_datetime",
                 "_DefaultSerializer__deserialize_model",
                 "_DefaultSerializer__deserialize_primitive",
                 "_DefaultSerializer__get_obj_by_discriminator"):
        assert callable(getattr(DefaultSerializer, name, None)), name


def test_an_event_that_is_not_an_object_gets_the_apology():
    for event in (["not", "an", "object"], "text", 7):
        out = entry.handle_event(event)
        assert "couldn't understand" in out["response"]["outputSpeech"]["ssml"]


def _mutations(event: Any, rng: random.Random) -> Any:
    """The event with one value somewhere replaced by something of another shape."""
    copy = json.loads(json.dumps(event))
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            paths.append((node, key))
            if isinstance(value, dict | list):
                walk(value)

    walk(copy)
    node, key = rng.choice(paths)
    node[key] = rng.choice([None, 7, -1.5, True, "text", "", [], {}, ["x"], {"type": "Nope"},
                            "2026-13-45T99:00:00Z", {"name": 3}])
    return copy


def _read(reader: Any, event: Any) -> tuple[str, Any]:
    try:
        return "read", reader(event)
    except Exception as exc:  # noqa: BLE001 - both readers must fail alike
        return "failed", type(exc).__name__


def test_thousands_of_malformed_envelopes_read_or_fail_as_the_sdk_reads_them():
    rng = random.Random(22)
    sdk, ours = DefaultSerializer(), entry.RequestSerializer()
    compared = 0
    for _ in range(3000):
        event = _mutations(rng.choice(list(CASES.values())), rng)
        expected = _read(lambda e: sdk.deserialize(json.dumps(e), RequestEnvelope), event)
        got = _read(ours.read_envelope, json.loads(json.dumps(event)))
        assert got[0] == expected[0], event
        if got[0] == "read":
            assert got[1] == expected[1], event
        compared += 1
    assert compared == 3000


def test_a_turn_never_changes_the_request_it_was_given():
    # The session attributes are shared with the SDK, not copied (entry._Attributes): the
    # request dict a host passes in must come back untouched, so a replay reads the same.
    from support import Conversation

    convo = Conversation()
    convo.launch()
    convo.says(location="calf", trigger="exercise")
    for request in ({"type": "IntentRequest", "intent": {"name": "AMAZON.NoIntent"}},
                    {"type": "IntentRequest", "intent": {"name": "AMAZON.RepeatIntent"}},
                    {"type": "SessionEndedRequest", "reason": "USER_INITIATED"}):
        event = convo.envelope(request)
        before = json.loads(json.dumps(event))
        result = entry.respond(lambda: convo.skill, event)
        assert event == before
        if "sessionAttributes" in result:
            convo.attributes = result["sessionAttributes"]


def test_every_response_of_a_hundred_conversations_is_written_as_the_sdk_writes_it(
        monkeypatch):
    from dialogues.report import BLIND, load, run_all

    compared = [0]
    written = entry.RequestSerializer.write_response

    def both(self, response):
        result = written(self, response)
        expected = DefaultSerializer().serialize(response)
        assert json.dumps(result, sort_keys=True) == json.dumps(expected, sort_keys=True)
        compared[0] += 1
        return result

    monkeypatch.setattr(entry.RequestSerializer, "write_response", both)
    run_all(load(BLIND)[:100], "generous")
    from support import Conversation

    screen = Conversation(screen=True)  # APL directives, cards
    screen.launch()
    screen.says(location="calf", trigger="exercise")
    screen.intent("StretchIntent", stretch="calf")
    screen.intent("AMAZON.NextIntent")
    assert compared[0] > 500
