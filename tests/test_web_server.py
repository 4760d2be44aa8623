"""The real server (waitress, make_server) over 127.0.0.1, under load: held and dribbling
connections do not block /health or signed requests, slow requests are cut at the deadline,
and signed requests are still answered beside a forged flood. Latency figures and their
targets are `make bench`'s (infra/bench.py); here the margins are only generous ones."""

from __future__ import annotations

import http.client
import os
import time

import pytest
from support import SKILL_ID
from web_support import (
    FloodRun,
    HeldConnections,
    answer,
    closed_by_server,
    cold_flood_run,
    flood_run,
    get,
    running,
    signed_post,
)

from skill.web.app import create_app
from skill.web.verify import Verifier

pytestmark = pytest.mark.e2e


@pytest.fixture
def app(pki, chains):
    verifier = Verifier(skill_id=SKILL_ID, url_rule=chains.url_rule, roots=[pki.root])
    return create_app(verifier=verifier, verify=True, handler=answer)


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
            # Deadline 1 s, checked every second: closed by about 2 s after each opened.
            # Generous margins (a loaded CI machine sweeps late); the behaviour is that
            # they are cut at all, while the keep-alive connection below is not.
            assert closed_by_server(idle, within_s=5)
            assert closed_by_server(half, within_s=3)
            assert closed_by_server(dribbler, within_s=3)
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


def test_signed_requests_are_answered_beside_a_forged_flood(tmp_path):
    run = flood_run(tmp_path / "s.sqlite3", int(os.environ.get("WEB_FLOOD_CONNECTIONS", "64")))
    print(f"\n{run.summary()}")
    assert {status for status, _ in run.quiet + run.loud} == {200}
    assert set(run.forged["statuses"]) == {"400"}
    assert run.forged["errors"] == 0
    assert run.fetches <= run.limits.fetch_burst + run.limits.fetch_per_s * 4
    # Alexa gives up at 8 s. Before the fix 64 forging connections pushed the median to
    # 2.9 s; `make bench` holds the p99 target (under 1.5 s), which a busy machine can miss.
    assert max(FloodRun.latencies(run.loud)) < 8


def test_genuine_requests_are_answered_after_a_restart_under_a_fresh_url_flood(tmp_path):
    """Issue 23, row 5: 0 of 135 genuine signed requests were answered in 60 s while
    forgeries with a fresh certificate URL each spent every fetch token."""
    run = cold_flood_run(tmp_path / "s.sqlite3",
                         int(os.environ.get("WEB_FLOOD_CONNECTIONS", "16")))
    print(f"\n{run.summary()}")
    assert run.forged["sent"] > 100 and set(run.forged["statuses"]) == {"400"}
    assert len(run.genuine) >= 5
    assert run.answered >= 0.95
