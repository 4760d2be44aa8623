"""Check-in records: stored one item each, so two devices checking in at once both land.

A record keeps only what the features need: time, profile label, pain 0-10, warning
signs reported (ids), whether stretches were done, and the outcome. No free text.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from skill.store.base import Store, user_pk

RETENTION_DAYS = int(os.environ.get("CHECKIN_RETENTION_DAYS", "90"))


@dataclass(frozen=True)
class CheckIn:
    at: str  # ISO-8601 UTC
    profile: str  # "self", a PERSON id ("mother"), or "voice-<hash>" for a recognised voice
    pain: int | None
    red_flags: tuple[str, ...] = field(default=())
    stretches: bool | None = None
    disposition: str | None = None

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)

    @classmethod
    def from_item(cls, data: dict[str, Any]) -> CheckIn:
        return cls(
            at=str(data["at"]),
            profile=str(data["profile"]),
            pain=data.get("pain"),
            red_flags=tuple(data.get("red_flags", ())),
            stretches=data.get("stretches"),
            disposition=data.get("disposition"),
        )


def now_iso(now: float | None = None) -> str:
    return datetime.fromtimestamp(now if now is not None else time.time(), UTC).isoformat(
        timespec="seconds"
    )


def add(store: Store, user_key: str, record: CheckIn) -> None:
    """Store one check-in. The sort key ends in a random id and the write is conditional,
    so concurrent check-ins never overwrite each other."""
    expires = int(record.when.timestamp()) + RETENTION_DAYS * 86400
    data = asdict(record)
    data["red_flags"] = list(record.red_flags)
    for _ in range(3):
        sk = f"CHECKIN#{record.profile}#{record.at}#{secrets.token_hex(4)}"
        if store.put_item(user_pk(user_key), sk, data, expires_at=expires, if_absent=True):
            return
    raise RuntimeError("could not find a free check-in key")


def history(store: Store, user_key: str, profile: str) -> list[CheckIn]:
    """All live check-ins for one profile, oldest first."""
    items = store.query(user_pk(user_key), f"CHECKIN#{profile}#")
    return [CheckIn.from_item(data) for _, data in items]
