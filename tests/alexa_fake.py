"""A local fake of Alexa's service APIs on 127.0.0.1, for the real HTTP client to call.

It answers the settings API (a device's time zone), the Reminders API, Login with Amazon's
token endpoint (client credentials) and the Proactive Events API (both stages), checks the
credentials and the shape of what it is sent, and records every call. It can be told to
refuse, or to hang, the token or the event calls. One server runs per test session; each
test gets a clean slate through `FakeAlexa.reset()`.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TOKEN = "token"
CONSOLE_TOKEN = "console-token"  # what `python -m skill chat` puts in apiAccessToken
CLIENT_ID = "amzn1.application-oa2-client.fake"
CLIENT_SECRET = "fake-client-secret"
TOKEN_PATH = "/auth/o2/token"
EVENTS_PATHS = ("/v1/proactiveEvents", "/v1/proactiveEvents/stages/development")
_ZONE = re.compile(r"^/v2/devices/([^/]+)/settings/System\.timeZone$")


@dataclass
class FakeAlexa:
    url: str = ""
    zones: dict[str, str] = field(default_factory=dict)  # device id -> IANA zone
    default_zone: str = "UTC"
    reminders_allowed: bool = True
    calls: list[dict[str, Any]] = field(default_factory=list)
    # Login with Amazon and Proactive Events
    tokens_issued: list[str] = field(default_factory=list)
    token_status: int = 200
    events_status: int = 202
    hang_token: bool = False
    hang_events: bool = False
    release: threading.Event = field(default_factory=threading.Event)

    def reset(self) -> None:
        self.zones.clear()
        self.default_zone = "UTC"
        self.reminders_allowed = True
        self.calls.clear()
        self.tokens_issued.clear()
        self.token_status, self.events_status = 200, 202
        self.hang_token = self.hang_events = False
        self.release.set()  # let any call still hanging from an earlier test go
        self.release = threading.Event()

    def received(self, path_prefix: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["path"].startswith(path_prefix)]

    def token_calls(self) -> list[dict[str, Any]]:
        return self.received(TOKEN_PATH)

    def events(self) -> list[dict[str, Any]]:
        """Every event call, accepted or not (the body and the path it was sent to)."""
        return [c for c in self.calls if c["path"] in EVENTS_PATHS]


FAKE = FakeAlexa()


class _Api(BaseHTTPRequestHandler):
    def _send(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self, body: Any = None) -> None:
        FAKE.calls.append(
            {"method": self.command, "path": self.path,
             "auth": self.headers.get("Authorization"), "body": body,
             "content_type": self.headers.get("Content-Type")}
        )

    def _request_token_ok(self) -> bool:
        """The request's own apiAccessToken (settings, reminders)."""
        if self.headers.get("Authorization") in (f"Bearer {TOKEN}", f"Bearer {CONSOLE_TOKEN}"):
            return True
        self._send(401, {"code": "UNAUTHORIZED", "message": "bad token"})
        return False

    def do_GET(self) -> None:
        self._record()
        if not self._request_token_ok():
            return
        zone = _ZONE.match(self.path)
        if zone:
            self._send(200, FAKE.zones.get(zone.group(1), FAKE.default_zone))
        else:
            self._send(404, {"code": "NOT_FOUND", "message": self.path})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path == TOKEN_PATH:
            self._token(raw)
        elif self.path in EVENTS_PATHS:
            self._event(raw)
        else:
            self._reminder(json.loads(raw or b"null"))

    def _token(self, raw: bytes) -> None:
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        self._record(form)
        if FAKE.hang_token:
            FAKE.release.wait(10)
            return
        if FAKE.token_status != 200:
            self._send(FAKE.token_status, {"error": "server_error"})
        elif (form.get("grant_type") != "client_credentials"
              or form.get("scope") != "alexa::proactive_events"
              or self.headers.get("Content-Type") != "application/x-www-form-urlencoded"):
            self._send(400, {"error": "invalid_request"})
        elif form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            self._send(401, {"error": "invalid_client"})
        else:
            token = f"lwa-token-{len(FAKE.tokens_issued) + 1}"
            FAKE.tokens_issued.append(token)
            self._send(200, {"access_token": token, "expires_in": 3600, "token_type": "bearer",
                             "scope": "alexa::proactive_events"})

    def _event(self, raw: bytes) -> None:
        body = json.loads(raw or b"null")
        self._record(body)
        if FAKE.hang_events:
            FAKE.release.wait(10)
            return
        auth = self.headers.get("Authorization", "")
        if not FAKE.tokens_issued or auth != f"Bearer {FAKE.tokens_issued[-1]}":
            self._send(403, {"code": "FORBIDDEN", "message": "not a token LWA issued"})
        elif event_problems(body):
            self._send(400, {"code": "INVALID", "message": "; ".join(event_problems(body))})
        else:
            self._send(FAKE.events_status, {} if FAKE.events_status < 300 else {"code": "ERR"})

    def _reminder(self, body: Any) -> None:
        self._record(body)
        if not self._request_token_ok():
            return
        if self.path != "/v1/alerts/reminders":
            self._send(404, {"code": "NOT_FOUND", "message": self.path})
        elif not FAKE.reminders_allowed:
            self._send(401, {"code": "UNAUTHORIZED", "message": "no permission"})
        elif reminder_problems(body):
            self._send(400, {"code": "INVALID", "message": "; ".join(reminder_problems(body))})
        else:
            self._send(200, {"alertToken": "t-1", "status": "ON",
                             "createdTime": body["requestTime"]})

    def log_message(self, *args: object) -> None:
        pass


def reminder_problems(body: dict[str, Any]) -> list[str]:
    """What the Reminders API would refuse in a create-reminder body."""
    found = []
    trigger = body.get("trigger", {})
    if trigger.get("type") != "SCHEDULED_ABSOLUTE":
        found.append("trigger type")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000", trigger.get("scheduledTime", "")):
        found.append("scheduledTime must be local, without a zone")
    rules = trigger.get("recurrence", {}).get("recurrenceRules", [""])
    if not rules[0].startswith("FREQ=DAILY"):
        found.append("recurrence")
    if not body.get("alertInfo", {}).get("spokenInfo", {}).get("content", [{}])[0].get("text"):
        found.append("spoken text")
    if body.get("pushNotification", {}).get("status") != "ENABLED":
        found.append("push notification")
    return found


def _time(value: Any) -> datetime | None:
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def event_problems(body: Any) -> list[str]:
    """What the Proactive Events API would refuse in an AMAZON.MessageAlert.Activated
    event (docs/alexa-platform.md §16a)."""
    if not isinstance(body, dict):
        return ["not an object"]
    found = []
    sent, expiry = _time(body.get("timestamp")), _time(body.get("expiryTime"))
    if sent is None or expiry is None:
        found.append("timestamp and expiryTime must be ISO 8601 UTC")
    elif not timedelta(minutes=5) <= expiry - sent <= timedelta(hours=24):
        found.append("expiryTime must be 5 minutes to 24 hours ahead")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", str(body.get("referenceId", ""))):
        found.append("referenceId")
    event = body.get("event", {})
    payload = event.get("payload", {})
    if event.get("name") != "AMAZON.MessageAlert.Activated":
        found.append("event name")
    if payload.get("state") != {"status": "UNREAD", "freshness": "NEW"}:
        found.append("state")
    group = payload.get("messageGroup", {})
    if not group.get("creator", {}).get("name") or not isinstance(group.get("count"), int):
        found.append("messageGroup")
    if group.get("urgency") not in (None, "URGENT"):
        found.append("urgency")
    locales = body.get("localizedAttributes")
    if not isinstance(locales, list) or not locales or not all(
            isinstance(a, dict) and a.get("locale") for a in locales):
        found.append("localizedAttributes")
    audience = body.get("relevantAudience", {})
    user = audience.get("payload", {}).get("user", "")
    if audience.get("type") != "Unicast" or not str(user).startswith("amzn1.ask.account."):
        found.append("relevantAudience")
    return found


_lock = threading.Lock()


def start() -> FakeAlexa:
    """The session's fake, started on first use."""
    with _lock:
        if not FAKE.url:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            FAKE.url = f"http://127.0.0.1:{server.server_address[1]}"
    return FAKE
