"""Persistent attributes (the account's profile) on our store, keyed by an HMAC of the
Alexa user id (skill.keys), through the SDK's persistence-adapter interface.

Failures never stop the conversation: reads fall back to {} and writes report False,
so the person still hears their outcome (and any warning). After a failed read this
request never saves, so data that could not be read is never overwritten with nothing.
A save is also refused when the profile changed since it was read (a deletion wins).
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope

from skill import keys
from skill.checkins import account
from skill.store import Store

logger = logging.getLogger(__name__)
_FAILED = "leg_pain_guide.store_failed"  # this module's own flag in request attributes


def user_id(request_envelope: RequestEnvelope) -> str | None:
    system = getattr(request_envelope.context, "system", None)
    user = getattr(system, "user", None) or getattr(request_envelope.session, "user", None)
    value = getattr(user, "user_id", None)
    return value if isinstance(value, str) and value else None


def person_id(request_envelope: RequestEnvelope) -> str | None:
    """The recognised voice's id, when Alexa knows who is speaking."""
    system = getattr(request_envelope.context, "system", None)
    value = getattr(getattr(system, "person", None), "person_id", None)
    return value if isinstance(value, str) and value else None


def user_key(request_envelope: RequestEnvelope) -> str | None:
    """The account's key in the store (an HMAC of the user id), or None without a user
    or while the key secret cannot be read."""
    value = user_id(request_envelope)
    if not value:
        return None
    try:
        return keys.user_key(value)
    except keys.KeyUnavailable:
        return None


def log_tag(request_envelope: RequestEnvelope) -> str:
    value = user_id(request_envelope)
    if not value:
        return "-"
    try:
        return keys.log_tag(value)
    except keys.KeyUnavailable:
        return "-"


class StoreAdapter(AbstractPersistenceAdapter):  # type: ignore[misc]
    def __init__(self, store: Store) -> None:
        self.store = store

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        if key is None and user_id(request_envelope):
            raise keys.KeyUnavailable("KeyUnavailable")  # not "a new user": don't save over
        return account.load_profile(self.store, key) if key else account.Profile()

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        key = user_key(request_envelope)
        if key and not account.save_profile(self.store, key, attributes):
            raise ProfileChanged("ProfileChanged")

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope)
        if key is None:
            raise keys.KeyUnavailable("KeyUnavailable")
        account.forget(self.store, key)


class ProfileChanged(Exception):
    """The profile changed (or was deleted) since this turn read it; nothing was saved."""


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


def failed(handler_input: HandlerInput) -> bool:
    """Whether the profile could not be read (or saved) this request."""
    return bool(handler_input.attributes_manager.request_attributes.get(_FAILED))


def save(handler_input: HandlerInput) -> bool:
    manager = handler_input.attributes_manager
    if manager.request_attributes.get(_FAILED):
        return False
    try:
        manager.save_persistent_attributes()
    except ProfileChanged:
        manager.request_attributes[_FAILED] = True
        return False
    except Exception as exc:  # noqa: BLE001 - storage must never break a reply
        logger.warning("storage failure: could not save the profile (%s)", type(exc).__name__)
        manager.request_attributes[_FAILED] = True
        return False
    return True
