"""The four outcome levels (DESIGN.md; clinical.md (c)) and the rules that hang on them."""

from __future__ import annotations

from enum import StrEnum


class Disposition(StrEnum):
    EMERGENCY = "emergency"  # call the local emergency number now
    URGENT = "urgent"  # be seen today
    DOCTOR = "doctor"  # book a doctor or physio within days
    SELF_CARE = "self_care"  # home care with a safety net

    @property
    def rank(self) -> int:
        """Higher is more urgent (for "under-triage": a lower rank than expected)."""
        return _RANK[self]

    @property
    def blocks_self_care(self) -> bool:
        """After an emergency or urgent outcome no self-care is read (clinical.md (a):
        red-flag items stop triage; [STCC]: no home care after "see today" or worse)."""
        return self in (Disposition.EMERGENCY, Disposition.URGENT)

    @property
    def alerts_caregivers(self) -> bool:
        """Linked caregivers who agreed are alerted about emergency and urgent outcomes
        (issue 14): the ones that need someone to act today."""
        return self in (Disposition.EMERGENCY, Disposition.URGENT)

    @classmethod
    def parse(cls, value: object) -> Disposition | None:
        try:
            return cls(str(value)) if value is not None else None
        except ValueError:
            return None


_RANK = {
    Disposition.SELF_CARE: 0,
    Disposition.DOCTOR: 1,
    Disposition.URGENT: 2,
    Disposition.EMERGENCY: 3,
}
