"""A local fake of Alexa's service APIs on 127.0.0.1, for the real HTTP client to call.

It answers the settings API (a device's time zone) and the Reminders API, checks the
bearer token, and records every call. One server runs per test session; each test gets
a clean slate through `FakeAlexa.reset()`.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "token"
_ZONE = re.compile(r"^/v2/devices/([^/]+)/settings/System\.timeZone$")


@dataclass
class FakeAlexa:
    url: str = ""
    zones: dict[str, str] = field(default_factory=dict)  # device id -> IANA zone
    default_zone: str = "UTC"
    reminders_allowed: bool = True
    calls: list[dict[str, Any]] = field(default_factory=list)

    def reset(self) -> None:
        self.zones.clear()
        self.default_zone = "UTC"
        self.reminders_allowed = True
        self.calls.clear()

    def received(self, path_prefix: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["path"].startswith(path_prefix)]


FAKE = FakeAlexa()


class _Api(BaseHTTPRequestHandler):
    def _send(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self, body: Any = None) -> bool:
        FAKE.calls.append(
            {"method": self.command, "path": self.path,
             "auth": self.headers.get("Authorization"), "body": body}
        )
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(401, {"code": "UNAUTHORIZED", "message": "bad token"})
            return False
        return True

    def do_GET(self) -> None:
        if not self._record():
            return
        zone = _ZONE.match(self.path)
        if zone:
            self._send(200, FAKE.zones.get(zone.group(1), FAKE.default_zone))
        else:
            self._send(404, {"code": "NOT_FOUND", "message": self.path})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"null")
        if not self._record(body):
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


_lock = threading.Lock()


def start() -> FakeAlexa:
    """The session's fake, started on first use."""
    with _lock:
        if not FAKE.url:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            FAKE.url = f"http://127.0.0.1:{server.server_address[1]}"
    return FAKE
