"""`python -m skill serve` / `make serve`: the web endpoint under waitress on 127.0.0.1.

Put a TLS-terminating proxy in front: Alexa calls only HTTPS on port 443.
"""

from __future__ import annotations

import argparse
import logging
import os

from flask import Flask


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 8080) -> object:
    """A waitress server, not yet running (tests run it in a thread on port 0)."""
    from waitress import create_server

    from skill.web.app import MAX_BODY_BYTES

    # waitress would otherwise buffer bodies up to 1 GB before Flask sees them; refuse
    # anything over Flask's limit at the socket (waitress answers 413 itself).
    return create_server(app, host=host, port=port, threads=8, max_request_body_size=MAX_BODY_BYTES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="development only: accept unsigned requests (logged every time)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    from skill.web.app import create_app

    app = create_app(verify=False if args.no_verify else None)
    server = make_server(app, args.host, args.port)
    print(f"Leg Pain Guide listening on http://{args.host}:{args.port}/", flush=True)
    server.run()  # type: ignore[attr-defined]
    return 0
