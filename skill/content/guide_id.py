"""Which guided session: RICE, or one of the stretches in guides.json.

Spoken and stored as "rice" or "stretch:<id>" (session attributes, the saved resume
point), so the string form is part of the stored data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GuideId:
    """A guided session: RICE, or one of the stretches in guides.json."""

    stretch: str | None = None  # None means RICE

    @classmethod
    def rice(cls) -> GuideId:
        return cls(None)

    @classmethod
    def parse(cls, text: object) -> GuideId | None:
        if text == "rice":
            return cls.rice()
        if isinstance(text, str) and text.startswith("stretch:") and len(text) > 8:
            return cls(text[8:])
        return None

    @property
    def is_rice(self) -> bool:
        return self.stretch is None

    def __str__(self) -> str:
        return "rice" if self.stretch is None else f"stretch:{self.stretch}"
