"""SQLite store: the embedded default for the console, local Lambda runs and tests."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from skill import clock
from skill.store import budget
from skill.store.base import StoreError, Versioned

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    pk TEXT NOT NULL,
    sk TEXT NOT NULL,
    data TEXT NOT NULL,
    expires_at INTEGER,
    rev TEXT,
    PRIMARY KEY (pk, sk)
)
"""
# Another process holding the file's write lock (the console beside the web server) is
# waited for this long at most, and never longer than the turn's storage budget has left.
BUSY_TIMEOUT_S = 1.0
_LIVE = "(expires_at IS NULL OR expires_at > ?)"


def _version() -> str:
    return secrets.token_hex(8)


class SqliteStore:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # One connection per store; the web server's threads share it under a lock.
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
        # Closed when the store goes, not left to the garbage collector (which warns).
        weakref.finalize(self, self._db.close)
        self._busy_ms = int(BUSY_TIMEOUT_S * 1000)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL never corrupts the file and spares an fsync per write.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(items)")}
            if "rev" not in columns:  # a file made before items had versions
                self._db.execute("ALTER TABLE items ADD COLUMN rev TEXT")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """The connection, once this thread holds it; waits fit the turn's budget."""
        wait = min(BUSY_TIMEOUT_S, budget.check())
        if not self._lock.acquire(timeout=wait):
            raise StoreError("LockTimeout")
        try:
            busy_ms = max(1, int(min(wait, budget.remaining()) * 1000))
            if busy_ms >= 200:
                # Whole tenths (rounded down, so still inside the budget): the pragma is
                # then re-run a few times a turn at most, not before every statement.
                busy_ms -= busy_ms % 100
            if busy_ms != self._busy_ms:
                self._db.execute(f"PRAGMA busy_timeout = {busy_ms}")
                self._busy_ms = busy_ms
            yield self._db
        finally:
            self._lock.release()

    def _run(self, sql: str, params: tuple[Any, ...]) -> tuple[list[Any], int]:
        """The statement's rows and row count, both read while this thread holds the
        connection: a cursor read after the lock is released can see another thread's
        statement on the shared connection (rows lost or read as None)."""
        try:
            with self._connection() as db, db:
                cursor = db.execute(sql, params)
                return cursor.fetchall(), cursor.rowcount
        except sqlite3.Error as exc:
            raise StoreError(type(exc).__name__) from exc

    def get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        return self.get_versioned(pk, sk).data

    def get_versioned(self, pk: str, sk: str) -> Versioned:
        rows, _ = self._run(
            f"SELECT data, rev FROM items WHERE pk = ? AND sk = ? AND {_LIVE}",
            (pk, sk, int(clock.now())),
        )
        return Versioned(json.loads(rows[0][0]), rows[0][1]) if rows else Versioned(None, None)

    def put_item(
        self,
        pk: str,
        sk: str,
        data: dict[str, Any],
        expires_at: int | None = None,
        if_absent: bool = False,
        if_version: str | None = None,
    ) -> str | None:
        payload = json.dumps(data, separators=(",", ":"))
        now, version = int(clock.now()), _version()
        if if_version is not None:
            _, written = self._run(
                f"UPDATE items SET data = ?, expires_at = ?, rev = ? "
                f"WHERE pk = ? AND sk = ? AND rev = ? AND {_LIVE}",
                (payload, expires_at, version, pk, sk, if_version, now),
            )
        elif if_absent:
            # Conditional write: replace only an expired item, never a live one.
            _, written = self._run(
                "INSERT INTO items VALUES (?, ?, ?, ?, ?) ON CONFLICT(pk, sk) DO UPDATE SET "
                "data = excluded.data, expires_at = excluded.expires_at, rev = excluded.rev "
                "WHERE items.expires_at IS NOT NULL AND items.expires_at <= ?",
                (pk, sk, payload, expires_at, version, now),
            )
        else:
            _, written = self._run(
                "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?)",
                (pk, sk, payload, expires_at, version),
            )
        return version if written == 1 else None

    def create_or_read(self, pk: str, sk: str, data: dict[str, Any]) -> tuple[Versioned, bool]:
        payload = json.dumps(data, separators=(",", ":"))
        now, version = int(clock.now()), _version()
        try:
            with self._connection() as db, db:
                cursor = db.execute(
                    "INSERT INTO items VALUES (?, ?, ?, NULL, ?) ON CONFLICT(pk, sk) DO UPDATE "
                    "SET data = excluded.data, expires_at = NULL, rev = excluded.rev "
                    "WHERE items.expires_at IS NOT NULL AND items.expires_at <= ?",
                    (pk, sk, payload, version, now),
                )
                if cursor.rowcount == 1:
                    return Versioned(json.loads(payload), version), True
                row = db.execute(
                    "SELECT data, rev FROM items WHERE pk = ? AND sk = ?", (pk, sk)
                ).fetchone()
        except sqlite3.Error as exc:
            raise StoreError(type(exc).__name__) from exc
        return Versioned(json.loads(row[0]), row[1]), False

    def delete_item(self, pk: str, sk: str, if_present: bool = False) -> bool:
        _, deleted = self._run(
            f"DELETE FROM items WHERE pk = ? AND sk = ? AND {_LIVE}",
            (pk, sk, int(clock.now())),
        )
        return deleted == 1 or not if_present

    def query(self, pk: str, sk_prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
        rows, _ = self._run(
            f"SELECT sk, data FROM items WHERE pk = ? AND substr(sk, 1, ?) = ? AND {_LIVE} "
            "ORDER BY sk",
            (pk, len(sk_prefix), sk_prefix, int(clock.now())),
        )
        return [(sk, json.loads(data)) for sk, data in rows]

    def scan(self, sk_prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Live items of every partition whose sort key starts with sk_prefix, as (pk, sk,
        data): the local alert sender's outbox (skill.checkins.alerts.outbox). SQLite
        only: on DynamoDB the table's stream hands each new item to the sender."""
        rows, _ = self._run(
            f"SELECT pk, sk, data FROM items WHERE substr(sk, 1, ?) = ? AND {_LIVE} "
            "ORDER BY pk, sk",
            (len(sk_prefix), sk_prefix, int(clock.now())),
        )
        return [(pk, sk, json.loads(data)) for pk, sk, data in rows]

    def delete_partition(self, pk: str) -> None:
        self._run("DELETE FROM items WHERE pk = ?", (pk,))

    def increment(self, pk: str, sk: str, by: int = 1, expires_at: int | None = None) -> int:
        # Read and write in one IMMEDIATE transaction: it takes the file's write lock
        # first, so counters stay exact across threads and processes sharing the file.
        now = int(clock.now())
        try:
            with self._connection() as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    row = db.execute(
                        "SELECT data, expires_at FROM items WHERE pk = ? AND sk = ?", (pk, sk)
                    ).fetchone()
                    live = row is not None and (row[1] is None or row[1] > now)
                    count = (int(json.loads(row[0]).get("count", 0)) if live else 0) + by
                    db.execute(
                        "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, NULL)",
                        (pk, sk, json.dumps({"count": count}), row[1] if live else expires_at),
                    )
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise StoreError(type(exc).__name__) from exc
        return count
