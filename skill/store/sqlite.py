"""SQLite store: the embedded default for the console, local Lambda runs and tests."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from skill.store.base import StoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    pk TEXT NOT NULL,
    sk TEXT NOT NULL,
    data TEXT NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (pk, sk)
)
"""


class SqliteStore:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # One connection per store; the web server's threads share it under a lock.
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=5)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL never corrupts the file and spares an fsync per write.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)

    def _run(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        try:
            with self._lock, self._db:
                return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(type(exc).__name__) from exc

    def get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        rows = self._run(
            "SELECT data FROM items WHERE pk = ? AND sk = ? AND "
            "(expires_at IS NULL OR expires_at > ?)",
            (pk, sk, int(time.time())),
        ).fetchall()
        return json.loads(rows[0][0]) if rows else None

    def put_item(
        self,
        pk: str,
        sk: str,
        data: dict[str, Any],
        expires_at: int | None = None,
        if_absent: bool = False,
    ) -> bool:
        payload = json.dumps(data, separators=(",", ":"))
        if not if_absent:
            self._run(
                "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?)", (pk, sk, payload, expires_at)
            )
            return True
        # Conditional write: replace only an expired item, never a live one.
        cursor = self._run(
            "INSERT INTO items VALUES (?, ?, ?, ?) ON CONFLICT(pk, sk) DO UPDATE SET "
            "data = excluded.data, expires_at = excluded.expires_at "
            "WHERE items.expires_at IS NOT NULL AND items.expires_at <= ?",
            (pk, sk, payload, expires_at, int(time.time())),
        )
        return cursor.rowcount == 1

    def delete_item(self, pk: str, sk: str, if_present: bool = False) -> bool:
        cursor = self._run(
            "DELETE FROM items WHERE pk = ? AND sk = ? AND (expires_at IS NULL OR expires_at > ?)",
            (pk, sk, int(time.time())),
        )
        return cursor.rowcount == 1 or not if_present

    def query(self, pk: str, sk_prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
        rows = self._run(
            "SELECT sk, data FROM items WHERE pk = ? AND substr(sk, 1, ?) = ? AND "
            "(expires_at IS NULL OR expires_at > ?) ORDER BY sk",
            (pk, len(sk_prefix), sk_prefix, int(time.time())),
        ).fetchall()
        return [(sk, json.loads(data)) for sk, data in rows]

    def delete_partition(self, pk: str) -> None:
        self._run("DELETE FROM items WHERE pk = ?", (pk,))
