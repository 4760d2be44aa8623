"""Issue 12, rows 1 and 6, on the real server (waitress, make_server) over 127.0.0.1:
held and dribbling connections do not block /health or signed requests, slow requests
are cut at the deadline, and signed requests stay fast beside a forged flood."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import SKILL_ID
from web_pki import ChainServer, Pki
from web_support import (
    HeldConnections,
    answer,
    closed_by_server,
    envelope,
    get,
    headers,
    percentile,
    post,
    running,
)

from skill.alexa.entry import respond
from skill.alexa.skill import build_skill
from skill.store.sqlite import SqliteStore
from skill.web.app import create_app
from skill.web.verify import Verifier

# e2e: the real server under held connections, slow clients and a forged flood.
pytestmark = pytest.mark.e2e

CHAIN_PATH = "/echo.api/echo-api-cert.pem"


@pytest.fixture(scope="module")
def pki():
    return Pki()


@pytest.fixture
def chains(pki):
    server = ChainServer()
    server.chains[CHAIN_PATH] = pki.pem()
    yield server
    server.close()


@pytest.fixture
def app(pki, chains):
    verifier = Verifier(skill_id=SKILL_ID, url_rule=chains.url_rule, roots=[pki.root])
    return create_app(verifier=verifier, verify=True, handler=answer)


def signed_post(port: int, pki, chains, timeout: float = 5.0) -> tuple[int, float]:
    body = envelope()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    try:
        status = post(conn, body, headers(chains.url(CHAIN_PATH), pki.sign(body)))
    finally:
        conn.close()
    return status, time.perf_counter() - start


# --- held connections ------------------------------------------------------------------

def test_150_held_connections_do_not_block_health_or_signed_requests(app, pki, chains):
    # waitress's default connection_limit is 100: this many held connections used to
    # stop the server accepting at all, until its 120 s idle timeout.
    with running(app) as port:
        held = HeldConnections(port)
        try:
            held.idle(50)
            held.half_headers(50)
            held.dribbling(50, every_s=0.5)
            time.sleep(0.3)  # let the server accept them all
            health, health_s = get(port, "/health", timeout=3)
            signed, signed_s = signed_post(port, pki, chains, timeout=3)
        finally:
            held.close()
    print(f"\nwith 150 held connections: /health {health_s * 1000:.0f} ms, "
          f"signed request {signed_s * 1000:.0f} ms")
    assert (health, signed) == (200, 200)
    assert health_s < 2 and signed_s < 2


def test_requests_that_never_finish_arriving_are_cut_at_the_deadline(app):
    with running(app, request_deadline_s=1, cleanup_interval=1) as port:
        held = HeldConnections(port)
        try:
            held.idle(1)
            held.half_headers(1)
            held.dribbling(1, every_s=0.2)
            idle, half, dribbler = held.sockets
            keep_alive = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            keep_alive.request("GET", "/health")
            assert keep_alive.getresponse().read()
            # Deadline 1 s, checked every second: closed by about 2 s.
            assert closed_by_server(idle, within_s=3.5)
            assert closed_by_server(half, within_s=1)
            assert closed_by_server(dribbler, within_s=1)
            # A keep-alive connection between requests is not cut by the deadline.
            assert not closed_by_server(keep_alive.sock, within_s=0.5)
            keep_alive.request("GET", "/health")
            assert keep_alive.getresponse().status == 200
            keep_alive.close()
        finally:
            held.close()


def test_the_server_recovers_when_slow_clients_take_every_connection(app):
    # A small connection limit makes the point quickly: 30 dribblers against 20 slots.
    with running(app, request_deadline_s=1, cleanup_interval=1, connection_limit=20) as port:
        held = HeldConnections(port)
        try:
            held.dribbling(30, every_s=0.2)
            status, took = get(port, "/health", timeout=6)
        finally:
            held.close()
    print(f"\n/health behind 30 dribblers on 20 connection slots: {took:.2f} s")
    assert status == 200
    assert took < 5


# --- a forged flood beside genuine signed traffic ----------------------------------------

FLOOD = Path(__file__).with_name("web_flood.py")


def signed_latencies(port: int, pki, chains, seconds: float) -> list[float]:
    """One Alexa-like client: a new connection and a signed LaunchRequest, back to back."""
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        status, took = signed_post(port, pki, chains, timeout=10)
        assert status == 200
        latencies.append(took)
    return latencies


def summary(latencies: list[float]) -> str:
    return (f"p50 {percentile(latencies, 50) * 1000:.1f} ms, "
            f"p99 {percentile(latencies, 99) * 1000:.1f} ms (n={len(latencies)})")


def test_signed_requests_stay_fast_beside_a_forged_flood(pki, chains, tmp_path):
    attackers = int(os.environ.get("WEB_FLOOD_CONNECTIONS", "64"))
    # As issue 12 measured it: every certificate fetch takes 50 ms, like S3 from afar.
    chains.delay_s = 0.05
    skill = build_skill(SqliteStore(tmp_path / "s.sqlite3"))
    verifier = Verifier(skill_id=SKILL_ID, url_rule=chains.url_rule, roots=[pki.root])
    app = create_app(verifier=verifier, verify=True,
                     handler=lambda event: respond(lambda: skill, event))
    with running(app) as port:
        quiet = signed_latencies(port, pki, chains, seconds=0.7)
        fetches_before = chains.fetches
        flood = subprocess.Popen(
            [sys.executable, str(FLOOD), str(port), f"http://127.0.0.1:{chains.port}", "3",
             str(attackers)], stdout=subprocess.PIPE, text=True)
        assert flood.stdout is not None
        assert flood.stdout.readline() == "ready\n"
        time.sleep(0.2)  # past the attackers' first burst
        loud = signed_latencies(port, pki, chains, seconds=2.5)
        out, _ = flood.communicate(timeout=30)
    forged = json.loads(out)
    fetches = chains.fetches - fetches_before
    print(f"\nsigned requests alone: {summary(quiet)}; beside {attackers} forging connections "
          f"({forged['sent']} forged requests in 3 s, {forged['statuses']}, "
          f"{forged['errors']} errors, {fetches} certificate fetches): {summary(loud)}")
    assert set(forged["statuses"]) == {"400"}
    assert forged["errors"] == 0
    limits = verifier.limits
    assert fetches <= limits.fetch_burst + limits.fetch_per_s * 4
    # Before the fix, 64 forging connections pushed the median to 2.9 s (issue 12; 0.85 s
    # in this shorter test); Alexa gives up at 8 s. Generous bounds: CI machines are busy.
    assert percentile(loud, 50) < 0.5
    assert percentile(loud, 99) < 1.5
