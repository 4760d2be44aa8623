"""Training examples for the trained NLU, made only from what the interaction model holds.

Every sample of every custom intent (and AMAZON.FallbackIntent's out-of-domain samples)
becomes one or more sentences with its {slots} filled by the slot type's own value names
and synonyms, each word tagged with the slot it fills (BIO tags), the way a developer
console build trains Alexa on the model. Built-in slot types are filled with phrases
Alexa's built-in types resolve (AMAZON.DURATION "two days", AMAZON.DATE "monday"); only
those the console's own readers resolve are used, so a tagged span can always be read.

Fillings are drawn from a random generator seeded by the sample's own text: the same
model always gives the same examples, whatever the order of the build.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from skill.console.model import FALLBACK, Intent, Model
from skill.console.readings import readings

# Phrases Alexa's built-in slot types resolve; the console's readers must resolve them too.
BUILT_IN_VALUES: dict[str, tuple[str, ...]] = {
    "AMAZON.NUMBER": (
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "zero", "eleven", "twelve", "fifteen", "twenty", "thirty five", "7", "3", "10",
    ),
    "AMAZON.DURATION": (
        "two days", "a day", "three days", "a week", "two weeks", "a month", "six months",
        "an hour", "two hours", "ten minutes", "a couple of days", "a few weeks", "a year",
        "five days", "a fortnight", "four weeks", "three months", "a few days", "2 days",
        "half an hour", "several weeks",
    ),
    "AMAZON.DATE": (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "yesterday", "today", "last monday", "last friday", "the third of march",
        "march third", "the tenth",
    ),
    "AMAZON.TIME": (
        "seven am", "eight pm", "noon", "half past six", "nine in the morning", "6 pm",
        "the evening", "midday", "seven thirty", "ten o'clock",
    ),
}  # fmt: skip
LIST_JOINS = ("and", ",", "and also")
# Sentences per sample: one filling, plus more for samples with slots (their values vary).
FILLS_WITH_SLOTS = 2
OUTSIDE = "O"


@dataclass(frozen=True)
class Example:
    intent: str
    words: tuple[str, ...]
    tags: tuple[str, ...]  # "O", "B-<slot>", "I-<slot>"


def _phrases(model: Model, slot_type: str) -> list[list[str]]:
    key = f"training-phrases:{slot_type}"
    if key not in model.derived:
        model.derived[key] = _phrases_of(model, slot_type)
    phrases: list[list[str]] = model.derived[key]
    return phrases


def _phrases_of(model: Model, slot_type: str) -> list[list[str]]:
    if slot_type in model.values:
        return [p.split() for p in sorted(model.values[slot_type])]
    usable = []
    for phrase in BUILT_IN_VALUES.get(slot_type, ()):
        words = phrase.split()
        if any(end == len(words) for end, _ in readings(model, slot_type, words, 0, True)):
            usable.append(words)
    return usable


def _fill(
    model: Model, intent: Intent, sample: list[str], rng: random.Random
) -> tuple[list[str], list[str]] | None:
    types = dict(intent.slots)
    words: list[str] = []
    tags: list[str] = []
    for part in sample:
        if not part.startswith("{"):
            words.append(part)
            tags.append(OUTSIDE)
            continue
        name = part[1:-1]
        phrases = _phrases(model, types.get(name, ""))
        if not phrases:
            return None
        count = 2 if name in intent.multi and rng.random() < 0.3 else 1
        for n in range(count):
            if n:
                join = rng.choice(LIST_JOINS).split()
                words += [w for w in join if w != ","]
                tags += [OUTSIDE for w in join if w != ","]
            phrase = rng.choice(phrases)
            words += phrase
            tags += [f"B-{name}"] + [f"I-{name}"] * (len(phrase) - 1)
    return words, tags


def _seed(intent: str, sample: list[str]) -> int:
    return zlib.crc32(" ".join([intent, *sample]).encode())


def trainable(intent: Intent) -> bool:
    """Custom intents and the fallback's out-of-domain samples; Alexa's other built-ins
    are heard only on their own phrases (the exact stage), never by the classifier."""
    return not intent.name.startswith("AMAZON.") or intent.name == FALLBACK


def examples(model: Model) -> list[Example]:
    out: list[Example] = []
    for intent in model.intents:
        if not trainable(intent):
            continue
        for sample in intent.samples:
            rng = random.Random(_seed(intent.name, sample))
            fills = FILLS_WITH_SLOTS if any(p.startswith("{") for p in sample) else 1
            seen: set[tuple[str, ...]] = set()
            for _ in range(fills):
                filled = _fill(model, intent, sample, rng)
                if filled and tuple(filled[0]) not in seen:
                    seen.add(tuple(filled[0]))
                    out.append(Example(intent.name, tuple(filled[0]), tuple(filled[1])))
    return out
