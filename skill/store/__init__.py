"""Pick the store from the environment: TABLE_NAME → DynamoDB, otherwise SQLite.

SQLite path: $LEG_PAIN_DB if set; on Lambda /tmp/leg-pain-guide.sqlite3 (the only
writable place); otherwise ~/.local/share/leg-pain-guide/store.sqlite3.
"""

from __future__ import annotations

from pathlib import Path

from skill import config
from skill.store.base import Store, StoreError

__all__ = ["Store", "StoreError", "default_sqlite_path", "open_store"]


def default_sqlite_path() -> Path:
    settings = config.get()
    if settings.sqlite_path:
        return Path(settings.sqlite_path)
    if settings.on_lambda:
        return Path("/tmp/leg-pain-guide.sqlite3")
    return Path.home() / ".local" / "share" / "leg-pain-guide" / "store.sqlite3"


def open_store() -> Store:
    table = config.get().table_name
    if table:
        # Imported here so boto3 stays off the start-up path when it is not needed.
        from skill.store.dynamodb import DynamoStore

        return DynamoStore(table)
    from skill.store.sqlite import SqliteStore

    return SqliteStore(default_sqlite_path())
