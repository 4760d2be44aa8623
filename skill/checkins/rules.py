"""The check-in's clinical rules, pure and data-driven (no Alexa here).

Warning signs since the last check-in (clinical.md (a) items 1, 2 → emergency; items 8
and the new-numbness check → urgent), "I don't know" counts as yes (clinical.md (c)),
and the trend's escalation (checkins.trends) turns home care into "see a doctor".
"""

from __future__ import annotations

from skill.checkins.trends import Trend
from skill.triage.levels import Disposition

# The yes/no warning-sign questions, asked in this order, and the level a yes means.
WARNING_STEPS: dict[str, Disposition] = {
    "flags_emergency": Disposition.EMERGENCY,
    "flags_urgent": Disposition.URGENT,
}
CAUTIOUS_ANSWERS = ("yes", "unknown")


def warning_level(step: str, answer: str) -> Disposition | None:
    """The level a warning-sign answer calls for, or None when it is reassuring."""
    if step in WARNING_STEPS and answer in CAUTIOUS_ANSWERS:
        return WARNING_STEPS[step]
    return None


def outcome(trend: Trend) -> Disposition:
    """Home care, unless the pain is rising or not improving (clinical.md (b))."""
    return Disposition.DOCTOR if trend.escalate else Disposition.SELF_CARE
