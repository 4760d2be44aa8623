"""A caregiver's summary of one profile over the last week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from skill.checkins.records import CheckIn


@dataclass(frozen=True)
class Summary:
    count: int
    first_pain: int | None
    last_pain: int | None
    red_flag_days: int
    stretch_days: int
    stretch_answers: int
    last_outcome: str | None
    last_at: datetime | None = None  # when the latest check-in was (UTC)


def summarise(checkins: list[CheckIn], now: datetime, days: int = 7) -> Summary:
    recent = [c for c in checkins if c.when >= now - timedelta(days=days)]
    scored = [c.pain for c in recent if c.pain is not None]
    answered = [c for c in recent if c.stretches is not None]
    return Summary(
        count=len(recent),
        first_pain=scored[0] if scored else None,
        last_pain=scored[-1] if scored else None,
        red_flag_days=sum(1 for c in recent if c.red_flags),
        stretch_days=sum(1 for c in answered if c.stretches),
        stretch_answers=len(answered),
        last_outcome=recent[-1].disposition if recent else None,
        last_at=recent[-1].when if recent else None,
    )
