"""skill.alexa.entry reads request envelopes with the SDK's own serializer minus three
per-request costs (issue 22). It must read every envelope exactly as the SDK would: these
compare the two on the kinds of request the skill gets, and fail loudly if a new
ask-sdk-core renames what RequestSerializer overrides."""

from __future__ import annotations

import json
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
                 "_DefaultSerializer__deserialize_datetime"):
        assert callable(getattr(DefaultSerializer, name, None)), name


def test_an_event_that_is_not_an_object_gets_the_apology():
    for event in (["not", "an", "object"], "text", 7):
        out = entry.handle_event(event)
        assert "couldn't understand" in out["response"]["outputSpeech"]["ssml"]
