"""The one entry every host calls: Lambda, the console and the web endpoint.

`SkillBuilder.lambda_handler()` deserializes the event before any handler runs, so a
malformed envelope would never reach our exception handler. This wrapper catches that
case and answers with a short spoken apology instead of crashing.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any, cast

from ask_sdk_core.exceptions import SerializationException
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
        """The envelope as the SDK's models. The session attributes are JSON already and
        are read as such, not walked value by value (nor deep-copied: _Attributes)."""
        if not isinstance(event, dict):
            raise ValueError("the event is not a JSON object")
        session = event.get("session")
        attributes = session.get("attributes") if isinstance(session, dict) else None
        if isinstance(session, dict) and isinstance(attributes, dict):
            event = {**event, "session": {**session, "attributes": None}}
        envelope: RequestEnvelope = self._DefaultSerializer__deserialize(event, RequestEnvelope)
        if isinstance(attributes, dict) and envelope.session is not None:
            envelope.session.attributes = _Attributes(attributes)
        return envelope

    def write_response(self, response: Any) -> dict[str, Any]:
        """The response as JSON values. The session attributes are written as they are:
        the skill puts only JSON values there (skill.alexa.state), and the seal and the
        size check encode them strictly anyway."""
        attributes = getattr(response, "session_attributes", None)
        if isinstance(attributes, dict):
            response.session_attributes = None
        try:
            result = self.serialize(response)
        finally:
            if isinstance(attributes, dict):
                response.session_attributes = attributes
        if not isinstance(result, dict):
            raise TypeError("the response did not serialize to a JSON object")
        if not isinstance(attributes, dict):
            return result
        # A shallow copy: the seal is set on it in place, and the dict may still be the
        # request's own (a turn that wrote no state back).
        result["sessionAttributes"] = dict(attributes)
        return result

    # What each type name and each model class resolves to, worked out once. Type names come
    # only from the SDK models' own declarations, so these stay small.
    _types: dict[str, tuple[str, Any]] = {}  # noqa: RUF012
    _kinds: dict[Any, str] = {}  # noqa: RUF012
    _fields: dict[Any, tuple[tuple[tuple[str, str], ...], dict[str, str], frozenset[str]]] = {}  # noqa: RUF012

    def _DefaultSerializer__deserialize(self, payload: Any, obj_type: Any) -> Any:
        """The SDK's __deserialize, with each type name parsed once (it matched the
        name's text on every value) and strings taken as they are."""
        if payload is None:
            return None
        if isinstance(obj_type, str):
            plan = self._types.get(obj_type)
            if plan is None:
                plan = self._type_plan(obj_type)
            kind, sub = plan
            if kind == "list":
                return [self._DefaultSerializer__deserialize(p, sub) for p in payload]
            if kind == "mixed list":
                return [
                    self._DefaultSerializer__deserialize(p, t)
                    for p, t in zip(payload, sub, strict=False)
                ]
            if kind == "dict":
                return {
                    k: self._DefaultSerializer__deserialize(v, sub)
                    for k, v in cast(Any, payload).items()
                }
            if kind == "empty":
                return sub()
            obj_type = sub
        if obj_type is str and type(payload) is str:
            return payload  # str(payload), without the call
        if obj_type in self.PRIMITIVE_TYPES:
            # mypy does not mangle private names: the SDK's `__deserialize_primitive`.
            return self._DefaultSerializer__deserialize_primitive(payload, obj_type)  # type: ignore[attr-defined]
        if obj_type is object:
            return payload
        if obj_type is date or obj_type is datetime:
            return self._DefaultSerializer__deserialize_datetime(payload, obj_type)
        return self._DefaultSerializer__deserialize_model(payload, obj_type)

    # Each response model class's (attribute, JSON key) pairs, worked out once.
    _pairs: dict[type, tuple[tuple[str, str], ...]] = {}  # noqa: RUF012

    def serialize(self, obj: Any) -> Any:
        """The SDK's serialize, with each model class's attribute map worked out once (the
        SDK rebuilt it for every object it wrote) and plain values passed straight on.
        Anything unusual (enums, dates, decimals, tuples, subclasses) goes to the SDK's."""
        kind = type(obj)
        if obj is None or kind is str or kind is bool or kind is int or kind is float:
            return obj
        if kind is dict:
            return {key: self.serialize(value) for key, value in obj.items()}
        if kind is list:
            return [self.serialize(value) for value in obj]
        pairs = self._pairs.get(kind)
        if pairs is None:
            if isinstance(obj, Enum | dict | list) or not hasattr(obj, "deserialized_types"):
                return DefaultSerializer.serialize(self, obj)
            _, types, _ = _fields_of(kind)  # fills attribute_map as the SDK does
            pairs = self._pairs[kind] = tuple((a, kind.attribute_map[a]) for a in types)
        out = {}
        for attribute, key in pairs:
            value = getattr(obj, attribute)
            if value is not None:
                out[key] = self.serialize(value)
        return out

    def _type_plan(self, obj_type: str) -> tuple[str, Any]:
        """How the SDK's __deserialize reads a type name, decided once."""
        plan: tuple[str, Any]
        if obj_type.startswith("list["):
            found = re.match(r"list\[(.*)\]", obj_type)
            if found is None:
                plan = ("empty", list)
            elif "," in found.group(1):
                plan = ("mixed list", [t.strip() for t in found.group(1).split(",")])
            else:
                plan = ("list", found.group(1).strip())
        elif obj_type.startswith("dict("):
            found = re.match(r"dict\(([^,]*), (.*)\)", obj_type)
            plan = ("empty", dict) if found is None else ("dict", found.group(2))
        elif obj_type in self.NATIVE_TYPES_MAPPING:
            plan = ("type", self.NATIVE_TYPES_MAPPING[obj_type])
        else:  # a model class; a name that does not load raises, and is not kept
            plan = ("type", self._DefaultSerializer__load_class_from_name(obj_type))
        self._types[obj_type] = plan
        return plan

    def _DefaultSerializer__deserialize_model(self, payload: Any, obj_type: Any) -> Any:
        """The SDK's __deserialize_model, with each class's attribute map worked out once
        (the SDK rebuilt it for every object it read)."""
        try:
            kind = self._kinds.get(obj_type)
            if kind is None:
                kind = self._kinds[obj_type] = _kind_of(obj_type)
            if kind == "enum":
                return obj_type(payload)
            if kind == "plain":
                return payload
            if kind == "discriminated":
                # mypy does not mangle private names: the SDK's `__get_obj_by_discriminator`.
                obj_type = self._DefaultSerializer__get_obj_by_discriminator(payload, obj_type)  # type: ignore[attr-defined]
            fields = self._fields.get(obj_type)
            if fields is None:
                fields = self._fields[obj_type] = _fields_of(obj_type)
            items, types, names = fields
            model = obj_type()
            for attribute, key in items:
                if key in payload:
                    value = self._DefaultSerializer__deserialize(payload[key], types[attribute])
                    setattr(model, attribute, value)
            for key in payload:
                if key not in names:
                    setattr(model, key, payload[key])
            return model
        except Exception as exc:
            raise SerializationException(str(exc)) from exc

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


def _kind_of(cls: Any) -> str:
    """What the SDK's __deserialize_model does with a class: call an enum, pass anything
    that is not a model, resolve a base class by its discriminator, or read a model."""
    if isinstance(cls, type) and issubclass(cls, Enum):
        return "enum"
    if not hasattr(cls, "deserialized_types"):
        return "plain"
    return "discriminated" if hasattr(cls, "get_real_child_model") else "model"


def _fields_of(cls: Any) -> tuple[tuple[tuple[str, str], ...], dict[str, str], frozenset[str]]:
    """A model's (attribute, JSON key) pairs, its attribute types and its JSON keys. The
    SDK fills the class's own attribute_map in place as it reads; so does this, once."""
    mapping = getattr(cls, "attribute_map", {})
    mapping.update({k: k for k in cls.deserialized_types if k not in mapping})
    return tuple(mapping.items()), cls.deserialized_types, frozenset(mapping.values())


class _Attributes(dict[str, Any]):
    """The session attributes a request came with, as a shallow copy. The SDK's
    AttributesManager deep-copies them so that a handler's changes cannot reach the
    request; here nothing changes what they hold (skill.alexa.state parses them into new
    objects and writes the state back as a new dict; tests/test_envelope_reading.py checks
    the request comes back untouched), so the deep copy is skipped: it was a tenth of a
    warm turn."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Attributes:
        return self


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
        result = _serializer.write_response(response)
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
