"""Persistent attributes (the account's profile) on our store, keyed by an HMAC of the
Alexa user id (skill.keys), through the SDK's persistence-adapter interface.

Failures never stop the conversation: reads fall back to {} and writes report False,
so the person still hears their outcome (and any warning). After a failed read this
request never saves, so data that could not be read is never overwritten with nothing.
A save is also refused when the profile changed since it was read (a deletion wins).

The profile as last read or written rides in the session (SESSION_KEY: its data and its
version), so a turn after the launch reads nothing: it writes, if it must, conditionally
on that version (one call). A write refused because the profile changed elsewhere (or
was deleted) drops the copy, and the next turn reads the profile again. A launch reads
the profile, or creates it for a new account, in one call (`open_profile`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope

from skill import keys, metrics
from skill.checkins import account
from skill.checkins.profile import Profile
from skill.store import Store, StoreError, budget

logger = logging.getLogger(__name__)
STORAGE_FAILURES = metrics.Metric.STORAGE_FAILURES
_FAILED = "leg_pain_guide.store_failed"  # this module's own flag in request attributes
_SNAPSHOT = "leg_pain_guide.profile"  # the profile as read or written this turn, or _DROP
_DROP = "drop"
SESSION_KEY = "profile"  # in session attributes: {"rev": version, "data": {...}}
MAX_SNAPSHOT_CHARS = 4000  # a larger profile is read each turn instead of carried


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


def speaker(request_envelope: RequestEnvelope) -> str | None:
    """Who is speaking, as check-ins and alerts name them: the recognised voice's own
    profile ("voice-…"), or the account's "self" when Alexa does not know the voice (a
    guest, on an account whose people have voice profiles). None when a voice was
    recognised but its key cannot be made now: never mistaken for the account's."""
    value = person_id(request_envelope)
    if not value:
        return "self"
    try:
        return "voice-" + keys.person_key(value)
    except keys.KeyUnavailable:
        return None


def user_key(request_envelope: RequestEnvelope) -> str | None:
    """The account's key in the store (an HMAC of the user id), or None without a user
    or while the key secret cannot be read."""
    value = user_id(request_envelope)
    if not value:
        return None
    try:
        if keys.ready():
            return keys.user_key(value)
        # The secret is read once per process (at Lambda's init, normally). Until then a
        # read may take only keys.KEY_WAIT_S of the turn, whoever asks: a warning's alert check
        # must not wait for a parameter store that drips.
        with budget.tight(keys.KEY_WAIT_S):
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


class StoreAdapter(AbstractPersistenceAdapter):
    def __init__(self, store: Store) -> None:
        self.store = store

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        # The session's copy first: it needs no key, so a turn that only reads the profile
        # never waits for the key's secret (a warning does not).
        carried = _carried(request_envelope)
        if carried is not None and user_id(request_envelope):
            return carried
        key = user_key(request_envelope)
        if key is None and user_id(request_envelope):
            raise keys.KeyUnavailable("KeyUnavailable")  # not "a new user": don't save over
        if not key:
            return account.ProfileItem()
        return account.load_profile(self.store, key)

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


def _carried(request_envelope: RequestEnvelope) -> account.ProfileItem | None:
    """The profile the session carries from an earlier turn, if it carries one."""
    session = request_envelope.session
    attrs = getattr(session, "attributes", None) if session is not None else None
    found = attrs.get(SESSION_KEY) if isinstance(attrs, dict) else None
    if not isinstance(found, dict):
        return None
    version, data = found.get("rev"), found.get("data")
    if not isinstance(version, str) or not version or not isinstance(data, dict):
        return None
    return account.ProfileItem(_copy(data), version)


def _remember(handler_input: HandlerInput, attrs: dict[str, Any]) -> None:
    """Note the profile as it is in the store now (just read, or just written)."""
    version = getattr(attrs, "version", None)
    slot = handler_input.attributes_manager.request_attributes
    if not isinstance(version, str):
        slot[_SNAPSHOT] = _DROP
        return
    text = json.dumps(attrs, separators=(",", ":"))
    # A copy (the turn may go on changing `attrs`), made through JSON: the profile is JSON.
    slot[_SNAPSHOT] = (
        _DROP if len(text) > MAX_SNAPSHOT_CHARS else {"rev": version, "data": json.loads(text)}
    )


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(data))
    return copy


def snapshot(handler_input: HandlerInput, carried: object) -> dict[str, Any] | None:
    """What the response's session carries of the profile: as read or written this turn,
    else what the request carried; nothing after a failure or a refused write."""
    attrs = handler_input.attributes_manager.request_attributes
    if attrs.get(_FAILED):
        return None
    found = attrs.get(_SNAPSHOT, carried)
    return found if isinstance(found, dict) else None


def open_profile(handler_input: HandlerInput, store: Store) -> bool:
    """At launch: the profile read, or created for a new account, in one call. Returns
    whether it was created now (a first visit). On failure it is treated as unread (no
    save this request), like `load`."""
    manager = handler_input.attributes_manager
    envelope = handler_input.request_envelope
    try:
        key = user_key(envelope)
        if key is None:
            if user_id(envelope):
                raise keys.KeyUnavailable("KeyUnavailable")
            manager.persistent_attributes = account.ProfileItem()
            return True
        profile, created = account.open_profile(store, key)
    except StoreError as exc:  # the launch goes on, saving nothing this turn
        metrics.count(
            logger, STORAGE_FAILURES, "could not load the profile (%s)", type(exc).__name__
        )
        manager.request_attributes[_FAILED] = True
        manager.persistent_attributes = {}
        return True
    manager.persistent_attributes = profile
    _remember(handler_input, profile)
    return created


def load(handler_input: HandlerInput) -> dict[str, Any]:
    manager = handler_input.attributes_manager
    try:
        attrs = manager.persistent_attributes
    except StoreError as exc:  # the turn goes on, saving nothing
        metrics.count(
            logger, STORAGE_FAILURES, "could not load the profile (%s)", type(exc).__name__
        )
        manager.request_attributes[_FAILED] = True
        manager.persistent_attributes = {}
        return {}
    if not isinstance(attrs, dict):
        manager.persistent_attributes = {}
        return manager.persistent_attributes
    if _SNAPSHOT not in manager.request_attributes:
        _remember(handler_input, attrs)
    return attrs


def profile(handler_input: HandlerInput) -> Profile:
    """The account's profile, typed (skill.checkins.profile): read as `load` reads it. A
    change is kept only through `save_profile`."""
    return Profile.from_item(load(handler_input))


def save_profile(handler_input: HandlerInput, changed: Profile) -> bool:
    """Write the profile back, over the version this turn read. Returns False when it was
    not saved: storage failed, it changed or was deleted meanwhile (a deletion wins), or
    it came from a newer version of the skill (never written over)."""
    if not changed.writable:
        return False
    attrs = load(handler_input)
    attrs.clear()  # the same item object: it carries the version read, for the condition
    attrs.update(changed.to_item())
    return save(handler_input)


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
    except StoreError as exc:  # storage must never break a reply; callers say what failed
        metrics.count(
            logger, STORAGE_FAILURES, "could not save the profile (%s)", type(exc).__name__
        )
        manager.request_attributes[_FAILED] = True
        return False
    _remember(handler_input, manager.persistent_attributes)
    return True
