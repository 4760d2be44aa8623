"""AMAZON.DATE read from tokens the way Alexa resolves it (ISO 8601 strings).

A day ("today", "last monday", "the fifth of march") becomes 2026-03-05; a week
"2026-W48"; a weekend "2026-W48-WE"; a month "2026-11"; a year "2026"; "now" PRESENT_REF.
A date named without a year or a "last" ("monday", "march", "the fifth") is the next one
on or after today: Alexa leans to the future, so "since monday" arrives as the coming
Monday and the skill has to read it as the one just gone.
"""

from __future__ import annotations

from datetime import date, timedelta

from skill import clock
from skill.console.quantities import numbers

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
ORDINALS = {
    w: n + 1
    for n, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ]
    )
}
ORDINALS |= {f"twenty {w}": 20 + n for w, n in ORDINALS.items() if n < 10}
ORDINALS |= {"thirtieth": 30, "thirty first": 31}

Reading = tuple[int, str]


def today() -> date:
    """The device's date (tests replace this)."""
    return clock.utcnow().date()


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _day_of_month(toks: list[str], i: int) -> list[tuple[int, int]]:
    """ "fifth", "twenty first", "5", "5 th" -> (end, day)."""
    found = []
    for length in (2, 1):
        words = " ".join(toks[i : i + length])
        if len(toks[i : i + length]) == length and words in ORDINALS:
            found.append((i + length, ORDINALS[words]))
    for end, value in numbers(toks, i):
        if len(value) <= 2 and 1 <= int(value) <= 31:
            suffix = toks[end : end + 1]
            found.append(
                (end + 1 if suffix and suffix[0] in ("st", "nd", "rd", "th") else end, int(value))
            )
    return found


def _future(month: int, day: int, now: date) -> str:
    year = now.year + (1 if (month, day) < (now.month, now.day) else 0)
    try:
        return date(year, month, day).isoformat()
    except ValueError:  # "the thirty first of february"
        return ""


def _month_days(toks: list[str], i: int, now: date) -> list[Reading]:
    found: list[Reading] = []
    start = i + 1 if toks[i : i + 1] == ["the"] else i
    for end, day in _day_of_month(toks, start):
        rest = toks[end : end + 2]
        of = 1 if rest[:1] == ["of"] else 0
        if len(rest) > of and rest[of] in MONTHS:
            found.append((end + of + 1, _future(MONTHS.index(rest[of]) + 1, day, now)))
    if toks[i] in MONTHS:
        month = MONTHS.index(toks[i]) + 1
        after = i + 2 if toks[i + 1 : i + 2] == ["the"] else i + 1
        found += [(end, _future(month, day, now)) for end, day in _day_of_month(toks, after)]
        year = now.year + (1 if month < now.month else 0)
        found.append((i + 1, f"{year}-{month:02d}"))
    return [(end, value) for end, value in found if value]


def dates(toks: list[str], i: int, now: date | None = None) -> list[Reading]:
    if i >= len(toks):
        return []
    now = now or today()
    word, two = toks[i], tuple(toks[i : i + 2])
    found: list[Reading] = []
    simple = {"today": now, "tomorrow": now + timedelta(1), "yesterday": now - timedelta(1)}
    if word in simple:
        found.append((i + 1, simple[word].isoformat()))
    if tuple(toks[i : i + 4]) == ("the", "day", "before", "yesterday"):
        found.append((i + 4, (now - timedelta(2)).isoformat()))
    if word == "now":
        found.append((i + 1, "PRESENT_REF"))
    if word in WEEKDAYS:
        ahead = (WEEKDAYS.index(word) - now.weekday()) % 7
        found.append((i + 1, (now + timedelta(ahead)).isoformat()))
    if word in ("last", "this", "next") and len(two) == 2:
        shift = {"last": -1, "this": 0, "next": 1}[word]
        if two[1] in WEEKDAYS:
            delta = WEEKDAYS.index(two[1]) - now.weekday()
            if word == "last":
                delta = delta - 7 if delta >= 0 else delta
            elif word == "next":
                delta = delta + 7 if delta <= 0 else delta
            found.append((i + 2, (now + timedelta(delta)).isoformat()))
        elif two[1] == "week":
            found.append((i + 2, _week(now + timedelta(weeks=shift))))
        elif two[1] == "weekend":
            found.append((i + 2, _week(now + timedelta(weeks=shift)) + "-WE"))
        elif two[1] == "month":
            month = (now.year * 12 + now.month - 1) + shift
            found.append((i + 2, f"{month // 12}-{month % 12 + 1:02d}"))
        elif two[1] == "year":
            found.append((i + 2, str(now.year + shift)))
    if two == ("the", "weekend"):
        found.append((i + 2, _week(now) + "-WE"))
    found += _month_days(toks, i, now)
    return sorted(set(found), key=lambda r: (-r[0], r[1]))
