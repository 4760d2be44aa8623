"""The self-hosted endpoint: POST / answers Alexa like the Lambda handler; GET /health.

POST / is served by the SDK's Flask adapter (flask-ask-sdk's SkillAdapter, wired in
sdk.py) with the project's verifier in its verifier slot. This view keeps what the adapter
does not: the content type, the size limit, and text that is UTF-8 (the adapter decodes it
with no error handling, so anything else would be a 500).

Verification is on by default. The development switch ALEXA_VERIFY_REQUESTS=off (or
create_app(verify=False)) turns it off and logs a warning on every request while off.
Bad input gets 400 (413 when too big), never 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, request

from skill import config
from skill.web import sdk
from skill.web.refusals import RefusalLog
from skill.web.verify import Verifier

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 128 * 1024
Handler = Callable[[dict[str, Any]], dict[str, Any]]


def _default_handler(event: dict[str, Any]) -> dict[str, Any]:
    from skill.alexa.entry import handle_event

    return handle_event(event)


def verification_wanted() -> bool:
    return config.get().verify_requests


def create_app(
    verifier: Verifier | None = None,
    verify: bool | None = None,
    handler: Handler = _default_handler,
    skill_id: str | None = None,
) -> Flask:
    """The skill id comes from `skill_id`, else the SKILL_ID env; required when verifying."""
    verify = verification_wanted() if verify is None else verify
    if verify and verifier is None:
        skill_id = skill_id or config.get().skill_id
        if not skill_id:
            raise SystemExit("SKILL_ID must be set when request verification is on")
        verifier = Verifier(skill_id=skill_id)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    refusals = RefusalLog(logger)
    adapter = sdk.adapt(app, handler, verifier if verify else None)

    def refuse(reason: str, status: int = 400) -> tuple[Response, int]:
        refusals.refused(reason)
        return jsonify(error="bad request"), status

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    @app.post("/")
    def alexa() -> Response | tuple[Response, int]:
        if request.mimetype != "application/json":
            return refuse("content type is not application/json")
        # Cached: the adapter reads the same bytes again through request.data.
        body = request.get_data()
        if len(body) > MAX_BODY_BYTES:
            return refuse("body too large", 413)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return refuse("body is not JSON")
        if not verify:
            logger.warning("request verification is OFF (development only)")
        try:
            answer: Response = adapter.dispatch_request()  # flask-ask-sdk ships no types
            return answer
        except sdk.Refused as refused:
            return refuse(refused.reason)

    @app.errorhandler(400)
    def bad_request(_: Exception) -> tuple[Response, int]:
        return refuse("bad request")

    @app.errorhandler(413)
    def too_large(_: Exception) -> tuple[Response, int]:
        return refuse("body too large", 413)

    @app.errorhandler(405)
    def wrong_method(_: Exception) -> tuple[Response, int]:
        return refuse("method not allowed", 405)

    return app
