"""The self-hosted endpoint: POST / answers Alexa like the Lambda handler; GET /health.

Verification is on by default. The development switch ALEXA_VERIFY_REQUESTS=off (or
create_app(verify=False)) turns it off and logs a warning on every request while off.
Bad input gets 400 (413 when too big), never 500.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, request

from skill.web.refusals import RefusalLog
from skill.web.verify import VerificationError, Verifier

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 128 * 1024
Handler = Callable[[dict[str, Any]], dict[str, Any]]


def _default_handler(event: dict[str, Any]) -> dict[str, Any]:
    from skill.alexa.entry import handle_event

    return handle_event(event)


def verification_wanted() -> bool:
    return os.environ.get("ALEXA_VERIFY_REQUESTS", "on").lower() not in ("off", "0", "false")


def create_app(
    verifier: Verifier | None = None,
    verify: bool | None = None,
    handler: Handler = _default_handler,
    skill_id: str | None = None,
) -> Flask:
    """The skill id comes from `skill_id`, else the SKILL_ID env; required when verifying."""
    verify = verification_wanted() if verify is None else verify
    if verify and verifier is None:
        skill_id = skill_id or os.environ.get("SKILL_ID")
        if not skill_id:
            raise SystemExit("SKILL_ID must be set when request verification is on")
        verifier = Verifier(skill_id=skill_id)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    refusals = RefusalLog(logger)

    def refuse(reason: str, status: int = 400) -> tuple[Response, int]:
        refusals.refused(reason)
        return jsonify(error="bad request"), status

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    @app.post("/")
    def alexa() -> tuple[Response, int]:
        if request.mimetype != "application/json":
            return refuse("content type is not application/json")
        body = request.get_data(cache=False)
        if len(body) > MAX_BODY_BYTES:
            return refuse("body too large", 413)
        if verify:
            assert verifier is not None
            try:
                event = verifier.verify(dict(request.headers), body)
            except VerificationError as exc:
                return refuse(str(exc))
        else:
            logger.warning("request verification is OFF (development only)")
            try:
                event = json.loads(body)
            except (ValueError, RecursionError):  # RecursionError: "[[[[..." nesting
                return refuse("body is not JSON")
            if not isinstance(event, dict):
                return refuse("body is not a JSON object")
        from skill.alexa.entry import RequestRejected

        try:
            return jsonify(handler(event)), 200
        except RequestRejected:
            return refuse("request is for another skill")

    @app.errorhandler(413)
    def too_large(_: Exception) -> tuple[Response, int]:
        return refuse("body too large", 413)

    @app.errorhandler(405)
    def wrong_method(_: Exception) -> tuple[Response, int]:
        return refuse("method not allowed", 405)

    return app
