"""What a slot can hear at a position in the text: custom values by their names and
synonyms (entity resolution included), numbers, durations, times and dates; and, for a
multiple-value slot, a list of values joined by "and", "or" or a pause."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from skill.console import dates, quantities
from skill.console.model import Model, Value

LIST_JOINS = ("and", "or")
MAX_LIST = 6  # nobody lists more findings in one breath; bounds the search


@dataclass(frozen=True)
class Filled:
    """A filled slot: `heard` is the slot value Alexa sends (the words for custom types,
    the resolved form like "7" or "P3D" for built-ins); `value` is the resolution.
    A multiple-value slot has `items`, one Filled per value heard, and no `value`.
    `no_match` marks words of a custom type that are none of its values or synonyms
    (ER_SUCCESS_NO_MATCH; only the trained NLU hears those)."""

    slot_type: str
    heard: str
    value: Value | None = None
    items: tuple[Filled, ...] = ()
    no_match: bool = False

    @property
    def values(self) -> tuple[Filled, ...]:
        """Every single value in this slot (one, or the items of a list)."""
        return self.items or (self,)


Reader = Callable[[list[str], int], list[tuple[int, str]]]
BUILT_IN_READERS: dict[str, Reader] = {
    "AMAZON.NUMBER": quantities.numbers,
    "AMAZON.DURATION": quantities.durations,
    "AMAZON.DATE": lambda toks, i: dates.dates(toks, i),
}


def readings(
    model: Model, slot_type: str, toks: list[str], i: int, bare: bool, strict: bool = False
) -> list[tuple[int, Filled]]:
    """Every (end, filled slot) a slot of this type can take from toks[i:], longest first.

    `bare` lets a lone number be a time, as it may be where a sample expects a {time}.
    `strict` keeps to what Alexa's built-in types resolve ("since yesterday" is no
    AMAZON.DURATION)."""
    if i >= len(toks):
        return []
    if slot_type in model.values:
        table = model.values[slot_type]
        found = []
        for end in range(min(len(toks), i + model.longest[slot_type]), i, -1):
            phrase = " ".join(toks[i:end])
            if phrase in table:
                found.append((end, Filled(slot_type, phrase, table[phrase])))
        return found
    if slot_type == "AMAZON.TIME":
        return [(end, Filled(slot_type, v)) for end, v in quantities.times(toks, i, bare)]
    if slot_type == "AMAZON.DURATION" and strict:
        found_strict = quantities.durations(toks, i, relative=False)
        return [(end, Filled(slot_type, v)) for end, v in found_strict]
    reader = BUILT_IN_READERS.get(slot_type)
    if reader:
        return [(end, Filled(slot_type, v)) for end, v in reader(toks, i)]
    if slot_type.startswith("AMAZON."):
        # Catch-all built-ins (e.g. SearchQuery): any run of words, as heard.
        return [(end, Filled(slot_type, " ".join(toks[i:end]))) for end in range(len(toks), i, -1)]
    return []  # a custom type the model does not define


def list_readings(
    one: Callable[[int], list[tuple[int, Filled]]], toks: list[str], i: int
) -> list[tuple[int, Filled]]:
    """Lists of one to MAX_LIST values (from `one`, the single readings at a position),
    joined by "and", "or" or nothing (a pause): "swollen, hot and red"."""
    found: dict[tuple[int, tuple[Filled, ...]], None] = {}

    def extend(start: int, items: tuple[Filled, ...]) -> None:
        for end, filled in one(start):
            chain = (*items, filled)
            found.setdefault((end, chain), None)
            if len(chain) < MAX_LIST and end < len(toks):
                extend(end, chain)
                if toks[end] in LIST_JOINS:
                    extend(end + 1, chain)

    extend(i, ())
    out = []
    for end, chain in found:
        slot_type = chain[0].slot_type
        out.append((end, Filled(slot_type, " ".join(toks[i:end]), None, chain)))
    out.sort(key=lambda r: (-r[0], len(r[1].items)))
    return out
