"""The one entry every host calls: Lambda, the console and the web endpoint.

`SkillBuilder.lambda_handler()` deserializes the event before any handler runs, so a
malformed envelope would never reach our exception handler. This wrapper catches that
case and answers with a short spoken apology instead of crashing.
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import lru_cache
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

logger = logging.getLogger(__name__)
_serializer = DefaultSerializer()

APOLOGY = (
    "<speak>Sorry, I couldn't understand that request. Please try again by saying, "
    "open leg pain guide.</speak>"
)


class RequestRejected(Exception):
    """The request is not for this skill (SKILL_ID mismatch). Hosts answer it with an error."""


def user_hash(user_id: str | None) -> str:
    """A short, stable, non-reversible tag for logs; never log the raw id."""
    if not user_id:
        return "-"
    return hashlib.sha256(user_id.encode()).hexdigest()[:10]


def _apology_response() -> dict[str, Any]:
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": APOLOGY},
            "shouldEndSession": True,
        },
    }


def _application_id(event: dict[str, Any]) -> str | None:
    for path in (("context", "System", "application"), ("session", "application")):
        node: Any = event
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get("applicationId"), str):
            return node["applicationId"]
    return None


@lru_cache(maxsize=1)
def _skill() -> Any:
    from skill.alexa.skill import build_skill
    from skill.store import open_store

    return build_skill(open_store())


def handle_event(event: Any, context: Any = None) -> dict[str, Any]:
    """Answer one Alexa request envelope (a dict) with a response envelope (a dict)."""
    expected = os.environ.get("SKILL_ID")
    if expected and isinstance(event, dict) and _application_id(event) != expected:
        logger.warning("rejected request for another skill")
        raise RequestRejected("application id does not match SKILL_ID")
    try:
        envelope = _serializer.deserialize(payload=_to_json(event), obj_type=RequestEnvelope)
        if envelope is None or envelope.request is None:
            raise ValueError("envelope has no request")
    except Exception as exc:  # noqa: BLE001 - any malformed input gets the same apology
        logger.warning("malformed request envelope: %s", type(exc).__name__)
        return _apology_response()
    if expected and _application_id(event) is None:
        logger.warning("rejected request with no application id")
        raise RequestRejected("no application id")
    response = _skill().invoke(request_envelope=envelope, context=context)
    return _serializer.serialize(response)  # type: ignore[no-any-return]


def _to_json(event: Any) -> str:
    import json

    return json.dumps(event)
