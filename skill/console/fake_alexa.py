"""A local fake of Alexa's service APIs on 127.0.0.1, for the real HTTP client to call.

It answers the settings API (a device's time zone), the Reminders API, Login with Amazon's
token endpoint (client credentials) and the Proactive Events API (both stages), checks the
credentials and the shape of what it is sent, and records every call. It can be told to
refuse, or to hang, the token or the event calls.

Development tooling, never shipped to Lambda (the package leaves out skill/console):
- `python -m skill fake-alexa [--port N]` runs it in the foreground, prints the
  environment and console options that reach it, then one line per call it receives.
- Tests (tests/alexa_fake.py re-exports this module) run one server per test session in a
  thread (`start()`); each test gets a clean slate through `FakeAlexa.reset()`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from collections.abc import Callable
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
NOTIFICATIONS = "alexa::devices:all:notifications:write"
REMINDERS = "alexa::alerts:reminders:skill:readwrite"
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
    # Answers for the next event calls, one each, before events_status applies again.
    events_statuses: list[int] = field(default_factory=list)
    hang_token: bool = False
    hang_events: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    # Refuse a reminder unless the console's token names the reminders scope (the
    # foreground server does, so the skill asks for the permission by voice).
    reminders_need_scope: bool = False
    # Told of every call once it is answered (the call, with its "status"); the server
    # run by `python -m skill fake-alexa` prints them.
    on_call: Callable[[dict[str, Any]], None] | None = None

    def reset(self) -> None:
        self.zones.clear()
        self.default_zone = "UTC"
        self.reminders_allowed, self.reminders_need_scope = True, False
        self.calls.clear()
        self.tokens_issued.clear()
        self.token_status, self.events_status = 200, 202
        self.events_statuses.clear()
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

    def delivered(self) -> list[dict[str, Any]]:
        """The event calls Alexa accepted (answered 2xx)."""
        return [c for c in self.events() if 200 <= c.get("status", 0) < 300]


FAKE = FakeAlexa()


class _Api(BaseHTTPRequestHandler):
    call: dict[str, Any] | None = None

    def _send(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        if self.call is not None:  # recorded first: the caller may look once answered
            self.call["status"], self.call["answer"] = status, payload
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        if self.call is not None and FAKE.on_call is not None:
            FAKE.on_call(self.call)

    def _record(self, body: Any = None) -> None:
        self.call = {
            "method": self.command,
            "path": self.path,
            "auth": self.headers.get("Authorization"),
            "body": body,
            "content_type": self.headers.get("Content-Type"),
        }
        FAKE.calls.append(self.call)

    def _request_token_ok(self) -> bool:
        """The request's own apiAccessToken (settings, reminders): the tests' token, or the
        console's (which names the granted scopes after a "+")."""
        auth = self.headers.get("Authorization") or ""
        if auth == f"Bearer {TOKEN}" or auth.split("+")[0] == f"Bearer {CONSOLE_TOKEN}":
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
        elif (
            form.get("grant_type") != "client_credentials"
            or form.get("scope") != "alexa::proactive_events"
            or self.headers.get("Content-Type") != "application/x-www-form-urlencoded"
        ):
            self._send(400, {"error": "invalid_request"})
        elif form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            self._send(401, {"error": "invalid_client"})
        else:
            token = f"lwa-token-{len(FAKE.tokens_issued) + 1}"
            FAKE.tokens_issued.append(token)
            self._send(
                200,
                {
                    "access_token": token,
                    "expires_in": 3600,
                    "token_type": "bearer",
                    "scope": "alexa::proactive_events",
                },
            )

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
            status = FAKE.events_statuses.pop(0) if FAKE.events_statuses else FAKE.events_status
            self._send(status, {} if status < 300 else {"code": "ERR"})

    def _reminder(self, body: Any) -> None:
        self._record(body)
        if not self._request_token_ok():
            return
        if self.path != "/v1/alerts/reminders":
            self._send(404, {"code": "NOT_FOUND", "message": self.path})
        elif not FAKE.reminders_allowed or (
            FAKE.reminders_need_scope and REMINDERS not in granted(self.headers)
        ):
            self._send(401, {"code": "UNAUTHORIZED", "message": "no permission"})
        elif reminder_problems(body):
            self._send(400, {"code": "INVALID", "message": "; ".join(reminder_problems(body))})
        else:
            self._send(
                200, {"alertToken": "t-1", "status": "ON", "createdTime": body["requestTime"]}
            )

    def log_message(self, *args: object) -> None:
        pass  # calls are recorded (and printed by the foreground server), not logged


def granted(headers: Any) -> set[str]:
    """The scopes a console token names ("Bearer console-token+scope,scope")."""
    _, _, scopes = (headers.get("Authorization") or "").partition("+")
    return {s for s in scopes.split(",") if s}


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
    if (
        not isinstance(locales, list)
        or not locales
        or not all(isinstance(a, dict) and a.get("locale") for a in locales)
    ):
        found.append("localizedAttributes")
    audience = body.get("relevantAudience", {})
    user = audience.get("payload", {}).get("user", "")
    if audience.get("type") != "Unicast" or not str(user).startswith("amzn1.ask.account."):
        found.append("relevantAudience")
    return found


_lock = threading.Lock()


def _server(port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Api)
    server.daemon_threads = True
    FAKE.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server


def start() -> FakeAlexa:
    """The session's fake, started on first use."""
    with _lock:
        if not FAKE.url:
            server = _server(0)
            threading.Thread(target=server.serve_forever, daemon=True).start()
    return FAKE


# --- python -m skill fake-alexa --------------------------------------------------------

DEFAULT_PORT = 8765


def environment(url: str) -> dict[str, str]:
    """What the skill reads to reach this fake for Login with Amazon and Proactive Events
    (skill/alexa/proactive.py)."""
    return {
        "LWA_TOKEN_URL": url + TOKEN_PATH,
        "ALEXA_CLIENT_ID": CLIENT_ID,
        "ALEXA_CLIENT_SECRET": CLIENT_SECRET,
        "ALEXA_EVENTS_STAGE": "development",
    }


def describe(call: dict[str, Any]) -> str:
    """One line for a call received: an event says who it is for and about whom."""
    line = f"{call['method']} {call['path']} -> {call.get('status')}"
    body, answer = call.get("body"), call.get("answer")
    if call["path"] in EVENTS_PATHS and isinstance(body, dict):
        event = body.get("event") or {}
        group = (event.get("payload") or {}).get("messageGroup") or {}
        user = ((body.get("relevantAudience") or {}).get("payload") or {}).get("user")
        creator = (group.get("creator") or {}).get("name")
        urgency = f", {group['urgency']}" if group.get("urgency") else ""
        line += f"  EVENT {event.get('name')} for {user}: {creator!r}{urgency}"
    elif call["path"] == TOKEN_PATH and isinstance(answer, dict) and answer.get("access_token"):
        line += f"  token {answer['access_token']}"
    elif call["path"].startswith("/v1/alerts/reminders") and isinstance(body, dict):
        line += f"  reminder {(body.get('trigger') or {}).get('scheduledTime')}"
    if isinstance(answer, dict) and call.get("status", 200) >= 400:
        line += f"  refused: {answer.get('message') or answer.get('error')}"
    return line


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m skill fake-alexa",
        description="A local fake of Alexa's APIs (Login with Amazon, Proactive Events, "
        "Reminders, the device time zone) on 127.0.0.1, in the foreground. It prints the "
        "environment and console options that reach it, then one line per call received "
        "(an alert pushed to a caregiver shows as EVENT). Ctrl-C stops it.",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0 = any free"
    )
    parser.add_argument(
        "--time-zone", default="UTC", help="every device's time zone (IANA name, default UTC)"
    )
    return parser.parse_args(argv)


_print_lock = threading.Lock()


def show(call: dict[str, Any]) -> None:
    """One call, one whole line: calls arrive on the server's threads at once, and print()
    writes a line and its newline separately, so two could run together."""
    line = describe(call) + "\n"
    with _print_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        server = _server(args.port)
    except OSError as exc:
        print(f"fake-alexa: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    FAKE.default_zone = args.time_zone
    FAKE.reminders_need_scope = True
    FAKE.on_call = show
    lines = [
        f"Fake Alexa APIs on {FAKE.url} (Ctrl-C stops it).",
        "In each shell that runs a console:",
        *(f"export {name}={value}" for name, value in environment(FAKE.url).items()),
        "Console options (--permissions: what the user has granted; leave a scope out and",
        "the skill asks for it by voice):",
        f"  --api-endpoint {FAKE.url} --permissions {NOTIFICATIONS},{REMINDERS}",
        "Calls received:",
    ]
    print("\n".join(lines), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
