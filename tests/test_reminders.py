"""Reminders: the real HTTP client against a local fake of the Alexa Reminders and
settings APIs on 127.0.0.1 (tests/alexa_fake.py), which checks the request shape and the
bearer token. The first reminder is worked out in the device's own time zone."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from alexa_fake import FAKE
from support import Conversation

from skill.alexa.api_client import TimedApiClient
from skill.alexa.skill import build_skill
from skill.store.sqlite import SqliteStore


@pytest.fixture
def convo(tmp_path):
    c = Conversation(store=SqliteStore(tmp_path / "s.sqlite3"))
    c.launch()
    return c


def reminders() -> list[dict]:
    return FAKE.received("/v1/alerts/reminders")


def test_remind_me_every_morning_creates_a_daily_reminder(convo):
    turn = convo.intent("ReminderIntent", time="MO")
    assert "every day at 9 AM" in turn.text
    (call,) = reminders()
    assert call["auth"] == "Bearer token"
    rule = call["body"]["trigger"]["recurrence"]["recurrenceRules"][0]
    assert "BYHOUR=9;BYMINUTE=0" in rule
    spoken = call["body"]["alertInfo"]["spokenInfo"]["content"][0]["text"]
    assert "check-in" in spoken
    details = spoken.lower().replace("leg pain guide", "")  # the skill's own name is fine
    for private in ("pain", "swollen", "clot", "sciatica", "strain"):
        assert private not in details, "no health details on a shared device"


def test_a_clock_time_is_kept(convo):
    turn = convo.intent("ReminderIntent", time="07:30")
    assert "7:30 AM" in turn.text
    assert "BYHOUR=7;BYMINUTE=30" in reminders()[0]["body"]["trigger"][
        "recurrence"]["recurrenceRules"][0]


def test_without_permission_the_voice_consent_flow_is_used(convo):
    FAKE.reminders_allowed = False
    turn = convo.intent("ReminderIntent", time="EV")
    (directive,) = turn.response["directives"]
    assert directive["type"] == "Connections.SendRequest"
    assert directive["name"] == "AskFor"
    scope = directive["payload"]["permissionScopes"][0]["permissionScope"]
    assert scope == "alexa::alerts:reminders:skill:readwrite"
    assert directive["token"] == "reminder:19:00"
    # Alexa asks the person, who agrees; the answer comes back as a new request.
    FAKE.reminders_allowed = True
    answer = convo.send(convo.envelope({
        "type": "Connections.Response", "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "payload": {"status": "ACCEPTED"}, "token": directive["token"]}))
    assert "every day at 7 PM" in answer.text


def test_declining_the_permission_says_how_to_allow_it_later(convo):
    answer = convo.send(convo.envelope({
        "type": "Connections.Response", "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "payload": {"status": "DENIED"}, "token": "reminder:09:00"}))
    assert "no reminder" in answer.text
    assert answer.card["type"] == "AskForPermissionsConsent"
    assert reminders() == []


def test_an_unreachable_reminders_api_is_reported_not_fatal(tmp_path):
    c = Conversation(store=SqliteStore(tmp_path / "s.sqlite3"))
    c.skill = build_skill(c.store, api_client=TimedApiClient(timeout_s=0.5,
                                                             allow_loopback_http=True))
    original = c.envelope
    c.envelope = lambda r: {**original(r), "context": {"System": {
        **original(r)["context"]["System"], "apiEndpoint": "http://127.0.0.1:9"}}}
    c.launch()
    turn = c.intent("ReminderIntent", time="MO")
    assert "couldn't set the reminder" in turn.text
    assert not turn.ended


def test_the_production_client_refuses_plain_http():
    from ask_sdk_core.exceptions import ApiClientException
    from ask_sdk_model.services import ApiClientRequest

    with pytest.raises(ApiClientException):
        TimedApiClient().invoke(ApiClientRequest(url="http://127.0.0.1:9/v1", method="GET"))


def test_remind_me_every_day_without_a_time_asks_for_the_time(convo):
    turn = convo.intent("ReminderIntent")
    assert "What time" in turn.text
    (directive,) = turn.response["directives"]
    assert directive["type"] == "Dialog.ElicitSlot"
    assert directive["slotToElicit"] == "time"
    assert not turn.ended and reminders() == []
    # Alexa sends the same intent back with the time filled.
    turn = convo.intent("ReminderIntent", time="08:00")
    assert "every day at 8 AM" in turn.text


def at_local(zone: str, *fields: int) -> float:
    return datetime(*fields, tzinfo=ZoneInfo(zone)).timestamp()


def test_nine_am_asked_at_eight_am_in_new_york_starts_today_local_time(tmp_path, monkeypatch):
    # 8 am in New York is 13:00 UTC: Lambda's clock says 1 pm, too late for "9 am today".
    monkeypatch.setattr(time, "time", lambda: at_local("America/New_York", 2026, 11, 27, 8, 0))
    convo = Conversation(store=SqliteStore(tmp_path / "s.sqlite3"),
                         time_zone="America/New_York")
    convo.launch()
    turn = convo.intent("ReminderIntent", time="09:00")
    assert "every day at 9 AM" in turn.text
    trigger = reminders()[0]["body"]["trigger"]
    assert trigger["scheduledTime"] == "2026-11-27T09:00:00.000"
    assert trigger["timeZoneId"] == "America/New_York"
    assert trigger["recurrence"]["startDateTime"] == "2026-11-27T09:00:00.000"


def test_a_time_already_past_today_starts_tomorrow(tmp_path, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: at_local("Europe/London", 2026, 11, 27, 10, 0))
    convo = Conversation(store=SqliteStore(tmp_path / "s.sqlite3"), locale="en-GB",
                         time_zone="Europe/London")
    convo.launch()
    convo.intent("ReminderIntent", time="09:00")
    assert reminders()[0]["body"]["trigger"]["scheduledTime"] == "2026-11-28T09:00:00.000"


def test_an_unknown_device_zone_leaves_the_zone_to_alexa(tmp_path):
    FAKE.default_zone = "Not/AZone"
    convo = Conversation(store=SqliteStore(tmp_path / "s.sqlite3"))
    convo.launch()
    turn = convo.intent("ReminderIntent", time="09:00")
    assert "every day at 9 AM" in turn.text
    assert reminders()[0]["body"]["trigger"].get("timeZoneId") in (None, "UTC")
