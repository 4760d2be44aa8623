"""Check-in records: stored one item each, so two devices checking in at once both land.

A record keeps only what the features need: time, profile label, pain 0-10, warning
signs reported (ids), whether stretches were done, the outcome, and the version of the
triage protocol in use (so a record names the rules that made it). No free text.
A check-in's id comes from the request that made it (skill.keys.request_key), so a
replayed or retried request finds its check-in already there instead of adding another.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from skill import clock, config
from skill.store.base import Store, user_pk
from skill.triage.engine import protocol_version


def retention_days() -> int:
    """How long a check-in is kept (CHECKIN_RETENTION_DAYS, skill.config)."""
    return config.get().checkin_retention_days


@dataclass(frozen=True)
class CheckIn:
    at: str  # ISO-8601 UTC
    profile: str  # "self", a PERSON id ("mother"), or "voice-<hash>" for a recognised voice
    pain: int | None
    red_flags: tuple[str, ...] = field(default=())
    stretches: bool | None = None
    disposition: str | None = None
    # The protocol version when it was made; None on records stored before versions were.
    protocol: str | None = field(default_factory=protocol_version)
    # Who checked in: the speaker's own profile ("self", or "voice-<hash>" for a
    # recognised voice). For someone else's profile ("mother") it says whose mother:
    # a share covers only the people its owner checks in for (skill.checkins.sharing).
    by: str | None = None

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
            protocol=_str_or_none(data.get("protocol")),
            by=data.get("by") if isinstance(data.get("by"), str) else None,
        )

    @property
    def checker(self) -> str:
        """Who checked in; check-ins from before this was kept count as the account's."""
        return self.by or "self"


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def now_iso(now: float | None = None) -> str:
    return datetime.fromtimestamp(now if now is not None else clock.now(), UTC).isoformat(
        timespec="seconds"
    )


def key(profile: str, checkin_id: str) -> str:
    return f"CHECKIN#{profile}#{checkin_id}"


def add(store: Store, user_key: str, record: CheckIn, checkin_id: str | None = None) -> str:
    """Store one check-in and return its sort key. The write is conditional: with an id
    (from the request) a second write of the same check-in stores nothing; without one
    the id is random, so concurrent check-ins never overwrite each other."""
    expires = int(record.when.timestamp()) + retention_days() * 86400
    data = asdict(record)
    data["red_flags"] = list(record.red_flags)
    for _ in range(1 if checkin_id else 3):
        sk = key(record.profile, checkin_id or secrets.token_hex(8))
        if store.put_item(user_pk(user_key), sk, data, expires_at=expires, if_absent=True):
            return sk
    if checkin_id:
        return sk  # already stored by an earlier copy of this request
    raise RuntimeError("could not find a free check-in key")


def remove(store: Store, user_key: str, sk: str) -> None:
    store.delete_item(user_pk(user_key), sk)


def history(store: Store, user_key: str, profile: str) -> list[CheckIn]:
    """All live check-ins for one profile, oldest first."""
    items = store.query(user_pk(user_key), f"CHECKIN#{profile}#")
    return sorted((CheckIn.from_item(data) for _, data in items), key=lambda c: c.at)


def profiles(store: Store, user_key: str) -> set[str]:
    """The profiles with live check-ins on this account ("self", "mother", "voice-…")."""
    return {sk.split("#")[1] for sk, _ in store.query(user_pk(user_key), "CHECKIN#")}


def people_of(store: Store, user_key: str, checker: str) -> set[str]:
    """The other people (not a speaker's own profile) this checker checks in for."""
    found = set()
    for sk, data in store.query(user_pk(user_key), "CHECKIN#"):
        profile = sk.split("#")[1]
        by = data.get("by") if isinstance(data.get("by"), str) else None
        if (by or "self") == checker and profile != "self" and not profile.startswith("voice-"):
            found.add(profile)
    return found
