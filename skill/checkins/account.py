"""One account's items as a whole: its profile (the persistent attributes: visits,
consent, the guide to resume) and forgetting everything about it. `visits` is 1 from the
launch that created the profile; later launches read the profile and write nothing.

The store knows items; what an account owns, sharing links included, is known here.

Deleting wins over anything running at the same time. A profile is written only over the
very version that was read (optimistic concurrency), so a turn that read the profile
before a deletion cannot write it back afterwards; and `forget` deletes the profile first,
so a check-in written while a deletion runs is either swept by it or sees the profile gone
when it checks (skill.alexa.checkin_flow) and removes itself.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from skill.checkins import profile, sharing
from skill.checkins.profile import Profile
from skill.store.base import Store, user_pk

logger = logging.getLogger(__name__)
PROFILE = "PROFILE"
# A new random id each time a profile is created: a share code names the epoch it was made
# in, and a code redeemed while its owner deleted everything (and perhaps came back) is
# undone (skill.checkins.sharing.redeem), so deleting wins over a concurrent redeem.
EPOCH = profile.EPOCH


class ProfileItem(dict[str, Any]):
    """The profile's item as read (the SDK's persistent attributes), remembering the
    version it was read at for a conditional write. Its typed view is
    skill.checkins.profile.Profile."""

    def __init__(self, data: dict[str, Any] | None = None, version: str | None = None) -> None:
        super().__init__(data or {})
        self.version = version
        self.existed = data is not None


def load_profile(store: Store, user: str) -> ProfileItem:
    data, version = store.get_versioned(user_pk(user), PROFILE)
    return ProfileItem(data, version)


def open_profile(store: Store, user: str) -> tuple[ProfileItem, bool]:
    """A launch's one call: the profile, or a new one ({"visits": 1} and a new epoch)
    written for an account seen for the first time. Returns it and whether it was created now."""
    fresh = Profile(visits=1, epoch=secrets.token_hex(8), hears_alerts=False).to_item()
    (data, version), created = store.create_or_read(user_pk(user), PROFILE, fresh)
    return ProfileItem(data, version), created


def save_profile(store: Store, user: str, attributes: dict[str, Any]) -> bool:
    """Write the profile. Returns False when it changed or was deleted since it was read:
    then this turn's changes are dropped (a deletion must never be undone by a save)."""
    data = json.loads(json.dumps(attributes))  # plain JSON, whatever dict subclass came in
    if not isinstance(attributes, ProfileItem):
        store.put_item(user_pk(user), PROFILE, data)
        return True
    if attributes.version is not None:
        version = store.put_item(user_pk(user), PROFILE, data, if_version=attributes.version)
    else:
        version = store.put_item(user_pk(user), PROFILE, data, if_absent=not attributes.existed)
    if version is None:
        logger.info("profile changed since it was read; this turn's changes were not saved")
        return False
    attributes.version, attributes.existed = version, True  # a second save this turn
    return True


def consents(store: Store, user: str) -> bool:
    """Whether the account has agreed to keep check-ins (read now, not from the session)."""
    return Profile.from_item(load_profile(store, user)).consent is True


def forget(store: Store, user: str) -> None:
    """Delete every item of this account, including both halves of its sharing links
    and its open share code. The profile goes first (see the module's note)."""
    store.delete_item(user_pk(user), PROFILE)
    sharing.forget(store, user)
    store.delete_partition(user_pk(user))
