"""What a slot can hear at a position in the text: custom values by their names and
synonyms (entity resolution included), numbers, durations, times."""

from __future__ import annotations

from dataclasses import dataclass

from skill.console import quantities
from skill.console.model import Model, Value


@dataclass(frozen=True)
class Filled:
    """A filled slot: `heard` is the slot value Alexa sends (the words for custom types,
    the resolved form like "7" or "P3D" for built-ins); `value` is the resolution."""

    slot_type: str
    heard: str
    value: Value | None = None


BUILT_IN_READERS = {
    "AMAZON.NUMBER": quantities.numbers,
    "AMAZON.DURATION": quantities.durations,
}


def readings(
    model: Model, slot_type: str, toks: list[str], i: int, bare: bool
) -> list[tuple[int, Filled]]:
    """Every (end, filled slot) a slot of this type can take from toks[i:], longest first.

    `bare` lets a lone number be a time, as it may be where a sample expects a {time}."""
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
    reader = BUILT_IN_READERS.get(slot_type)
    if reader:
        return [(end, Filled(slot_type, v)) for end, v in reader(toks, i)]
    if slot_type.startswith("AMAZON."):
        # Catch-all built-ins (e.g. SearchQuery): any run of words, as heard.
        return [(end, Filled(slot_type, " ".join(toks[i:end]))) for end in range(len(toks), i, -1)]
    return []  # a custom type the model does not define
