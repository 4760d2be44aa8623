"""Each locale's interaction model within the limits a model build enforces, with room to
grow: a model past them does not build, and the skill cannot be deployed.

The figures are those of the ASK interaction-model limits table (docs/alexa-platform.md,
section 8a), the 50,000 custom slot values from the older model reference; the others
were not confirmed from a stored copy of the table, so treat the headroom as a warning
sign, not a promise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "interaction_model" / "interactionModels" / "custom"
LOCALE_FILES = sorted(MODEL_DIR.glob("*.json"))

MAX_INTENTS = 250  # custom and built-in intents together
MAX_SLOT_VALUES = 50_000  # custom slot values (names and synonyms) across all types
MAX_SLOT_VALUE_CHARS = 140  # one value or synonym
MAX_SAMPLE_CHARS = 200  # one sample utterance
MAX_MODEL_BYTES = 1_500_000  # the locale's model JSON as uploaded


def _language(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


@pytest.fixture(params=LOCALE_FILES, ids=[p.stem for p in LOCALE_FILES])
def model(request) -> tuple[Path, dict]:
    return request.param, _language(request.param)


def test_every_locale_is_checked():
    assert {p.stem for p in LOCALE_FILES} == {"en-US", "en-CA", "en-GB", "en-AU", "en-IN"}


def test_intent_count(model):
    _, lm = model
    assert len(lm["intents"]) <= MAX_INTENTS


def test_custom_slot_values_in_all(model):
    _, lm = model
    count = sum(1 + len(v["name"].get("synonyms", [])) for t in lm["types"] for v in t["values"])
    assert count <= MAX_SLOT_VALUES


def test_slot_value_length(model):
    _, lm = model
    long = [p for t in lm["types"] for v in t["values"]
            for p in (v["name"]["value"], *v["name"].get("synonyms", []))
            if len(p) > MAX_SLOT_VALUE_CHARS]  # fmt: skip
    assert not long


def test_sample_length(model):
    _, lm = model
    samples = [s for i in lm["intents"] for s in i.get("samples", [])]
    slots = [slot for i in lm["intents"] for slot in i.get("slots", [])]
    samples += [s for slot in slots for s in slot.get("samples", [])]
    assert not [s for s in samples if len(s) > MAX_SAMPLE_CHARS]


def test_model_size(model):
    path, _ = model
    assert path.stat().st_size <= MAX_MODEL_BYTES, f"{path.name}: {path.stat().st_size} bytes"


def test_the_limits_are_checked_with_a_model_past_them():
    """The checks can fail: a model one past each limit is caught by the same rules."""
    long_value = {"name": {"value": "y" * (MAX_SLOT_VALUE_CHARS + 1)}}
    lm = {"intents": [{"name": f"I{n}Intent", "samples": ["x" * (MAX_SAMPLE_CHARS + 1)]}
                      for n in range(MAX_INTENTS + 1)],
          "types": [{"name": "T", "values": [long_value]}]}  # fmt: skip
    with pytest.raises(AssertionError):
        test_intent_count((None, lm))
    with pytest.raises(AssertionError):
        test_slot_value_length((None, lm))
    with pytest.raises(AssertionError):
        test_sample_length((None, lm))
