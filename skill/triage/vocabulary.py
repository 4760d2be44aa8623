"""The slot ids the interaction model resolves to (see DEVELOPERS.md).

Handlers read resolved ids only; the model test checks every locale's types against this.
"""

from __future__ import annotations

SLOT_IDS: dict[str, set[str]] = {
    "LEG_LOCATION": {"calf", "hamstring", "back_of_knee", "side_of_leg", "buttock_down", "heel"},
    "LEG_SIDE": {"left", "right", "both"},
    "PAIN_ONSET": {"sudden", "gradual"},
    "PAIN_TRIGGER": {"exercise", "injury", "sitting", "walking", "night", "travel", "none"},
    "PERSON": {
        "self",
        "mother",
        "father",
        "wife",
        "husband",
        "partner",
        "son",
        "daughter",
        "grandmother",
        "grandfather",
        "friend",
        "other",
    },
    "STRETCH": {"hamstring", "calf", "piriformis", "nerve_flossing", "desk_routine"},
    "SYMPTOM": {
        "breathless",
        "chest_pain",
        "coughing_blood",
        "fainting",
        "cold_pale",
        "cant_move",
        "saddle_numb",
        "bladder_bowel",
        "both_legs_numb",
        "swollen",
        "hot_red",
        "severe",
        "pop",
        "cant_bear_weight",
        "cant_tiptoe",
        "weak_leg",
        "long_cramp",
        "fever",
        "confused",
        "wound",
        "numb_tingling",
        "shooting",
        "cramp",
        "sore_stiff",
        "bruising",
    },
}

# Findings the protocol reasons about (protocol v2): SYMPTOM ids (stated or denied) and
# CONTEXT ids (risk factors and circumstances). Facts carry these names directly.
SYMPTOMS: frozenset[str] = frozenset(
    {
        *("breathless", "chest_pain", "coughing_blood", "fainting"),
        *("cold_pale", "cant_move", "deformed"),
        *("saddle_numb", "bladder_bowel", "both_legs_numb"),
        *("swollen", "hot_red", "tight_shiny", "out_of_proportion", "severe"),
        *("pop", "cant_bear_weight", "cant_tiptoe", "bruising"),
        *("weak_leg", "numb_tingling", "shooting", "cramp", "long_cramp"),
        *("fever", "confused", "wound", "dark_patches", "blisters", "very_unwell"),
        *("spreading", "clammy", "sore_stiff", "eases_rest", "better_moving", "heavy"),
        *("bleeding", "bleeding_uncontrolled", "discoloured"),
    }
)
CONTEXTS: frozenset[str] = frozenset(
    {
        *("cast", "statin", "varicose", "smoker", "diabetes", "immunosuppressed"),
        *("pregnant", "recent_surgery", "bed_rest", "cancer", "hormones"),
        *("previous_clot", "blood_thinner", "older"),
    }
)

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
