"""The slot ids the interaction model resolves to (see DEVELOPERS.md): the contract
between interaction_model/ and the code. Handlers read resolved ids only; the model test
checks every locale's types equal these, id for id.
"""

from __future__ import annotations

SLOT_IDS: dict[str, set[str]] = {
    "LEG_LOCATION": {
        "ankle_foot",
        "back_of_knee",
        "buttock_down",
        "calf",
        "hamstring",
        "heel",
        "side_of_leg",
        "thigh",
        "whole_leg",
    },
    "LEG_SIDE": {"both", "left", "one", "right"},
    "PAIN_ONSET": {"gradual", "sudden"},
    "PAIN_TRIGGER": {
        "exercise",
        "injury",
        "night",
        "none",
        "sitting",
        "standing",
        "travel",
        "walking",
    },
    # findings, stated or denied
    "SYMPTOM": {
        "better_moving",
        "bladder_bowel",
        "bleeding",
        "bleeding_uncontrolled",
        "blisters",
        "both_legs_numb",
        "breathless",
        "bruising",
        "cant_bear_weight",
        "cant_move",
        "cant_tiptoe",
        "chest_pain",
        "clammy",
        "cold_pale",
        "confused",
        "coughing_blood",
        "cramp",
        "dark_patches",
        "deformed",
        "discoloured",
        "eases_rest",
        "fainting",
        "fever",
        "heavy",
        "hot_red",
        "long_cramp",
        "not_improving",
        "numb_tingling",
        "out_of_proportion",
        "pop",
        "saddle_numb",
        "stops_activities",
        "severe",
        "shooting",
        "sore_stiff",
        "spreading",
        "swollen",
        "tight_shiny",
        "very_unwell",
        "weak_leg",
        "worsening",
        "wound",
    },
    # a reassurance; the id is the SYMPTOM it denies
    "NORMAL_SIGN": {
        "breathless",
        "cant_bear_weight",
        "cant_move",
        "cant_tiptoe",
        "chest_pain",
        "cold_pale",
        "swollen",
    },
    # risk factors and circumstances
    "CONTEXT": {
        "bed_rest",
        "blood_thinner",
        "cancer",
        "cast",
        "diabetes",
        "hormones",
        "immunosuppressed",
        "older",
        "pregnant",
        "previous_clot",
        "recent_surgery",
        "smoker",
        "statin",
        "varicose",
    },
    # 'more than two weeks'
    "COMPARISON": {"about", "over", "under"},
    # 'since Christmas'
    "TIME_ANCHOR": {
        "boxing_day",
        "christmas",
        "diwali",
        "easter",
        "last_month",
        "last_night",
        "last_week",
        "new_year",
        "thanksgiving",
        "this_morning",
        "weekend",
        "yesterday",
    },
    # corrections: 'I meant no'
    "ANSWER": {"no", "unknown", "yes"},
    # menu choices: 'the first one'
    "ORDINAL": {"any", "fifth", "first", "fourth", "last", "second", "third"},
    # 'can I take ibuprofen'
    "MEDICINE": {"aspirin", "ibuprofen", "nsaid", "other", "painkiller", "paracetamol"},
    # 'what is sciatica'
    "CONDITION": {
        "achilles",
        "calf_strain",
        "cellulitis",
        "compartment",
        "cramp",
        "doms",
        "dvt",
        "hamstring_strain",
        "pad",
        "piriformis",
        "sciatica",
        "strain",
    },
    "PERSON": {
        "brother",
        "daughter",
        "father",
        "friend",
        "grandfather",
        "grandmother",
        "husband",
        "mother",
        "other",
        "partner",
        "self",
        "sister",
        "son",
        "wife",
    },
    "STRETCH": {"calf", "desk_routine", "hamstring", "nerve_flossing", "piriformis"},
}

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
