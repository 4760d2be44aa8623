"""Persistent attributes (the account's profile) on our store, keyed by a hash of the
Alexa user id, through the SDK's persistence-adapter interface.

Failures never stop the conversation: reads fall back to {} and writes report False,
so the person still hears their outcome (and any warning). After a failed read this
request never saves, so data that could not be read is never overwritten with nothing.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope

from skill.checkins import account
from skill.store import Store

logger = logging.getLogger(__name__)
_FAILED = "leg_pain_guide.store_failed"  # this module's own flag in request attributes


def user_id(request_envelope: RequestEnvelope) -> str | None:
    system = getattr(request_envelope.context, "system", None)
    user = getattr(system, "user", None) or getattr(request_envelope.session, "user", None)
    value = getattr(user, "user_id", None)
    return value if isinstance(value, str) and value else None


def hashed(value: str, length: int) -> str:
    """A stable, non-reversible stand-in for an Alexa id (the store never holds raw ids)."""
    return hashlib.sha256(value.encode()).hexdigest()[:length]


def user_key(request_envelope: RequestEnvelope) -> str | None:
    """The account's key in the store: a hash of the Alexa user id, never the id."""
    value = user_id(request_envelope)
    return hashed(value, 32) if value else None


def log_tag(request_envelope: RequestEnvelope) -> str:
    key = user_key(request_envelope)
    return key[:10] if key else "-"


class StoreAdapter(AbstractPersistenceAdapter):  # type: ignore[misc]
    def __init__(self, store: Store) -> None:
        self.store = store

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        return account.load_profile(self.store, key) if key else {}

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        key = user_key(request_envelope)
        if key:
            account.save_profile(self.store, key, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope)
        if key:
            account.forget(self.store, key)


def load(handler_input: HandlerInput) -> dict[str, Any]:
    manager = handler_input.attributes_manager
    try:
        attrs = manager.persistent_attributes
    except Exception as exc:  # noqa: BLE001 - the adapter may raise anything storage raises
        logger.warning("storage failure: could not load the profile (%s)", type(exc).__name__)
        manager.request_attributes[_FAILED] = True
        manager.persistent_attributes = {}
        return {}
    if not isinstance(attrs, dict):
        manager.persistent_attributes = {}
        return manager.persistent_attributes  # type: ignore[no-any-return]
    return attrs


def save(handler_input: HandlerInput) -> bool:
    manager = handler_input.attributes_manager
    if manager.request_attributes.get(_FAILED):
        return False
    try:
        manager.save_persistent_attributes()
    except Exception as exc:  # noqa: BLE001 - storage must never break a reply
        logger.warning("storage failure: could not save the profile (%s)", type(exc).__name__)
        manager.request_attributes[_FAILED] = True
        return False
    return True
