"""Built-in slot values read from tokens the way Alexa resolves them.

Each reader takes the tokens and a start index and returns every phrase it can read
there as (end index, value), longest first, so a sample matcher can try each split:
AMAZON.NUMBER "7" (from "seven" or "7"), AMAZON.DURATION "P3D", AMAZON.TIME "08:30".
"""

from __future__ import annotations

UNITS = {
    w: n
    for n, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )
}
TEENS = {
    w: n + 10
    for n, w in enumerate(
        [
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
TENS = {
    w: (n + 2) * 10
    for n, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
}

Reading = tuple[int, str]


def _longest_first(found: list[Reading]) -> list[Reading]:
    return sorted(set(found), key=lambda r: (-r[0], r[1]))


def numbers(toks: list[str], i: int) -> list[Reading]:
    """ "seven", "7", "twenty one", "a hundred and five", "one two three four" -> digits."""
    if i >= len(toks):
        return []
    if toks[i].isdigit():
        # "8 6 8 3 2 4" typed as spoken digits is one number, as Alexa hears it.
        j = i
        while j < len(toks) and len(toks[j]) == 1 and toks[j].isdigit():
            j += 1
        runs = [(end, "".join(toks[i:end])) for end in range(i + 2, j + 1)]
        return _longest_first([(i + 1, toks[i]), *runs])
    found: list[Reading] = []
    # Codes are read digit by digit: "one two three" is 123, not 1 then 2 then 3.
    j = i
    while j < len(toks) and toks[j] in UNITS:
        j += 1
    if j - i >= 2:
        digits = "".join(str(UNITS[t]) for t in toks[i:j])
        found += [(end, digits[: end - i]) for end in range(i + 2, j + 1)]
    total, current, last, j = 0, 0, "", i
    if toks[j] == "a" and j + 1 < len(toks) and toks[j + 1] in ("hundred", "thousand"):
        current, last, j = 1, "unit", j + 1
    while j < len(toks):
        word = toks[j]
        if word in UNITS and last in ("", "tens", "hundred", "and", "thousand"):
            current, last = current + UNITS[word], "unit"
        elif word in TEENS and last in ("", "hundred", "and", "thousand"):
            current, last = current + TEENS[word], "teen"
        elif word in TENS and last in ("", "hundred", "and", "thousand"):
            current, last = current + TENS[word], "tens"
        elif word == "hundred" and last == "unit" and current < 10:
            current, last = current * 100, "hundred"
        elif word == "thousand" and last in ("unit", "teen", "tens", "hundred") and not total:
            total, current, last = current * 1000, 0, "thousand"
        elif word == "and" and last in ("hundred", "thousand"):
            last, j = "and", j + 1
            continue
        else:
            break
        j += 1
        found.append((j, str(total + current)))
    return _longest_first(found)


# unit word -> (ISO letter, belongs after the T, multiplier)
DURATION_UNITS = {
    "second": ("S", True, 1),
    "seconds": ("S", True, 1),
    "minute": ("M", True, 1),
    "minutes": ("M", True, 1),
    "min": ("M", True, 1),
    "mins": ("M", True, 1),
    "hour": ("H", True, 1),
    "hours": ("H", True, 1),
    "day": ("D", False, 1),
    "days": ("D", False, 1),
    "week": ("W", False, 1),
    "weeks": ("W", False, 1),
    "fortnight": ("W", False, 2),
    "month": ("M", False, 1),
    "months": ("M", False, 1),
    "year": ("Y", False, 1),
    "years": ("Y", False, 1),
}
# Vague amounts as Alexa resolves them ("a couple of days" -> P2D, "a few days" -> P3D).
AMOUNT_WORDS = {
    ("a",): 1,
    ("an",): 1,
    ("a", "couple", "of"): 2,
    ("couple", "of"): 2,
    ("a", "couple"): 2,
    ("a", "few"): 3,
    ("few",): 3,
    ("several",): 3,
}
# The console's generous reading of a point in the past as the time since it (not Alexa's).
RELATIVE = {
    ("yesterday",): "P1D",
    ("since", "yesterday"): "P1D",
    ("last", "week"): "P1W",
    ("since", "last", "week"): "P1W",
    ("last", "month"): "P1M",
    ("since", "last", "month"): "P1M",
    ("last", "year"): "P1Y",
    ("since", "last", "year"): "P1Y",
}
HALVES = {("half", "an", "hour"): "PT30M", ("half", "a", "day"): "PT12H"}


def _iso(amount: int, unit: str) -> str:
    letter, is_time, times = DURATION_UNITS[unit]
    return f"P{'T' if is_time else ''}{amount * times}{letter}"


# Words before "N years" that make it an age: "I am seventeen years", "she's eighty years".
AGE_LEADS = frozenset({"am", "i'm", "is", "he's", "she's", "aged", "age"})


def _range(toks: list[str], i: int) -> tuple[int, int] | None:
    """ "two three", "four five" (two or three, four or five): the larger, ending after it."""
    first, second = UNITS.get(toks[i]) if i < len(toks) else None, None
    if i + 1 < len(toks):
        second = UNITS.get(toks[i + 1])
    if first is not None and second is not None and second == first + 1:
        return i + 2, second
    return None


def durations(toks: list[str], i: int, relative: bool = True) -> list[Reading]:
    """ "three days" -> P3D, "a couple of weeks" -> P2W, "an hour and a half" -> PT1H30M.

    `relative` also reads "since yesterday" as P1D; Alexa's AMAZON.DURATION does not."""
    found: list[Reading] = []
    for words, iso in [*HALVES.items(), *(RELATIVE.items() if relative else ())]:
        if tuple(toks[i : i + len(words)]) == words:
            found.append((i + len(words), iso))
    amounts = [(i + len(w), n) for w, n in AMOUNT_WORDS.items() if tuple(toks[i : i + len(w)]) == w]
    amounts += [(end, int(value)) for end, value in numbers(toks, i) if len(value) < 5]
    ranged = _range(toks, i)
    if ranged:  # "two three days" is two or three days, never twenty-three
        amounts = [a for a in amounts if a[0] != ranged[0]] + [ranged]
    for end, amount in amounts:
        if end < len(toks) and toks[end] in DURATION_UNITS:
            if toks[end + 1 : end + 2] in (["old"], ["pregnant"]):
                continue  # an age ("a 72-year-old") or a pregnancy, not how long it hurt
            if toks[end] in ("year", "years") and toks[i - 1 : i] and toks[i - 1] in AGE_LEADS:
                continue  # "I am seventeen years" (Indian English): an age
            unit = toks[end]
            found.append((end + 1, _iso(amount, unit)))
            half = toks[end + 1 : end + 4] == ["and", "a", "half"]
            if half and unit in ("hour", "hours"):
                found.append((end + 4, f"PT{amount}H30M"))
            elif half and unit in ("day", "days"):
                found.append((end + 4, f"P{amount}DT12H"))
    return _longest_first(found)


PARTS_OF_DAY = {
    ("noon",): "12:00",
    ("midday",): "12:00",
    ("midnight",): "00:00",
    ("morning",): "MO",
    ("the", "morning"): "MO",
    ("afternoon",): "AF",
    ("the", "afternoon"): "AF",
    ("evening",): "EV",
    ("the", "evening"): "EV",
    ("night",): "NI",
    ("tonight",): "NI",
}
AFTER_NOON = (
    ("pm",),
    ("p", "m"),
    ("in", "the", "evening"),
    ("in", "the", "afternoon"),
    ("at", "night"),
)
BEFORE_NOON = (("am",), ("a", "m"), ("in", "the", "morning"))


def _clock(toks: list[str], i: int, bare: bool) -> list[Reading]:
    found: list[Reading] = []
    for end, value in numbers(toks, i):
        hour = int(value) if len(value) <= 2 else -1
        if not 0 <= hour <= 23:
            continue
        at = i > 0 and toks[i - 1] == "at"  # "every morning at 8": a time after "at"
        readings = [(end, 0, bare or at)]
        if toks[end : end + 1] == ["o'clock"]:
            readings.append((end + 1, 0, True))
        readings += [
            (e, int(m), True) for e, m in numbers(toks, end) if len(m) <= 2 and 10 <= int(m) < 60
        ]
        for stop, minute, sure in readings:
            for words in AFTER_NOON + BEFORE_NOON:
                if tuple(toks[stop : stop + len(words)]) == words and 1 <= hour <= 12:
                    shift = 12 if words in AFTER_NOON and hour < 12 else 0
                    h = 0 if words in BEFORE_NOON and hour == 12 else hour + shift
                    found.append((stop + len(words), f"{h:02d}:{minute:02d}"))
            if sure:
                found.append((stop, f"{hour:02d}:{minute:02d}"))
    return found


def times(toks: list[str], i: int, bare: bool = False) -> list[Reading]:
    """ "eight am" -> 08:00, "half past seven" -> 07:30, "the evening" -> EV.

    A bare number ("at eight") is a time only where a sample expects one (bare=True)."""
    found = [(i + len(w), v) for w, v in PARTS_OF_DAY.items() if tuple(toks[i : i + len(w)]) == w]
    past = {("half", "past"): 30, ("quarter", "past"): 15, ("quarter", "to"): -15}
    for words, minutes in past.items():
        if tuple(toks[i : i + 2]) == words:
            for end, value in numbers(toks, i + 2):
                hour = int(value) if len(value) <= 2 else 0
                if 1 <= hour <= 12:
                    hour, minute = (hour - 1, 45) if minutes < 0 else (hour, minutes)
                    found.append((end, f"{hour:02d}:{minute:02d}"))
    found += _clock(toks, i, bare)
    return _longest_first(found)
