"""The interaction model's contract, as the code reads it: intents → slots → types → value
ids. `contract.json` is written by `make models` (infra/build_models.py) from
infra/model_source/base.model, so the model source is the one place an intent, a slot or
an id is named; the vocabulary, the console, the tests and DEVELOPERS.md follow it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

PATH = Path(__file__).with_name("contract.json")
MULTIPLE = "*"  # a slot type ending in it takes a list where the locale allows lists


class Contract(NamedTuple):
    intents: dict[str, dict[str, str]]  # custom intent -> slot -> type ("TYPE*": a list)
    built_in_intents: tuple[str, ...]
    types: dict[str, frozenset[str]]  # custom slot type -> its value ids
    elicited: tuple[str, ...]  # "Intent.slot" the skill elicits itself
    multiple_values: tuple[str, ...]  # locales with multiple-value slots

    def slot_type(self, intent: str, slot: str) -> str | None:
        """The slot's type without the list mark; None if the intent has no such slot."""
        declared = self.intents.get(intent, {}).get(slot)
        return declared.rstrip(MULTIPLE) if declared else None

    def slot_types(self) -> dict[str, str]:
        """Slot name -> custom type, for every slot of a custom type. A slot name means one
        type in every intent (the build refuses otherwise)."""
        found: dict[str, str] = {}
        for slots in self.intents.values():
            for slot, declared in slots.items():
                slot_type = declared.rstrip(MULTIPLE)
                if slot_type in self.types:
                    found.setdefault(slot, slot_type)
        return found


@lru_cache(maxsize=1)
def load() -> Contract:
    raw = json.loads(PATH.read_text(encoding="utf-8"))
    return Contract(
        intents={name: dict(slots) for name, slots in raw["intents"].items()},
        built_in_intents=tuple(raw["built_in_intents"]),
        types={name: frozenset(ids) for name, ids in raw["types"].items()},
        elicited=tuple(raw["elicited"]),
        multiple_values=tuple(raw["multiple_values"]),
    )
