"""Read-only sharing between Alexa accounts with one-time codes.

The owner says "share my check-ins" and hears a six-digit code; the caregiver says
"connect to code ..." on their own account. Codes expire after 10 minutes and work once
(consumed with a conditional delete, so two redeemers cannot both win). A viewer who gets
5 codes wrong is locked out for an hour. "Stop sharing" revokes every link.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from skill.store.base import Store, user_pk

CODE_TTL_S = 600
MAX_WRONG_TRIES = 5
LOCKOUT_S = 3600


@dataclass(frozen=True)
class Redeemed:
    ok: bool
    reason: str  # "connected", "wrong", "locked", "own"
    owner: str | None = None


def create_code(store: Store, owner: str, now: float | None = None) -> str:
    now = time.time() if now is None else now
    expires = int(now) + CODE_TTL_S
    for _ in range(10):
        code = f"{secrets.randbelow(900000) + 100000}"
        if store.put_item(
            f"CODE#{code}", "CODE", {"owner": owner}, expires_at=expires, if_absent=True
        ):
            # A back-reference so deleting the owner's data also removes open codes.
            store.put_item(user_pk(owner), f"CODE#{code}", {"code": code}, expires_at=expires)
            return code
    raise RuntimeError("no free share code")


def redeem(store: Store, viewer: str, code: str, now: float | None = None) -> Redeemed:
    now = time.time() if now is None else now
    tries = store.get_item(user_pk(viewer), "TRIES") or {"count": 0}
    if tries["count"] >= MAX_WRONG_TRIES:
        return Redeemed(False, "locked")
    item = store.get_item(f"CODE#{code}", "CODE")
    if item is None or not store.delete_item(f"CODE#{code}", "CODE", if_present=True):
        store.put_item(
            user_pk(viewer), "TRIES", {"count": tries["count"] + 1}, expires_at=int(now) + LOCKOUT_S
        )
        return Redeemed(False, "wrong")
    owner = str(item["owner"])
    store.delete_item(user_pk(owner), f"CODE#{code}")
    if owner == viewer:
        return Redeemed(False, "own")
    store.put_item(user_pk(owner), f"GRANT#{viewer}", {"since": int(now)})
    store.put_item(user_pk(viewer), f"ACCESS#{owner}", {"since": int(now)})
    store.delete_item(user_pk(viewer), "TRIES")
    return Redeemed(True, "connected", owner)


def shared_with_me(store: Store, viewer: str) -> list[str]:
    """Owners whose check-ins this viewer may read (only while the owner's grant stands)."""
    owners = [sk.removeprefix("ACCESS#") for sk, _ in store.query(user_pk(viewer), "ACCESS#")]
    return [o for o in owners if store.get_item(user_pk(o), f"GRANT#{viewer}") is not None]


def revoke_all(store: Store, owner: str) -> int:
    """The owner stops sharing: every link they granted and every open code goes.
    Returns how many people lost access."""
    grants = store.query(user_pk(owner), "GRANT#")
    for sk, _ in grants:
        viewer = sk.removeprefix("GRANT#")
        store.delete_item(user_pk(owner), sk)
        store.delete_item(user_pk(viewer), f"ACCESS#{owner}")
    _drop_codes(store, owner)
    return len(grants)


def forget(store: Store, user: str) -> None:
    """Before an account's data is deleted: cut its links both ways and its codes
    (the halves stored under other accounts and under the codes' own keys)."""
    revoke_all(store, user)
    for sk, _ in store.query(user_pk(user), "ACCESS#"):
        owner = sk.removeprefix("ACCESS#")
        store.delete_item(user_pk(owner), f"GRANT#{user}")
        store.delete_item(user_pk(user), sk)


def _drop_codes(store: Store, owner: str) -> None:
    for sk, data in store.query(user_pk(owner), "CODE#"):
        store.delete_item(f"CODE#{data.get('code', sk.removeprefix('CODE#'))}", "CODE")
        store.delete_item(user_pk(owner), sk)
