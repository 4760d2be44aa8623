"""The storage interface every backend implements.

One item model for both backends (and the DynamoDB table): items live under a partition
key `pk` and a sort key `sk`, hold a JSON-serialisable dict, and may carry `expires_at`
(epoch seconds; DynamoDB TTL, ignored on read by both backends once passed). Every write
gives an item a new version (an opaque token), so a read-modify-write can be made
conditional on nobody having changed or deleted the item meanwhile. Counters are items
too, changed only by the atomic `increment`, and read as {"count": n}. Keys never hold raw
Alexa ids: user keys are HMACs (skill.keys). Item types:

    pk = USER#<user>    sk = PROFILE                  the profile (skill.checkins.profile)
    pk = USER#<user>    sk = CHECKIN#<profile>#<id>   one check-in (id: from the request id)
    pk = USER#<user>    sk = GRANT#<viewer>           the profiles this user shares with <viewer>
    pk = USER#<user>    sk = ACCESS#<owner>           what this user may read of <owner>, and
                                                      what they call each of those people
    pk = USER#<user>    sk = SHARECODE                this user's one live share code
    pk = USER#<user>    sk = TRIES                    counter: share codes tried this hour
    pk = USER#<user>    sk = ALERTME                  this user wants caregiver alerts
                                                      (skill.checkins.alerts)
    pk = USER#<user>    sk = ALERT#<owner>#<id>       an alert waiting for this user's launch
    pk = CODE#<code>    sk = CODE                     a one-time share code
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol


class StoreError(Exception):
    """Storage failed (throttling, timeout, I/O, no budget left). Callers degrade
    gracefully: the person still hears their answer, and what was not saved."""


class Versioned(NamedTuple):
    data: dict[str, Any] | None  # None: no live item
    version: str | None  # None: no live item (or one written before versions existed)


def user_pk(user_key: str) -> str:
    return f"USER#{user_key}"


class Store(Protocol):
    def get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        """The item's data, or None (also None once expired)."""
        ...

    def get_versioned(self, pk: str, sk: str) -> Versioned:
        """The item's data and its current version."""
        ...

    def put_item(
        self,
        pk: str,
        sk: str,
        data: dict[str, Any],
        expires_at: int | None = None,
        if_absent: bool = False,
        if_version: str | None = None,
    ) -> str | None:
        """Write an item. With if_absent, write only if no live item exists; with
        if_version, only if the live item still has that version (it was neither changed
        nor deleted since it was read). Returns the item's new version when written, None
        when the condition failed."""
        ...

    def create_or_read(self, pk: str, sk: str, data: dict[str, Any]) -> tuple[Versioned, bool]:
        """Write `data` as a new item if no live item exists, else write nothing; one call
        either way. Returns the live item as it now is, and whether it was created."""
        ...

    def delete_item(self, pk: str, sk: str, if_present: bool = False) -> bool:
        """Delete an item. With if_present, returns False when there was none (so two
        callers racing to use a one-time item cannot both succeed)."""
        ...

    def query(self, pk: str, sk_prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
        """Live items under pk whose sort key starts with sk_prefix, in sort-key order."""
        ...

    def delete_partition(self, pk: str) -> None:
        """Delete every item under pk."""
        ...

    def increment(self, pk: str, sk: str, by: int = 1, expires_at: int | None = None) -> int:
        """Add `by` to a counter atomically and return its new value. A counter that does
        not exist (or has expired) starts from 0 and takes `expires_at`; a live counter
        keeps the expiry it was created with (a fixed window)."""
        ...
