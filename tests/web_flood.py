"""A forged-request flood, run as its own process so that the attacker's CPU is not the
server's GIL: `python tests/web_flood.py PORT CHAIN_ORIGIN SECONDS CONNECTIONS [fresh]`
prints "ready" once every connection is open, then {"sent": n, "statuses": {...},
"errors": n} as JSON when done. Standard library only.

Each connection keeps alive and cycles through four forgeries, all with signatures that
look right (256 random bytes) but verify against nothing:
  new URL     a fresh valid-looking certificate URL every time (/echo.api/flood-<n>.pem)
  known URL   the genuine certificate URL
  stale       a timestamp ten minutes old
  garbage     a signature that is not base64
With `fresh`, every forgery is a new URL (after a restart, the one that spent every
certificate-fetch token before Alexa's own URL was fetched: issue 23, row 5).
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
CHAIN_PATH = "/echo.api/echo-api-cert.pem"


def body(age_s: float = 0) -> bytes:
    stamp = (datetime.now(UTC) - timedelta(seconds=age_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
    app = {"applicationId": SKILL_ID}
    return json.dumps({
        "version": "1.0",
        "session": {"new": True, "sessionId": "amzn1.echo-api.session.f", "application": app,
                    "user": {"userId": "amzn1.ask.account.flood"}},
        "context": {"System": {"application": app, "user": {"userId": "amzn1.ask.account.f"},
                               "device": {"deviceId": "d", "supportedInterfaces": {}}}},
        "request": {"type": "LaunchRequest", "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                    "timestamp": stamp, "locale": "en-US"},
    }).encode()


def forgery(n: int, origin: str, fresh: bool = False) -> tuple[bytes, dict[str, str]]:
    signature = base64.b64encode(os.urandom(256)).decode()
    url, age = origin + CHAIN_PATH, 0.0
    kind = 0 if fresh else n % 4
    if kind == 0:
        url = f"{origin}/echo.api/flood-{uuid.uuid4().hex}.pem"
    elif kind == 2:
        age = 600
    elif kind == 3:
        signature = "not base64!"
    return body(age), {"SignatureCertChainUrl": url, "Signature-256": signature,
                       "Content-Type": "application/json"}


def flood(port: int, origin: str, seconds: float, connections: int, fresh: bool = False) -> dict:
    statuses: Counter[int] = Counter()
    errors = 0
    lock = threading.Lock()
    connected = threading.Barrier(connections + 1)
    stop = time.monotonic() + seconds

    def attacker(index: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.connect()
        connected.wait()
        n = index
        while time.monotonic() < stop:
            data, headers = forgery(n, origin, fresh)
            n += 1
            try:
                conn.request("POST", "/", body=data, headers=headers)
                reply = conn.getresponse()
                reply.read()
                with lock:
                    statuses[reply.status] += 1
            except (OSError, http.client.HTTPException):
                with lock:
                    errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()

    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    connected.wait()
    print("ready", flush=True)
    for thread in threads:
        thread.join()
    return {"sent": sum(statuses.values()) + errors, "statuses": dict(statuses),
            "errors": errors}


if __name__ == "__main__":
    port, origin, seconds, connections = sys.argv[1:5]
    fresh = sys.argv[5:6] == ["fresh"]
    print(json.dumps(flood(int(port), origin, float(seconds), int(connections), fresh)))
