"""`python -m skill serve` / `make serve`: the web endpoint under waitress on 127.0.0.1.

Put a buffering, TLS-terminating reverse proxy in front: Alexa calls only HTTPS on port
443, and a proxy is the place for per-client connection limits. The limits below keep
one process answering when a few hundred connections are held open or dribbled.

The server will not start on the published development key secret (anyone could
recompute every table key and log tag from it): set USER_KEY_SECRET or
USER_KEY_SECRET_PARAMETER, or say --dev-secret (or LEG_PAIN_DEV_SECRET=1) to mean it.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
from typing import Any

from flask import Flask
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from skill import clock, config, keys

# Worker threads. Requests are CPU work under one GIL (a cached one is about 1 ms), so
# more threads only share the CPU more thinly: under a forged flood on 2 cores, 16 threads
# gave signed requests a p99 of 1-2 s where 8 gave 0.2 s. Only fetches of new certificate
# chains block, and chains.Limits lets at most 2 fetches and 4 requests waiting on them
# hold a thread, so at least 2 threads always remain for cached requests and /health.
THREADS = 8
# Open connections before waitress stops accepting (the rest wait in the listen backlog).
# Idle connections cost no thread; the worst case in memory is every one of them holding
# a nearly complete request: 500 x (16 KB headers + 128 KB body), about 72 MB.
CONNECTION_LIMIT = 500
# A request must arrive in full within this time of the connection opening or of its
# first byte. Alexa gives up after 8 s, so a request still arriving then is dead anyway;
# this is what stops slow-loris clients that send a byte now and then.
REQUEST_DEADLINE_S = 8
# Keep-alive connections with nothing in progress close after this (waitress: 120 s).
IDLE_TIMEOUT_S = 30
# How often the deadlines are checked (waitress: 30 s).
CLEANUP_INTERVAL_S = 2
# Alexa's headers are about 1 KB; 16 KB leaves room for a proxy's (waitress: 256 KB).
MAX_HEADER_BYTES = 16 * 1024
BACKLOG = 1024


DEV_SECRET_ENV = "LEG_PAIN_DEV_SECRET"
NO_SECRET = (
    f"python -m skill serve: no key secret. Set {keys.SECRET_ENV} (or {keys.PARAMETER_ENV}, "
    "the name of an SSM SecureString parameter); the published development secret would let "
    "anyone recompute every table key and log tag. For local development only, pass "
    f"--dev-secret (or set {DEV_SECRET_ENV}=1)."
)


def _has_secret() -> bool:
    settings = config.get()
    return bool(settings.key_secret.strip() or settings.key_secret_parameter)


class _Channel(HTTPChannel):  # type: ignore[misc]  # waitress ships no types
    """Remembers when the request now being received began."""

    request_started = 0.0  # 0: no request has started on this connection yet

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = clock.now()
        return bool(super().received(data))


class _Server(TcpWSGIServer):  # type: ignore[misc]  # waitress ships no types
    """waitress's server with a deadline for receiving each request."""

    channel_class = _Channel
    request_deadline_s: float = REQUEST_DEADLINE_S

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # waitress's own idle timeout
        cutoff = now - self.request_deadline_s
        for channel in list(self.active_channels.values()):
            if channel.request is not None:
                started = channel.request_started  # a request is arriving
            elif not channel.request_started and not channel.requests:
                started = channel.creation_time  # connected, never sent a byte
            else:
                continue  # between keep-alive requests, or being answered
            if started < cutoff:
                channel.will_close = True


def make_server(
    app: Flask,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    request_deadline_s: float = REQUEST_DEADLINE_S,
    **overrides: Any,
) -> Any:
    """A waitress server, not yet running (tests run it in a thread on port 0).

    `overrides` are waitress adjustments (tests shrink the limits to reach them quickly)."""
    from skill.web.app import MAX_BODY_BYTES

    settings: dict[str, Any] = {
        "host": host,
        "port": port,
        "threads": THREADS,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": IDLE_TIMEOUT_S,
        "cleanup_interval": CLEANUP_INTERVAL_S,
        "max_request_header_size": MAX_HEADER_BYTES,
        # waitress would otherwise buffer bodies up to 1 GB before Flask sees them;
        # refuse anything over Flask's limit at the socket (waitress answers 413 itself).
        "max_request_body_size": MAX_BODY_BYTES,
        "backlog": BACKLOG,
        # select() cannot watch file descriptors above 1023; poll() can.
        "asyncore_use_poll": True,
        **overrides,
    }
    _allow_open_files(settings["connection_limit"] + 64)
    server = _Server(app, adj=Adjustments(**settings))
    server.request_deadline_s = request_deadline_s
    return server


def _allow_open_files(wanted: int) -> None:
    """Raise the soft open-file limit (often 1024) towards `wanted`, never lower it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=config.get().port)
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="development only: accept unsigned requests (logged every time)",
    )
    parser.add_argument(
        "--dev-secret",
        action="store_true",
        help="development only: key the store with the published development secret "
        f"when {keys.SECRET_ENV} and {keys.PARAMETER_ENV} are unset (or {DEV_SECRET_ENV}=1)",
    )
    args = parser.parse_args(argv)
    if not _has_secret() and not (args.dev_secret or config.get().dev_secret):
        print(NO_SECRET, file=sys.stderr)
        return 2
    logging.basicConfig(level=config.get().log_level)
    from skill.web.install_check import BrokenInstall

    try:
        from skill.web.app import create_app
    except BrokenInstall as exc:
        print(f"python -m skill serve: {exc}", file=sys.stderr)
        return 2

    app = create_app(verify=False if args.no_verify else None)
    from skill.alexa.entry import build_now

    build_now()  # caregiver alerts an earlier run left in the outbox go now
    server = make_server(app, args.host, args.port)
    print(f"Leg Pain Guide listening on http://{args.host}:{args.port}/", flush=True)
    server.run()
    return 0
