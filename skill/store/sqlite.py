"""SQLite store: the embedded default for the console, local Lambda runs and tests."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from skill.store.base import StoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_key TEXT PRIMARY KEY,
    attributes TEXT NOT NULL
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
            self._db.execute(_SCHEMA)

    def _run(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            with self._lock, self._db:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(str(exc)) from exc

    def get_user(self, user_key: str) -> dict[str, Any]:
        rows = self._run("SELECT attributes FROM users WHERE user_key = ?", (user_key,))
        return json.loads(rows[0][0]) if rows else {}

    def put_user(self, user_key: str, attributes: dict[str, Any]) -> None:
        self._run(
            "INSERT INTO users (user_key, attributes) VALUES (?, ?) "
            "ON CONFLICT(user_key) DO UPDATE SET attributes = excluded.attributes",
            (user_key, json.dumps(attributes, separators=(",", ":"))),
        )

    def delete_user(self, user_key: str) -> None:
        self._run("DELETE FROM users WHERE user_key = ?", (user_key,))
