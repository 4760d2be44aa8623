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
# The findings each warning-sign question names (content: checkin.flags_*). A sign said in
# passing that one of them names is that question answered yes when it is the question
# asked, and is what that question confirms when it is not.
NAMES: dict[str, tuple[str, ...]] = {
    "flags_emergency": ("breathless", "chest_pain", "cold_pale", "discoloured"),
    "flags_urgent": ("swollen", "hot_red", "dvt_signs"),
}


def warning_level(step: str, answer: str) -> Disposition | None:
    """The level a warning-sign answer calls for, or None when it is reassuring. Step
    "confirm" is the direct question about an emergency sign said in passing."""
    if answer not in CAUTIOUS_ANSWERS:
        return None
    if step == "confirm":  # a sign heard in passing: only emergency signs are asked so
        return Disposition.EMERGENCY
    return WARNING_STEPS.get(step)


def step_naming(finding: str) -> str | None:
    """The warning-sign question that names this finding, if one does."""
    return next((step for step, names in NAMES.items() if finding in names), None)


def outcome(trend: Trend) -> Disposition:
    """Home care, unless the pain is rising or not improving (clinical.md (b))."""
    return Disposition.DOCTOR if trend.escalate else Disposition.SELF_CARE
