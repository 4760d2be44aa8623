"""Tools for the web-endpoint security tests: a settable clock, Alexa envelopes and
headers, the real waitress server in a thread, a CONNECT-counting HTTPS proxy, held
connections, and percentiles. Everything talks real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from support import SKILL_ID

from skill.web.serve import make_server


class Clock:
    """A clock the test moves by hand; the verifier reads it for everything."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def envelope(now: datetime | None = None, app_id: str = SKILL_ID,
             request_type: str = "LaunchRequest") -> bytes:
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    app = {"applicationId": app_id}
    user = {"userId": "amzn1.ask.account.web"}
    return json.dumps({
        "version": "1.0",
        "session": {"new": True, "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                    "application": app, "user": user},
        "context": {"System": {"application": app, "user": user,
                               "device": {"deviceId": "d", "supportedInterfaces": {}}}},
        "request": {"type": request_type, "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                    "timestamp": stamp, "locale": "en-US"},
    }).encode()


def forged_signature() -> str:
    """Base64 of 256 random bytes: looks like an RSA-2048 signature, verifies against nothing."""
    return base64.b64encode(os.urandom(256)).decode()


def headers(url: str, signature: str) -> dict[str, str]:
    return {"SignatureCertChainUrl": url, "Signature-256": signature,
            "Content-Type": "application/json"}


def answer(event: dict) -> dict:
    """Stand-in for handle_event where the test is about what reaches the skill at all."""
    return {"version": "1.0", "response": {"shouldEndSession": True}}


@contextmanager
def running(app, **limits) -> Iterator[int]:
    """The production server (make_server) on an ephemeral port; yields the port."""
    server = make_server(app, port=0, **limits)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        server.close()
        thread.join(5)


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, float]:
    """(status, seconds) for one GET on a new connection."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        status = conn.getresponse().status
    finally:
        conn.close()
    return status, time.perf_counter() - start


def post(conn: http.client.HTTPConnection, body: bytes, hdrs: dict[str, str]) -> int:
    conn.request("POST", "/", body=body, headers=hdrs)
    reply = conn.getresponse()
    reply.read()
    return reply.status


class ConnectCountingProxy:
    """An HTTPS proxy on 127.0.0.1 that counts CONNECT requests and refuses each one with
    502 (there is no internet here, and the count is the point). Point HTTPS_PROXY at it."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        lock = threading.Lock()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line = self.rfile.readline(8192).decode("latin-1")
                while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass
                method, _, rest = line.partition(" ")
                if method == "CONNECT":
                    with lock:
                        outer.targets.append(rest.split(" ")[0])
                self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class HeldConnections:
    """Connections an attacker holds open: idle, half-sent headers, or dribbling a byte
    every `every_s` seconds from a background thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sockets: list[socket.socket] = []
        self.dribblers: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _open(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        self.sockets.append(sock)
        return sock

    def idle(self, n: int) -> None:
        for _ in range(n):
            self._open()

    def half_headers(self, n: int) -> None:
        for _ in range(n):
            self._open().sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: applic")

    def dribbling(self, n: int, every_s: float = 0.5) -> None:
        for _ in range(n):
            sock = self._open()
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            self.dribblers.append(sock)
        self._thread = threading.Thread(target=self._dribble, args=(every_s,), daemon=True)
        self._thread.start()

    def _dribble(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            for sock in self.dribblers:
                # OSError: the server closed it, which is what the deadline is for.
                with contextlib.suppress(OSError):
                    sock.sendall(b"a")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        for sock in self.sockets:
            sock.close()


def closed_by_server(sock: socket.socket, within_s: float) -> bool:
    """True when the server closes `sock` within the time (recv returns EOF or a reset)."""
    sock.settimeout(within_s)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- signed requests beside a forged flood (tests/test_web_server.py and `make bench`) -----

FLOOD = Path(__file__).with_name("web_flood.py")
CHAIN_PATH = "/echo.api/echo-api-cert.pem"


def signed_post(port: int, pki, chains, timeout: float = 5.0) -> tuple[int, float]:
    """(status, seconds) for one signed LaunchRequest on a new connection."""
    body = envelope()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    try:
        status = post(conn, body, headers(chains.url(CHAIN_PATH), pki.sign(body)))
    finally:
        conn.close()
    return status, time.perf_counter() - start


def signed_requests(port: int, pki, chains, seconds: float) -> list[tuple[int, float]]:
    """One Alexa-like client: a new connection and a signed LaunchRequest, back to back."""
    out: list[tuple[int, float]] = []
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        out.append(signed_post(port, pki, chains, timeout=10))
    return out


@dataclass
class FloodRun:
    attackers: int
    quiet: list[tuple[int, float]]  # (status, seconds) of signed requests alone
    loud: list[tuple[int, float]]  # ... and beside the forged flood
    forged: dict  # the flood's own count: {"sent", "statuses", "errors"}
    fetches: int  # certificate fetches during the flood
    limits: object  # the verifier's fetch limits

    @staticmethod
    def latencies(requests: list[tuple[int, float]]) -> list[float]:
        return [took for _, took in requests]

    def summary(self) -> str:
        def line(requests: list[tuple[int, float]]) -> str:
            seconds = self.latencies(requests)
            return (f"p50 {percentile(seconds, 50) * 1000:.1f} ms, "
                    f"p99 {percentile(seconds, 99) * 1000:.1f} ms (n={len(seconds)})")

        return (f"signed requests alone: {line(self.quiet)}; beside {self.attackers} forging "
                f"connections ({self.forged['sent']} forged requests in 3 s, "
                f"{self.forged['statuses']}, {self.forged['errors']} errors, {self.fetches} "
                f"certificate fetches): {line(self.loud)}")


@dataclass
class ColdFloodRun:
    attackers: int
    genuine: list[tuple[int, float]]  # (status, seconds) of signed requests, not yet cached
    forged: dict  # the flood's own count
    fetches: int  # certificate fetches in all

    @property
    def answered(self) -> float:
        """The share of genuine signed requests answered (200)."""
        return sum(1 for status, _ in self.genuine if status == 200) / max(1, len(self.genuine))

    def summary(self) -> str:
        return (f"after a restart, beside {self.attackers} connections forging a fresh "
                f"certificate URL each time ({self.forged['sent']} forged requests, "
                f"{self.forged['statuses']}): {self.answered:.0%} of {len(self.genuine)} "
                f"genuine signed requests answered, {self.fetches} certificate fetches")


@contextmanager
def verified_skill(store_path: Path) -> Iterator[tuple[int, Any, Any, Any]]:
    """The skill on the production server with verification on, every certificate fetch
    delayed 50 ms (like S3 from afar): (port, pki, chain server, verifier)."""
    from web_pki import ChainServer, Pki

    from skill.alexa.entry import respond
    from skill.alexa.skill import build_skill
    from skill.store.sqlite import SqliteStore
    from skill.web.app import create_app
    from skill.web.verify import Verifier

    pki, chains = Pki(), ChainServer()
    chains.chains[CHAIN_PATH] = pki.pem()
    chains.delay_s = 0.05
    try:
        skill = build_skill(SqliteStore(store_path))
        verifier = Verifier(skill_id=SKILL_ID, url_rule=chains.url_rule, roots=[pki.root])
        app = create_app(verifier=verifier, verify=True,
                         handler=lambda event: respond(lambda: skill, event))
        with running(app) as port:
            yield port, pki, chains, verifier
    finally:
        chains.close()


def start_flood(port: int, chains: Any, seconds: float, attackers: int,
                *mode: str) -> subprocess.Popen[str]:
    """The forging flood in another process, once it says it is ready."""
    flood = subprocess.Popen(
        [sys.executable, str(FLOOD), str(port), f"http://127.0.0.1:{chains.port}",
         str(seconds), str(attackers), *mode], stdout=subprocess.PIPE, text=True)
    assert flood.stdout is not None
    assert flood.stdout.readline() == "ready\n"
    return flood


def cold_flood_run(store_path: Path, attackers: int = 16, seconds: float = 3.0) -> ColdFloodRun:
    """A server just started (no chain cached) under a flood of forgeries with a fresh
    certificate URL each; the flood starts first, then signed requests come as Alexa's."""
    with verified_skill(store_path) as (port, pki, chains, _):
        flood = start_flood(port, chains, seconds + 1, attackers, "fresh")
        time.sleep(0.5)  # the flood has spent the tokens it can
        genuine = signed_requests(port, pki, chains, seconds=seconds)
        out, _ = flood.communicate(timeout=30)
        return ColdFloodRun(attackers, genuine, json.loads(out), chains.fetches)


def flood_run(store_path: Path, attackers: int = 64) -> FloodRun:
    """Signed requests for 0.7 s alone, then for 2.5 s beside `attackers` keep-alive
    forging connections in another process (3 s), on verified_skill's server."""
    with verified_skill(store_path) as (port, pki, chains, verifier):
        quiet = signed_requests(port, pki, chains, seconds=0.7)
        fetches_before = chains.fetches
        flood = start_flood(port, chains, 3, attackers)
        time.sleep(0.2)  # past the attackers' first burst
        loud = signed_requests(port, pki, chains, seconds=2.5)
        out, _ = flood.communicate(timeout=30)
        return FloodRun(attackers, quiet, loud, json.loads(out), chains.fetches - fetches_before,
                        verifier.limits)
