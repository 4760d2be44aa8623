"""Persistent attributes on our Store, keyed by a hash of the Alexa user id.

Failures never stop the conversation: reads fall back to {} and writes report False,
so the person still hears their outcome (and any warning)."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope

from skill.store import Store

logger = logging.getLogger(__name__)


def user_key(request_envelope: RequestEnvelope) -> str | None:
    system = getattr(request_envelope.context, "system", None)
    user = getattr(system, "user", None) or getattr(request_envelope.session, "user", None)
    user_id = getattr(user, "user_id", None)
    if not user_id:
        return None
    return hashlib.sha256(user_id.encode()).hexdigest()[:32]


class StoreAdapter(AbstractPersistenceAdapter):  # type: ignore[misc]
    def __init__(self, store: Store) -> None:
        self.store = store

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        return self.store.get_user(key) if key else {}

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        key = user_key(request_envelope)
        if key:
            self.store.put_user(key, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope)
        if key:
            self.store.delete_user(key)


def load(handler_input: HandlerInput) -> dict[str, Any]:
    try:
        attrs = handler_input.attributes_manager.persistent_attributes
    except Exception as exc:  # noqa: BLE001 - the adapter may raise anything storage raises
        logger.warning("could not load persistent attributes: %s", type(exc).__name__)
        # Never save over data we could not read: mark this request read-failed.
        handler_input.attributes_manager.request_attributes["store_failed"] = True
        handler_input.attributes_manager.persistent_attributes = {}
        return {}
    if not isinstance(attrs, dict):
        handler_input.attributes_manager.persistent_attributes = {}
        return handler_input.attributes_manager.persistent_attributes  # type: ignore[no-any-return]
    return attrs


def save(handler_input: HandlerInput) -> bool:
    if handler_input.attributes_manager.request_attributes.get("store_failed"):
        return False
    try:
        handler_input.attributes_manager.save_persistent_attributes()
    except Exception as exc:  # noqa: BLE001 - storage must never break a reply
        logger.warning("could not save persistent attributes: %s", type(exc).__name__)
        handler_input.attributes_manager.request_attributes["store_failed"] = True
        return False
    return True
