"""Fuzzy stage, for the long sentences people actually say.

Spot every value the model knows (custom names and synonyms, numbers, durations, times),
longest first and non-overlapping; then pick the intent whose slots can hold the most
spotted values and whose samples share the most (rare) words with the rest of the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from skill.console.builtins import LEADING_FILLERS, TRAILING_FILLERS
from skill.console.exact import Slots
from skill.console.model import Intent, Model
from skill.console.readings import Filled, readings

# A value made only of these words ("i" is a PERSON synonym) proves little on its own.
FUNCTION_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "a",
        "an",
        "the",
        "it",
        "is",
        "in",
        "on",
        "at",
        "of",
        "to",
        "and",
        "for",
        "her",
        "his",
    ]
)
SPOT_WEIGHT, WEAK_SPOT_WEIGHT = 3.0, 0.5
SPOTTED = ("AMAZON.NUMBER", "AMAZON.DURATION", "AMAZON.TIME")
MIN_COVERAGE = 0.5  # share of the (weighted) non-value words an intent must know
MIN_CARRIER = 2.0  # and at least one fairly distinctive word's worth ("a" or "it" is not)
# Politeness says nothing about the intent ("thanks" must not mean "no thanks").
FILLERS = frozenset(w for phrase in LEADING_FILLERS + TRAILING_FILLERS for w in phrase.split())


@dataclass
class Spot:
    start: int
    end: int
    words: tuple[str, ...]
    fills: dict[str, Filled]  # one reading per slot type ("calf": location and stretch)

    @property
    def weight(self) -> float:
        strong = any(w not in FUNCTION_WORDS for w in self.words)
        return SPOT_WEIGHT if strong else WEAK_SPOT_WEIGHT


def spot(model: Model, toks: list[str]) -> list[Spot]:
    # Catch-all built-ins (SearchQuery and the like) would swallow the whole sentence.
    types = sorted(
        {t for i in model.intents for _, t in i.slots if t in model.values or t in SPOTTED}
    )
    found: dict[tuple[int, int], Spot] = {}
    for i in range(len(toks)):
        for slot_type in types:
            for end, filled in readings(model, slot_type, toks, i, bare=False)[:1]:
                here = found.setdefault((i, end), Spot(i, end, tuple(toks[i:end]), {}))
                here.fills.setdefault(slot_type, filled)
    chosen: list[Spot] = []
    taken: set[int] = set()
    for s in sorted(found.values(), key=lambda s: (s.start - s.end, s.start)):
        if not taken.intersection(range(s.start, s.end)):
            chosen.append(s)
            taken.update(range(s.start, s.end))
    return sorted(chosen, key=lambda s: s.start)


def assign(intent: Intent, spots: list[Spot]) -> tuple[Slots, float]:
    """Fill the intent's slots from the spots in text order; two slots of one type
    (symptom, other_symptom) take the first and second such value."""
    slots: Slots = {}
    weight = 0.0
    for s in spots:
        for name, slot_type in intent.slots:
            if name in slots or slot_type not in s.fills:
                continue
            fill = s.fills[slot_type]
            # "red hot ... and a fever": the second SYMPTOM slot is for a different symptom.
            seen = {(f.slot_type, f.value) for f in slots.values() if f.value}
            if (slot_type, fill.value) not in seen:
                slots[name] = fill
                weight += s.weight
            break
    return slots, weight


def carrier(model: Model, intent: Intent, words: list[str]) -> float:
    """How much of the text outside the values this intent's samples also say."""
    return sum(model.weight(w) for w in words if w in intent.words)


def fuzzy(model: Model, toks: list[str]) -> tuple[str, Slots] | None:
    spots = spot(model, toks)
    inside = {i for s in spots for i in range(s.start, s.end)}
    # Each word counts once: "a a a a" is no more an intent than "a".
    rest = list(
        dict.fromkeys(w for i, w in enumerate(toks) if i not in inside and w not in FILLERS)
    )
    total = sum(model.weight(w) for w in rest)
    best: tuple[float, float, float, Intent, Slots] | None = None
    for intent in model.intents:
        slots, held = assign(intent, spots)
        known = carrier(model, intent, rest)
        score = held + known
        if best is None or score > best[0]:
            best = (score, held, known, intent, slots)
    if best is None:
        return None
    _, held, known, intent, slots = best
    if held >= SPOT_WEIGHT or (known >= MIN_CARRIER and known >= MIN_COVERAGE * total):
        return intent.name, slots
    return None
