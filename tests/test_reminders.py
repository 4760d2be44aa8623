"""Reminders: the real HTTP client against a local fake of the Alexa Reminders API on
127.0.0.1, which checks the request shape and the bearer token."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from support import Conversation

from skill.alexa.api_client import TimedApiClient
from skill.alexa.skill import build_skill
from skill.store.sqlite import SqliteStore


class FakeRemindersApi(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []
    permission: ClassVar[bool] = True

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeRemindersApi.received.append({"path": self.path,
                                          "auth": self.headers.get("Authorization"),
                                          "body": body})
        ok = (self.path == "/v1/alerts/reminders"
              and self.headers.get("Authorization") == "Bearer token"
              and body["trigger"]["type"] == "SCHEDULED_ABSOLUTE"
              and body["trigger"]["recurrence"]["recurrenceRules"][0].startswith("FREQ=DAILY")
              and body["alertInfo"]["spokenInfo"]["content"][0]["text"]
              and body["pushNotification"]["status"] == "ENABLED")
        status = 200 if ok else 400
        if not FakeRemindersApi.permission:
            status = 401
        payload = {"alertToken": "t-1", "status": "ON", "createdTime": body["requestTime"]} \
            if status == 200 else {"code": "UNAUTHORIZED" if status == 401 else "INVALID",
                                   "message": "refused"}
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api():
    FakeRemindersApi.received = []
    FakeRemindersApi.permission = True
    server = HTTPServer(("127.0.0.1", 0), FakeRemindersApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def convo(tmp_path, api):
    c = Conversation(store=SqliteStore(tmp_path / "s.sqlite3"))
    c.skill = build_skill(c.store, api_client=TimedApiClient(allow_loopback_http=True))
    original = c.envelope

    def envelope(request):
        event = original(request)
        event["context"]["System"]["apiEndpoint"] = api
        return event

    c.envelope = envelope
    c.launch()
    return c


def test_remind_me_every_morning_creates_a_daily_reminder(convo):
    turn = convo.intent("ReminderIntent", time="MO")
    assert "every day at 9 AM" in turn.text
    (call,) = FakeRemindersApi.received
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
    assert "BYHOUR=7;BYMINUTE=30" in FakeRemindersApi.received[0]["body"]["trigger"][
        "recurrence"]["recurrenceRules"][0]


def test_without_permission_the_voice_consent_flow_is_used(convo):
    FakeRemindersApi.permission = False
    turn = convo.intent("ReminderIntent", time="EV")
    (directive,) = turn.response["directives"]
    assert directive["type"] == "Connections.SendRequest"
    assert directive["name"] == "AskFor"
    scope = directive["payload"]["permissionScopes"][0]["permissionScope"]
    assert scope == "alexa::alerts:reminders:skill:readwrite"
    assert directive["token"] == "reminder:19:00"
    # Alexa asks the person, who agrees; the answer comes back as a new request.
    FakeRemindersApi.permission = True
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
    assert FakeRemindersApi.received == []


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
