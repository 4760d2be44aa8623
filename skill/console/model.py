"""The interaction model as the matcher needs it: tokenised samples, slot types and a
phrase index of every custom value name and synonym, built once per locale."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from skill.console.builtins import BUILT_IN_PHRASES
from skill.console.text import normalise

MODEL_DIR = (
    Path(__file__).resolve().parents[2] / "interaction_model" / "interactionModels" / "custom"
)
FALLBACK = "AMAZON.FallbackIntent"
_SLOT = re.compile(r"(\{\w+\})")


@dataclass(frozen=True)
class Value:
    """One entity-resolution answer: the canonical name and the id handlers read."""

    id: str
    name: str


@dataclass
class Intent:
    name: str
    slots: list[tuple[str, str]]  # (slot name, slot type) in declared order
    samples: list[list[str]]  # tokens; a slot is "{name}"
    words: set[str] = field(default_factory=set)  # literal words of all samples
    multi: set[str] = field(default_factory=set)  # slots that take a list of values
    # Dialog.ElicitSlot: slot name -> its slot-level samples (tokens).
    slot_samples: dict[str, list[list[str]]] = field(default_factory=dict)

    def slot_type(self, name: str) -> str | None:
        return next((t for n, t in self.slots if n == name), None)


@dataclass
class Model:
    invocation: str
    intents: list[Intent]
    values: dict[str, dict[str, Value]]  # type -> heard phrase -> value
    dialog_intents: set[str]
    weights: dict[str, float] = field(default_factory=dict)  # word -> rarity across intents
    longest: dict[str, int] = field(default_factory=dict)  # type -> words in its longest phrase
    derived: dict[str, Any] = field(default_factory=dict)  # built on first use (sample tries)
    digest: str = ""  # sha256 of the model's JSON: what a trained NLU is cached by
    fallback_sensitivity: str = "LOW"  # modelConfiguration.fallbackIntentSensitivity.level

    def intent(self, name: str) -> Intent | None:
        return next((i for i in self.intents if i.name == name), None)

    def weight(self, word: str) -> float:
        return self.weights.get(word, math.log(len(self.intents) + 1))


def locales() -> list[str]:
    return sorted(p.stem for p in MODEL_DIR.glob("*.json"))


def sample_tokens(sample: str) -> list[str]:
    out: list[str] = []
    for part in _SLOT.split(sample):
        out += [part] if _SLOT.fullmatch(part) else normalise(part).split()
    return out


def build(data: dict[str, Any]) -> Model:
    """Read a model dict ({"interactionModel": {"languageModel": ...}})."""
    language = data["interactionModel"]["languageModel"]
    values: dict[str, dict[str, Value]] = {}
    for slot_type in language.get("types", []):
        table = values.setdefault(slot_type["name"], {})
        for entry in slot_type.get("values", []):
            name = entry["name"]["value"]
            value = Value(entry.get("id") or name, name)
            for phrase in [name, *entry["name"].get("synonyms", [])]:
                table.setdefault(normalise(phrase), value)  # first owner wins, like a build
    intents = []
    for raw in language.get("intents", []):
        samples = [sample_tokens(s) for s in raw.get("samples", [])]
        samples += [p.split() for p in BUILT_IN_PHRASES.get(raw["name"], ())]
        slots = [(s["name"], s["type"]) for s in raw.get("slots", [])]
        intent = Intent(raw["name"], slots, [s for s in samples if s])
        intent.words = {w for s in intent.samples for w in s if not w.startswith("{")}
        for s in raw.get("slots", []):
            if (s.get("multipleValues") or {}).get("enabled"):
                intent.multi.add(s["name"])
            if s.get("samples"):
                intent.slot_samples[s["name"]] = [sample_tokens(x) for x in s["samples"]]
        intents.append(intent)
    dialog = data["interactionModel"].get("dialog", {}).get("intents", [])
    model = Model(
        normalise(language.get("invocationName", "")), intents, values, {d["name"] for d in dialog}
    )
    model.digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    config = language.get("modelConfiguration") or {}
    model.fallback_sensitivity = (config.get("fallbackIntentSensitivity") or {}).get("level", "LOW")
    model.longest = {t: max((len(p.split()) for p in v), default=0) for t, v in values.items()}
    # A word found in few intents says more about the intent than "my" or "the" does.
    for word in {w for i in intents for w in i.words}:
        owners = sum(word in i.words for i in intents)
        model.weights[word] = math.log((len(intents) + 1) / owners)
    return model


@lru_cache(maxsize=8)
def load(locale: str = "en-US") -> Model:
    path = MODEL_DIR / f"{locale}.json"
    return build(json.loads(path.read_text(encoding="utf-8")))


def load_path(path: str | Path) -> Model:
    return build(json.loads(Path(path).read_text(encoding="utf-8")))
