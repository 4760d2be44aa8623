"""The one entry every host calls: Lambda, the console and the web endpoint.

`SkillBuilder.lambda_handler()` deserializes the event before any handler runs, so a
malformed envelope would never reach our exception handler. This wrapper catches that
case and answers with a short spoken apology instead of crashing.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Intent, IntentRequest, RequestEnvelope

from skill import clock, config, logs
from skill.alexa import session_seal
from skill.store import budget

logs.configure()  # at import: the Lambda runtime imports this before the first request
logger = logging.getLogger(__name__)


class RequestSerializer(DefaultSerializer):
    """The SDK's serializer (ask-sdk-core 1.19, pinned), with three costs of every request
    taken out of reading the envelope, which was a third of a warm turn: the JSON round
    trip (the event is already a dict of JSON values), looking each nested model class up
    by name again (cached), and dateutil's general parser for the timestamp (ISO 8601 is
    read by datetime; anything else still goes to dateutil)."""

    _classes: dict[str, Any] = {}  # noqa: RUF012 - a cache shared by every instance

    def read_envelope(self, event: Any) -> RequestEnvelope:
        if not isinstance(event, dict):
            raise ValueError("the event is not a JSON object")
        # mypy does not mangle private names: the SDK's `__deserialize` is this at run time.
        envelope: RequestEnvelope = self._DefaultSerializer__deserialize(event, RequestEnvelope)  # type: ignore[attr-defined]
        return envelope

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:
        found = self._classes.get(class_name)
        if found is None:
            found = DefaultSerializer._DefaultSerializer__load_class_from_name(self, class_name)  # type: ignore[attr-defined]  # mangled, as above
            self._classes[class_name] = found
        return found

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        if isinstance(payload, str):
            try:
                parsed = datetime.fromisoformat(payload.replace("Z", "+00:00"))
            except ValueError:
                pass
            else:
                return parsed.date() if obj_type is date else parsed
        return DefaultSerializer._DefaultSerializer__deserialize_datetime(self, payload, obj_type)  # type: ignore[attr-defined]  # mangled


_serializer = RequestSerializer()

APOLOGY = (
    "<speak>Sorry, I couldn't understand that request. Please try again by saying, "
    "open leg pain guide.</speak>"
)


class RequestRejected(Exception):
    """The request is not for this skill (SKILL_ID mismatch). Hosts answer it with an error."""


def _apology_response() -> dict[str, Any]:
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": APOLOGY},
            "shouldEndSession": True,
        },
    }


def application_id(event: dict[str, Any]) -> str | None:
    """The skill id a raw request envelope is addressed to (context first, then session)."""
    for path in (("context", "System", "application"), ("session", "application")):
        node: Any = event
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        found = node.get("applicationId") if isinstance(node, dict) else None
        if isinstance(found, str):
            return found
    return None


@lru_cache(maxsize=1)
def _store() -> Any:
    from skill.store import open_store

    return open_store()


@lru_cache(maxsize=1)
def _skill() -> Any:
    from skill.alexa.skill import build_skill

    return build_skill(_store())


def prepare() -> None:
    """Everything a cold start can do before the first request, done once at init
    (Lambda calls this at import): the AWS clients (one botocore session; the DynamoDB
    clients when TABLE_NAME is set, the SSM client when a secret parameter is named),
    the key secret, and the skill. No connection is opened except the secret's read."""
    from skill import keys, ssm

    store = _store()
    warm = getattr(store, "prepare", None)
    if callable(warm):
        warm()
    if config.get().key_secret_parameter:
        ssm.prepare()
    keys.load()
    _skill()


def build_now() -> None:
    """Build the skill before the first request (a long-running host): its in-process
    alert sender then drains what an earlier run left in the outbox."""
    _skill()


def handle_event(event: Any, context: Any = None) -> dict[str, Any]:
    """Answer one Alexa request envelope (a dict) with a response envelope (a dict)."""
    return respond(_skill, event, context)


def respond(get_skill: Any, event: Any, context: Any = None) -> dict[str, Any]:
    """The shared path: check the skill id, deserialize safely, invoke, serialize. One
    instant for the whole turn (Alexa's timestamp), and one budget for its network calls
    (skill.store.budget).

    `get_skill` is called only once the envelope is known to be good, so a malformed
    request never pays for building the skill (or importing storage)."""
    expected = config.get().skill_id
    if expected and application_id(event if isinstance(event, dict) else {}) != expected:
        logger.warning("rejected request for another skill")
        raise RequestRejected("application id does not match SKILL_ID")
    with clock.turn(_timestamp(event if isinstance(event, dict) else {})), budget.turn():
        return _respond(get_skill, event, context)


def _respond(get_skill: Any, event: Any, context: Any) -> dict[str, Any]:
    try:
        # Session attributes not sealed by this skill are dropped before anything reads
        # them (skill.alexa.session_seal).
        event = session_seal.opened(event)
        envelope = _serializer.read_envelope(event)
        if envelope is None or envelope.request is None:
            raise ValueError("envelope has no request")
        if envelope.context is None and envelope.session is None:
            raise ValueError("envelope has neither context nor session")
        if getattr(envelope.context, "system", None) is None:
            raise ValueError("envelope has no context.System")  # the SDK reads it first
        _name_the_intent(envelope)
        _carry_persistence_status(event, envelope)
    except Exception as exc:  # noqa: BLE001 - any malformed input gets the same apology
        logger.warning("malformed request envelope: %s", type(exc).__name__)
        return _apology_response()
    try:
        response = get_skill().invoke(request_envelope=envelope, context=context)
        result = _serializer.serialize(response)
        if not isinstance(result, dict):
            raise TypeError("the response did not serialize to a JSON object")
        state = session_seal.seal(event, result)
    except Exception as exc:  # noqa: BLE001 - logged (cut short), answered with an apology
        logs.bug_apology(logger, "skill invocation failed", exc)
        return _apology_response()
    return deliverable(result, state)


MAX_RESPONSE_BYTES = 24 * 1024  # Alexa refuses a larger response
# What a response may hold for the cheap size look (anything else is encoded and measured).
_PLAIN_PARTS = frozenset({"outputSpeech", "reprompt", "card", "shouldEndSession", "type"})


def _size(result: dict[str, Any]) -> int | None:
    """The response's size as the host will send it, or None when it is not JSON (a
    non-finite number, which json.dumps would write as Infinity)."""
    try:
        return len(json.dumps(result, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError):
        return None


def _surely_small(result: dict[str, Any], state: int | None) -> bool:
    """A cheap look that settles nearly every turn: no directives, and the speech, the
    reprompt, the card and the sealed state (`state`: its characters as strict JSON, as
    skill.alexa.session_seal measured them; None if not measured) together far below the
    limit even if every character were escaped."""
    response = result.get("response")
    if (state is None and result.get("sessionAttributes")) or not isinstance(response, dict):
        return False
    if len(response) > len(_PLAIN_PARTS) or not _PLAIN_PARTS.issuperset(response):
        return False  # directives, or anything else: encoded and measured instead
    chars = state or 0
    for part in (
        response.get("outputSpeech"),
        (response.get("reprompt") or {}).get("outputSpeech"),
    ):
        if part:
            chars += len(part.get("ssml") or "")
    card = response.get("card")
    if card:
        if not all(isinstance(v, str) for v in card.values()):
            return False
        chars += sum(len(v) for v in card.values())
    return chars * 6 + 512 <= MAX_RESPONSE_BYTES  # \uXXXX: six bytes a character at most


def deliverable(result: dict[str, Any], state: int | None = None) -> dict[str, Any]:
    """A response Alexa will take: valid JSON within 24 KB. Otherwise its directives and
    then its session attributes go (the speech stays), and failing that the apology."""
    if _surely_small(result, state):
        return result
    size = _size(result)
    if size is not None and size <= MAX_RESPONSE_BYTES:
        return result
    trimmed = {**result, "response": dict(result.get("response") or {})}
    trimmed["response"].pop("directives", None)
    for step in ("directives", "sessionAttributes"):
        if step == "sessionAttributes":
            trimmed.pop("sessionAttributes", None)
        size = _size(trimmed)
        if size is not None and size <= MAX_RESPONSE_BYTES:
            logger.warning("response trimmed to be deliverable: %s dropped", step)
            return trimmed
    logs.bug_apology(logger, "the response is not deliverable")
    return _apology_response()


def _name_the_intent(envelope: RequestEnvelope) -> None:
    """An IntentRequest without an intent (or without a name) is heard as
    AMAZON.FallbackIntent: the person is asked again instead of hearing an apology."""
    request = envelope.request
    if not isinstance(request, IntentRequest):
        return
    if request.intent is None or not isinstance(request.intent.name, str):
        logger.warning("intent request without an intent name")
        request.intent = Intent(name="AMAZON.FallbackIntent", slots={})


def _timestamp(event: dict[str, Any]) -> object:
    request = event.get("request")
    return request.get("timestamp") if isinstance(request, dict) else None


def _carry_persistence_status(event: dict[str, Any], envelope: RequestEnvelope) -> None:
    """ask_sdk_model 1.82's SkillDisabledRequest has no `body`, so it drops
    userInformationPersistenceStatus; keep it on the request for the handler."""
    body = event["request"].get("body") if isinstance(event["request"], dict) else None
    status = body.get("userInformationPersistenceStatus") if isinstance(body, dict) else None
    request: Any = envelope.request  # a field the SDK's model lacks, added for the handler
    request.persistence_status = status if isinstance(status, str) else None
