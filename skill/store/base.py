"""The storage interface every backend implements.

One item model for both backends (and the DynamoDB table): items live under a partition
key `pk` and a sort key `sk`, hold a JSON-serialisable dict, and may carry `expires_at`
(epoch seconds; DynamoDB TTL, purged on read by SQLite). Keys never hold raw Alexa ids:
user keys are hashes. Item types:

    pk = USER#<user>    sk = PROFILE                      persistent attributes
    pk = USER#<user>    sk = CHECKIN#<profile>#<iso>#<id> one check-in
    pk = USER#<user>    sk = GRANT#<viewer>               this user shares with <viewer>
    pk = USER#<user>    sk = ACCESS#<owner>               this user may read <owner>
    pk = USER#<user>    sk = TRIES                        wrong share-code tries
    pk = CODE#<code>    sk = CODE                         a one-time share code
"""

from __future__ import annotations

from typing import Any, Protocol


class StoreError(Exception):
    """Storage failed (throttling, timeout, I/O). Callers degrade gracefully."""


def user_pk(user_key: str) -> str:
    return f"USER#{user_key}"


class Store(Protocol):
    def get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        """The item's data, or None (also None once expired)."""
        ...

    def put_item(
        self,
        pk: str,
        sk: str,
        data: dict[str, Any],
        expires_at: int | None = None,
        if_absent: bool = False,
    ) -> bool:
        """Write an item. With if_absent, write only if no live item exists (conditional
        write); returns False when that condition failed."""
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
