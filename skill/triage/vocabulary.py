"""The slot ids the interaction model resolves to (see DEVELOPERS.md), read from the
model's contract (skill/content/contract.json, written by `make models` from
infra/model_source/base.model), and the slots that carry findings. Handlers read resolved
ids only; a test checks the slots named here exist in the contract with these types.
"""

from __future__ import annotations

from skill.content import contract

# Type -> the ids its values resolve to, as the model source declares them.
SLOT_IDS: dict[str, set[str]] = {name: set(ids) for name, ids in contract.load().types.items()}

# Findings the protocol reasons about (protocol v2): SYMPTOM ids (stated or denied) and
# CONTEXT ids (risk factors and circumstances). Facts carry these names directly.
SYMPTOMS: frozenset[str] = frozenset(SLOT_IDS["SYMPTOM"])
CONTEXTS: frozenset[str] = frozenset(SLOT_IDS["CONTEXT"])

# Which slot (by name) carries which kind of fact in the statement intents.
FACT_SLOTS: dict[str, str] = {
    "subject": "subject",
    "location": "location",
    "side": "side",
    "onset": "onset",
    "trigger": "trigger",
}
SYMPTOM_SLOTS: tuple[str, ...] = ("symptom", "other_symptom", "third_symptom")
DENIED_SLOTS: tuple[str, ...] = ("denied", "other_denied")
NORMAL_SLOT = "fine"  # a reassurance ("I can breathe fine"): the id is the denied symptom
CONTEXT_SLOT = "context"
