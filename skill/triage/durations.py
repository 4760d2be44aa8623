"""How long the pain has lasted, in days, with the comparison the words mean.

"more than two weeks" must be past the 14-day strain limit, "a few weeks" reaches the
three weeks of "not better after a few weeks" (clinical.md (b)), and "since Christmas"
counts back from today. Limits in protocol.json are "more than N days", so a stated
"over" adds half a day and "under" takes half a day off.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.easter import easter

_ISO = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<w>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_DAYS = {"y": 365.0, "mo": 30.0, "w": 7.0, "d": 1.0, "h": 1 / 24, "mi": 1 / 1440, "s": 1 / 86400}
MAX_DAYS = 36500.0  # a century: anything longer is not a duration anyone meant
NUDGE = {"over": 0.5, "under": -0.5, "about": 0.0}


def iso_days(value: str | None) -> float | None:
    """AMAZON.DURATION (ISO 8601: P3D, P2W, PT5H) as days; None if unreadable."""
    match = _ISO.match(value or "")
    if not match or not any(match.groupdict().values()):
        return None
    days = sum(float(v) * _DAYS[k] for k, v in match.groupdict().items() if v)
    return round(days, 3) if days <= MAX_DAYS else None


def compared(days: float, comparison: str | None) -> float:
    """ "more than two weeks" is past 14 days; "nearly a week" is short of 7."""
    return max(0.0, days + NUDGE.get(comparison or "", 0.0))


def _thanksgiving(year: int) -> date:
    """The fourth Thursday of November (US)."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


# Fixed-date and computed holidays. Diwali follows the lunisolar calendar: no small
# maintained library computes it (the `holidays` package keeps a table too, and is 5 MB),
# so its dates are listed here, checked against `holidays` in the tests, and a test fails
# a full year before the list runs out.
_HOLIDAYS = {
    "christmas": lambda y: date(y, 12, 25),
    "boxing_day": lambda y: date(y, 12, 26),
    "new_year": lambda y: date(y, 1, 1),
    "easter": easter,
    "thanksgiving": _thanksgiving,
}
DIWALI = {
    2024: date(2024, 10, 31),
    2025: date(2025, 10, 20),
    2026: date(2026, 11, 8),
    2027: date(2027, 10, 29),
    2028: date(2028, 10, 17),
    2029: date(2029, 11, 5),
    2030: date(2030, 10, 26),
    2031: date(2031, 11, 14),
    2032: date(2032, 11, 2),
    2033: date(2033, 10, 22),
    2034: date(2034, 11, 10),
    2035: date(2035, 10, 30),
}
# Relative anchors: how many days ago they were.
_RELATIVE = {
    "this_morning": 0.25,
    "last_night": 0.5,
    "yesterday": 1.0,
    "weekend": None,
    "last_week": 7.0,
    "last_month": 30.0,
}


def days_since(anchor: str, today: date) -> float | None:
    """Days from a TIME_ANCHOR id ("christmas", "yesterday") to today; the most recent
    occurrence that is not in the future. None for an unknown anchor."""
    if anchor == "weekend":
        return float((today.weekday() + 2) % 7 or 7)  # back to last Saturday
    if anchor in _RELATIVE:
        return _RELATIVE[anchor]
    if anchor == "diwali":
        # Only this year's or last year's: past the list's end the answer is unknown (the
        # skill then asks how long), never a Diwali years ago.
        years = (DIWALI.get(today.year), DIWALI.get(today.year - 1))
        past = [day for day in years if day is not None and day <= today]
        return float((today - max(past)).days) if past else None
    when = _HOLIDAYS.get(anchor)
    if when is None:
        return None
    for year in (today.year, today.year - 1):
        day = when(year)
        if day <= today:
            return float((today - day).days)
    return None


def days_since_date(value: str, today: date) -> float | None:
    """AMAZON.DATE as Alexa resolves it ("2026-11-23", "2026-W47", "2026-11",
    "XXXX-12-25", "2026-W47-WE") to days before today; None if unreadable."""
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            day = date.fromisoformat(value)
        elif re.fullmatch(r"XXXX-\d\d-\d\d", value):
            day = date(today.year, int(value[5:7]), int(value[8:10]))
            if day > today:
                day = day.replace(year=today.year - 1)
        elif m := re.fullmatch(r"(\d{4})-W(\d\d)(?:-WE)?", value):
            day = date.fromisocalendar(int(m[1]), int(m[2]), 6 if value.endswith("WE") else 1)
        elif re.fullmatch(r"\d{4}-\d\d", value):
            day = date(int(value[:4]), int(value[5:7]), 1)
        else:
            return None
    except ValueError:
        return None
    if day > today:
        # Alexa resolves a bare weekday or date to the next one; after "since" people mean
        # the last one: a week back for a weekday, a year back for a date.
        day = day - timedelta(days=7) if (day - today).days <= 7 else _year_back(day)
    return float((today - day).days) if day <= today else None


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
