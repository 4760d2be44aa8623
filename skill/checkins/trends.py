"""Compare check-ins and decide when to advise a doctor.

Escalation rules (docs/clinical.md (b) safety-net timings): anything getting worse
→ escalate, so pain that rose at each of the last two check-ins, or by three points or
more, or to eight or more, advises a doctor; and a
strain not better in about two weeks → GP, so no improvement over 14 days or more does too.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

from skill.checkins.records import CheckIn

NO_IMPROVEMENT_DAYS = 14
WORSENING_RUN = 2  # consecutive rises
JUMP = 3  # points up since the last check-in
HIGH = 8  # a rise that reaches this is severe pain


class Trend(NamedTuple):
    previous: CheckIn | None
    current: CheckIn
    change: str  # "down", "up", "same", "first", "unknown"
    escalate: str | None  # "worsening", "no_improvement" or None


def trend(earlier: list[CheckIn], current: CheckIn) -> Trend:
    scored = [c for c in earlier if c.pain is not None]
    previous = scored[-1] if scored else None
    if current.pain is None:
        return Trend(previous, current, "unknown", None)
    if previous is None:
        return Trend(None, current, "first", None)
    assert previous.pain is not None
    change = (
        "down" if current.pain < previous.pain else "up" if current.pain > previous.pain else "same"
    )
    return Trend(previous, current, change, _escalation(scored, current))


def _escalation(scored: list[CheckIn], current: CheckIn) -> str | None:
    previous = scored[-1].pain
    assert previous is not None and current.pain is not None
    rise = current.pain - previous
    if rise >= JUMP or (rise > 0 and current.pain >= HIGH):
        return "worsening"  # a sharp rise, or a rise to severe pain, is getting worse now
    series = [c.pain for c in scored[-WORSENING_RUN:]] + [current.pain]
    if len(series) == WORSENING_RUN + 1 and all(b > a for a, b in itertools.pairwise(series)):  # type: ignore[operator]
        return "worsening"
    first = scored[0]
    days = (current.when - first.when).total_seconds() / 86400
    if days >= NO_IMPROVEMENT_DAYS and current.pain >= first.pain:  # type: ignore[operator]
        return "no_improvement"
    return None
