"""The storage interface every backend implements.

Keys are opaque strings (a hash of the Alexa user id, never the raw id). Values are
JSON-serialisable dicts. Backends: SQLite (embedded local default) and DynamoDB.
"""

from __future__ import annotations

from typing import Any, Protocol


class StoreError(Exception):
    """Storage failed (throttling, timeout, I/O). Callers degrade gracefully."""


class Store(Protocol):
    def get_user(self, user_key: str) -> dict[str, Any]:
        """The user's persistent attributes, or {} when none are stored."""
        ...

    def put_user(self, user_key: str, attributes: dict[str, Any]) -> None:
        """Replace the user's persistent attributes."""
        ...

    def delete_user(self, user_key: str) -> None:
        """Remove everything stored for this user."""
        ...
