"""One account's items as a whole: its profile (the persistent attributes: visits,
consent, the guide to resume) and forgetting everything about it.

The store knows items; what an account owns, sharing links included, is known here.
"""

from __future__ import annotations

from typing import Any

from skill.checkins import sharing
from skill.store.base import Store, user_pk

PROFILE = "PROFILE"


def load_profile(store: Store, user: str) -> dict[str, Any]:
    return store.get_item(user_pk(user), PROFILE) or {}


def save_profile(store: Store, user: str, attributes: dict[str, Any]) -> None:
    store.put_item(user_pk(user), PROFILE, attributes)


def forget(store: Store, user: str) -> None:
    """Delete every item of this account, including both halves of its sharing links
    and its open share codes."""
    sharing.forget(store, user)
    store.delete_partition(user_pk(user))
