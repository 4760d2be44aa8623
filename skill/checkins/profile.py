"""The account's profile, typed: what the skill keeps for an account between sessions.

    USER#<key> PROFILE {"v", "visits", "epoch", "consent", "alerts_by", "guide",
                        "hears_alerts"}

`v` is the shape's version (PROFILE_VERSION). `Profile.from_item` reads any version this
code knows, bringing an older shape up to date step by step (_MIGRATIONS); `to_item`
writes the current shape. A profile written by a newer deploy of the skill (after a
rollback) is read for what this code knows and is never written back: `writable` is
False, so a turn cannot drop what the newer code stored. Keys this code does not know
are kept as they are.

The store-level item (with the version it was read at, for conditional writes) is
skill.checkins.account's; the SDK's persistent attributes carry the item as a dict
(skill.alexa.persistence), and flows read and change this typed view of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

logger = logging.getLogger(__name__)

PROFILE_VERSION = 2
EPOCH = "epoch"
LEGACY_ALERTS = "alert_caregivers"  # version 1's account-wide consent to alert caregivers
ALERTS_BY = "alerts_by"
HEARS = "hears_alerts"
ACCOUNT = "self"  # the account's own speaker: no voice recognised
_KNOWN = frozenset({"v", "visits", EPOCH, "consent", ALERTS_BY, "guide", HEARS})


class SavedGuide(NamedTuple):
    """Where the person left a guide, to resume within the hour."""

    id: str
    step: int
    at: float  # when, in the clock's seconds

    @classmethod
    def parse(cls, raw: object) -> SavedGuide | None:
        if not isinstance(raw, Mapping):
            return None
        guide, step, at = raw.get("id"), raw.get("step"), raw.get("at")
        if not isinstance(guide, str) or not isinstance(step, int) or isinstance(step, bool):
            return None
        if not isinstance(at, int | float) or isinstance(at, bool):
            return None
        return cls(guide, step, at)

    def to_item(self) -> dict[str, Any]:
        return {"id": self.id, "step": self.step, "at": int(self.at)}


@dataclass
class Profile:
    visits: int = 1
    epoch: str | None = None  # a new random id each time a profile is created
    consent: bool | None = None  # to keep check-ins; None: not asked yet
    alerts_by: frozenset[str] = frozenset()  # the speakers who agreed to alert caregivers
    guide: SavedGuide | None = None
    # Whether this account asked to hear caregiver alerts ("send me alerts"): False for an
    # account created since this was kept (its launch then looks for none: one storage
    # call, not two), None for one from before (looked for, as always).
    hears_alerts: bool | None = None
    other: dict[str, Any] = field(default_factory=dict)  # keys this code does not know
    writable: bool = True  # False for a profile from a newer version of the skill

    @classmethod
    def from_item(cls, item: Mapping[str, Any] | None) -> Profile:
        """The profile an item holds (an empty profile for None)."""
        if not item:
            return cls()
        data = dict(item)
        version = data.get("v", 1)  # profiles from before versions were kept are version 1
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            logger.warning("profile of an unknown version: read what is known, write nothing")
            version, writable = PROFILE_VERSION, False
        else:
            writable = version <= PROFILE_VERSION
            if not writable:
                logger.warning("profile from a newer version of the skill: not written back")
            while version < PROFILE_VERSION:
                data, version = _MIGRATIONS[version](data), version + 1
        visits = data.get("visits")
        epoch = data.get(EPOCH)
        consent = data.get("consent")
        speakers = data.get(ALERTS_BY)
        hears = data.get(HEARS)
        return cls(
            visits=visits if isinstance(visits, int) and not isinstance(visits, bool) else 1,
            epoch=epoch if isinstance(epoch, str) else None,
            consent=consent if isinstance(consent, bool) else None,
            alerts_by=frozenset(s for s in speakers if isinstance(s, str))
            if isinstance(speakers, list)
            else frozenset(),
            guide=SavedGuide.parse(data.get("guide")),
            hears_alerts=hears if isinstance(hears, bool) else None,
            other={k: v for k, v in data.items() if k not in _KNOWN},
            writable=writable,
        )

    def to_item(self) -> dict[str, Any]:
        """The current shape, as stored."""
        item: dict[str, Any] = {**self.other, "v": PROFILE_VERSION, "visits": self.visits}
        if self.epoch is not None:
            item[EPOCH] = self.epoch
        if self.consent is not None:
            item["consent"] = self.consent
        if self.alerts_by:
            item[ALERTS_BY] = sorted(self.alerts_by)
        if self.guide is not None:
            item["guide"] = self.guide.to_item()
        if self.hears_alerts is not None:
            item[HEARS] = self.hears_alerts
        return item

    def agree(self, speaker: str) -> None:
        """This speaker agrees to alert their caregivers, for what they say."""
        self.alerts_by = self.alerts_by | {speaker}

    def withdraw(self, speaker: str) -> bool:
        """This speaker stops alerting; others who agreed go on. Returns whether they had."""
        if speaker not in self.alerts_by:
            return False
        self.alerts_by = self.alerts_by - {speaker}
        return True


def _alerts_per_speaker(data: dict[str, Any]) -> dict[str, Any]:
    """1 → 2: the account-wide consent to alert (`alert_caregivers: true`) becomes the
    account's own speaker's, "self": never another voice's or a guest's (issue 23)."""
    out = {k: v for k, v in data.items() if k != LEGACY_ALERTS}
    if data.get(LEGACY_ALERTS) is True:
        speakers = data.get(ALERTS_BY)
        known = [s for s in speakers if isinstance(s, str)] if isinstance(speakers, list) else []
        out[ALERTS_BY] = sorted({*known, ACCOUNT})
    return out


_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _alerts_per_speaker}
