"""Exact stage: the whole utterance must be one of the model's samples, with each {slot}
standing for any phrase its type can hear. Among full matches the one that fills the most
slots wins, then the one with the most literal words (the most specific sample)."""

from __future__ import annotations

from collections.abc import Iterator

from skill.console.model import Intent, Model
from skill.console.quantities import TEENS, TENS, UNITS
from skill.console.readings import Filled, readings

# A literal "ten" in a sample also matches a typed "10".
_WORD_OF_DIGITS = {str(n): w for table in (UNITS, TEENS, TENS) for w, n in table.items()}

Slots = dict[str, Filled]


def same_word(literal: str, heard: str) -> bool:
    return literal == heard or _WORD_OF_DIGITS.get(heard) == literal


def _walk(
    model: Model, types: dict[str, str], parts: list[str], toks: list[str], pi: int, ti: int
) -> Iterator[Slots]:
    if pi == len(parts):
        if ti == len(toks):
            yield {}
        return
    if len(parts) - pi > len(toks) - ti:
        return  # every part needs at least one word
    part = parts[pi]
    if not part.startswith("{"):
        if same_word(part, toks[ti]):
            yield from _walk(model, types, parts, toks, pi + 1, ti + 1)
        return
    name = part[1:-1]
    if name not in types:
        return  # a sample naming an undeclared slot never matches (the build would fail)
    for end, filled in readings(model, types[name], toks, ti, bare=True):
        for rest in _walk(model, types, parts, toks, pi + 1, end):
            if name not in rest:
                yield {name: filled, **rest}


def match_intent(
    model: Model, intent: Intent, toks: list[str]
) -> tuple[tuple[int, int], Slots] | None:
    """The best full match of any sample of this intent, with its (slots, literals) score."""
    types = dict(intent.slots)
    best: tuple[tuple[int, int], Slots] | None = None
    for parts in intent.samples:
        literals = sum(not p.startswith("{") for p in parts)
        if literals > len(toks):
            continue
        for slots in _walk(model, types, parts, toks, 0, 0):
            score = (len(slots), literals)
            if best is None or score > best[0]:
                best = (score, slots)
            break  # readings come longest first; the first split is the one to keep
    return best


def exact(model: Model, toks: list[str]) -> tuple[str, Slots] | None:
    best: tuple[tuple[int, int], str, Slots] | None = None
    for intent in model.intents:
        found = match_intent(model, intent, toks)
        if found and (best is None or found[0] > best[0]):
            best = (found[0], intent.name, found[1])
    return (best[1], best[2]) if best else None
