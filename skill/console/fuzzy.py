"""Fuzzy stage (generous mode), for the long sentences people actually say.

Spot every value the model knows (custom names and synonyms, numbers, durations, times),
longest first and non-overlapping; mark the findings the sentence denies; then pick the
intent whose slots can hold the most spotted values and whose samples share the most
(rare) words with the rest of the text. Stated findings go to the symptom slots, denied
ones to the denied slots (dropped where the intent has none), reassurances ("I can walk
fine") to `fine`. A multiple-value slot takes every value of its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skill.console.builtins import LEADING_FILLERS, TRAILING_FILLERS
from skill.console.exact import Slots
from skill.console.model import Intent, Model
from skill.console.negation import denied_spans
from skill.console.readings import Filled, readings
from skill.triage.durations import iso_days
from skill.triage.vocabulary import DENIED_SLOTS, SYMPTOM_SLOTS

# A value made only of these words ("i" is a PERSON synonym) proves little on its own.
_FUNCTION = "i me my a an the it is in on at of to and for her his one only any"
FUNCTION_WORDS = frozenset(_FUNCTION.split())
SPOT_WEIGHT, WEAK_SPOT_WEIGHT = 3.0, 0.5
SPOTTED = ("AMAZON.NUMBER", "AMAZON.DURATION", "AMAZON.TIME")
DURATION, TIME = "AMAZON.DURATION", "AMAZON.TIME"
# "every evening at half past seven": the clock time, in that part of the day.
PARTS_OF_DAY = {"MO": 0, "AF": 12, "EV": 12, "NI": 12}
MIN_COVERAGE = 0.5  # share of the (weighted) non-value words an intent must know
UNHELD_PENALTY = 0.5  # per unit of weight of the values an intent cannot hold
MIN_CARRIER = 2.0  # and at least one fairly distinctive word's worth ("a" or "it" is not)
# Politeness says nothing about the intent ("thanks" must not mean "no thanks").
FILLERS = frozenset(w for phrase in LEADING_FILLERS + TRAILING_FILLERS for w in phrase.split())
FINDING = "SYMPTOM"
TRIGGER = "PAIN_TRIGGER"
DENY_INTENT = "DenySymptomIntent"
DESCRIBE_INTENT, FINDINGS_INTENT = "DescribePainIntent", "RedFlagIntent"
STATED_SLOTS = SYMPTOM_SLOTS
# ANSWER values ("yes", "no", "not sure") count only in a sentence that corrects itself.
ANSWER, CORRECTION_INTENT = "ANSWER", "CorrectionIntent"
CORRECTION_CUES = frozenset(
    {"meant", "mean", "actually", "sorry", "wrong", "correction", "mistake", "misspoke"}
)
# Facts that make a sentence a description even when it also denies something.
STATED_TYPES = {"CONTEXT", "PAIN_TRIGGER", "PAIN_ONSET", "AMAZON.DURATION", "TIME_ANCHOR"}


@dataclass
class Spot:
    start: int
    end: int
    words: tuple[str, ...]
    fills: dict[str, Filled]  # one reading per slot type ("calf": location and stretch)
    denied: bool = False
    ago: bool = False  # a length followed by "ago": a moment, not how long

    @property
    def weight(self) -> float:
        strong = any(w not in FUNCTION_WORDS for w in self.words)
        return SPOT_WEIGHT if strong else WEAK_SPOT_WEIGHT


def spot(model: Model, toks: list[str]) -> list[Spot]:
    # Catch-all built-ins (SearchQuery and the like) would swallow the whole sentence.
    types = sorted(
        {t for i in model.intents for _, t in i.slots if t in model.values or t in SPOTTED}
    )
    if any(t == "AMAZON.DATE" for i in model.intents for _, t in i.slots):
        types.append("AMAZON.DATE")
    if not CORRECTION_CUES & set(toks):
        types = [t for t in types if t != ANSWER]  # "no" and "not sure" are answers, not fixes
    found: dict[tuple[int, int], Spot] = {}
    for i in range(len(toks)):
        for slot_type in types:
            # A date only right after "since": "may" and "now" are rarely dates otherwise.
            if slot_type == "AMAZON.DATE" and (i == 0 or toks[i - 1] != "since"):
                continue
            for end, filled in _readings(model, slot_type, toks, i):
                here = found.setdefault((i, end), Spot(i, end, tuple(toks[i:end]), {}))
                here.fills.setdefault(slot_type, filled)
    chosen: list[Spot] = []
    taken: set[int] = set()
    for s in sorted(found.values(), key=lambda s: (s.start - s.end, s.start)):
        if not taken.intersection(range(s.start, s.end)):
            chosen.append(s)
            taken.update(range(s.start, s.end))
    chosen.sort(key=lambda s: s.start)
    for s in chosen:  # "three weeks ago" says when something happened, not for how long
        s.ago = toks[s.end : s.end + 1] == ["ago"]
    # Denied findings go to a denied slot; a denied cause ("I haven't been exercising")
    # is no cause at all.
    for kind in (FINDING, TRIGGER):
        spots = [s for s in chosen if kind in s.fills]
        for n in denied_spans(toks, [(s.start, s.end) for s in spots]):
            spots[n].denied = True
    # Taken back in the same breath ("his leg looks blue, oh wait, no, that's his jeans"):
    # the finding is heard both ways, stated and denied, and the skill asks about it.
    for s in [s for s in chosen if FINDING in s.fills and not s.denied]:
        if _RETRACTION.search(" " + " ".join(toks[s.end :]) + " "):
            chosen.append(Spot(s.start, s.end, s.words, s.fills, denied=True))
    return chosen


# Words that take back what was just said, or put it down to something else.
_RETRACTION = re.compile(
    r" (oh wait|wait no|no wait|actually no|no no|no that's|no it's just|that's just the"
    r"|i'm fine now|i am fine now|it was just the|it's only the|that was just the"
    r"|it's just the|that's only the|that's the|that's from|it's from the|because of the"
    r"|but that's|but the \w+ (is|are|was|were)) "
)


def _readings(model: Model, slot_type: str, toks: list[str], i: int) -> list[tuple[int, Filled]]:
    """The longest reading at i; failing that, one of a word with "'s" ("my calf's been
    sore" says calf)."""
    found = readings(model, slot_type, toks, i, bare=False)[:1]
    if found or not toks[i].endswith("'s") or slot_type.startswith("AMAZON."):
        return found
    stem = [*toks[:i], toks[i][:-2]]
    return [(end, f) for end, f in readings(model, slot_type, stem, i, bare=False) if end == i + 1][
        :1
    ]


def _holds(intent: Intent, name: str, slot_type: str, spot_: Spot) -> bool:
    """A denied finding goes only to a denied slot, a stated one never does; a denied
    trigger goes nowhere."""
    if slot_type == TRIGGER:
        return not spot_.denied
    if slot_type != FINDING:
        return True
    return (name in DENIED_SLOTS) == spot_.denied


def assign(intent: Intent, spots: list[Spot]) -> tuple[Slots, float]:
    """Fill the intent's slots from the spots in text order. A multiple-value slot takes
    every value of its kind; otherwise two slots of one type (symptom, other_symptom)
    take the first and second such value."""
    lists: dict[str, list[Filled]] = {}
    slots: Slots = {}
    origin: dict[str, Spot] = {}  # the spot each single slot was filled from
    weight = 0.0
    for s in spots:
        for name, slot_type in intent.slots:
            fill = s.fills.get(slot_type)
            if fill is None or not _holds(intent, name, slot_type, s):
                continue
            if name in intent.multi:
                held = lists.setdefault(name, [])
                if fill.value not in [f.value for f in held]:
                    held.append(fill)
                    weight += s.weight
                break
            if name in slots:
                # "can't sit for ten minutes ... for three weeks now": how long it has gone
                # on is the longer of two lengths.
                if slot_type == DURATION and _lasting(fill, s) > _lasting(
                    slots[name], origin[name]
                ):
                    slots[name], origin[name] = fill, s
                if slot_type == TIME:
                    slots[name] = _clock_in_part_of_day(slots[name], fill)
                continue
            # "red hot ... and a fever": the second SYMPTOM slot is for a different symptom.
            # A value said both ways ("cold, but that's the AC") fills a stated and a
            # denied slot: only slots on the same side count as taken.
            side = name in DENIED_SLOTS
            seen = {
                f.value
                for n, f in slots.items()
                if f.slot_type == slot_type and f.value and (n in DENIED_SLOTS) == side
            }
            if fill.value is None or fill.value not in seen:
                slots[name], origin[name] = fill, s
                weight += s.weight
            break
    for name, items in lists.items():
        heard = " and ".join(f.heard for f in items)
        slots[name] = Filled(items[0].slot_type, heard, None, tuple(items))
    return slots, weight


def _clock_in_part_of_day(first: Filled, second: Filled) -> Filled:
    """Two times in one sentence, a part of the day and a clock time: the clock time,
    moved to the afternoon or evening where the part of the day says so."""
    part, clock = (first, second) if first.heard in PARTS_OF_DAY else (second, first)
    if part.heard not in PARTS_OF_DAY or ":" not in clock.heard:
        return first
    hour, minute = (int(x) for x in clock.heard.split(":"))
    if hour < 12:
        hour += PARTS_OF_DAY[part.heard]
    return Filled(clock.slot_type, f"{hour:02d}:{minute:02d}", clock.value, clock.items)


def _lasting(fill: Filled, where: Spot) -> tuple[bool, float]:
    """How well a length says how long it has gone on: not "... ago", then the longer."""
    return (not where.ago, iso_days(fill.heard) or 0.0)


def carrier(model: Model, intent: Intent, words: list[str]) -> float:
    """How much of the text outside the values this intent's samples also say."""
    return sum(model.weight(w) for w in words if w in intent.words)


def _asking(cues: set[str]) -> set[str]:
    """ "What do you mean by ...?" asks; its "mean" corrects nothing."""
    return {"mean"} if {"what", "you", "mean"} <= cues else set()


def _intents(model: Model, spots: list[Spot], cues: set[str]) -> list[Intent]:
    """Candidates, with the rule for denials: a sentence that only denies goes to an
    intent with a denied slot; one that also states something never to the denial
    intent, which cannot hold what is stated. A correction needs words that correct."""
    mixed = _denies(spots) and _states(spots)
    correcting = any(ANSWER in s.fills for s in spots) or CORRECTION_CUES & cues - _asking(cues)
    return [
        i
        for i in model.intents
        if not (mixed and i.name == DENY_INTENT) and (correcting or i.name != CORRECTION_INTENT)
    ]


def _denies(spots: list[Spot]) -> bool:
    return any(s.denied for s in spots)


def _states(spots: list[Spot]) -> bool:
    """A finding stated, or a circumstance (trigger, onset, duration, risk factor)."""
    return any((FINDING in s.fills and not s.denied) or STATED_TYPES & set(s.fills) for s in spots)


def fuzzy(model: Model, toks: list[str]) -> tuple[str, Slots, float] | None:
    """(intent, slots, weight of the values it holds), or None when nothing fits."""
    spots = spot(model, toks)
    inside = {i for s in spots for i in range(s.start, s.end)}
    # Each word counts once: "a a a a" is no more an intent than "a".
    rest = list(
        dict.fromkeys(w for i, w in enumerate(toks) if i not in inside and w not in FILLERS)
    )
    total = sum(model.weight(w) for w in rest)
    only_denies = _denies(spots) and not _states(spots)
    best: tuple[float, float, float, Intent, Slots] | None = None
    spotted = sum(s.weight for s in spots)
    for intent in _intents(model, spots, set(toks)):
        slots, held = assign(intent, spots)
        known = carrier(model, intent, rest)
        # Values the intent cannot hold count against it ("awful today" is no pain score).
        score = held + known - UNHELD_PENALTY * (spotted - held)
        score += SPOT_WEIGHT if only_denies and intent.name == DENY_INTENT else 0
        if best is None or score > best[0]:
            best = (score, held, known, intent, slots)
    if best is None:
        return None
    _, held, known, intent, slots = best
    if held >= SPOT_WEIGHT or (known >= MIN_CARRIER and known >= MIN_COVERAGE * total):
        return (*_findings_only(model, intent, slots, spots), held)
    return None


def _findings_only(
    model: Model, intent: Intent, slots: Slots, spots: list[Spot]
) -> tuple[str, Slots]:
    """A description that only names findings (who, where, what: no trigger, onset,
    duration or risk factor) is the model's RedFlagIntent, as its samples have it."""
    red = model.intent(FINDINGS_INTENT)
    stated = any(n in slots for n in STATED_SLOTS)
    if intent.name == DESCRIBE_INTENT and red and stated and set(slots) <= set(dict(red.slots)):
        return red.name, assign(red, spots)[0]
    return intent.name, slots
