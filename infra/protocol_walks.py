"""Walking the triage protocol: every answer to every question, from nothing said or from
what people volunteer. tests/test_triage_paths.py proves the paths safe; the review sheet
(infra/protocol_review.py) prints them for a clinician."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from skill.triage.engine import Outcome, Protocol, Question, next_step
from skill.triage.vocabulary import SLOT_IDS

Facts = dict[str, Any]
Path = tuple[tuple[str, ...], Facts, Outcome]

# The answers a slot question can get (the slot's ids, and "not sure").
V2_SLOT_IDS = {
    **SLOT_IDS,
    "LEG_LOCATION": SLOT_IDS["LEG_LOCATION"] | {"thigh", "ankle_foot", "whole_leg"},
    "PAIN_TRIGGER": SLOT_IDS["PAIN_TRIGGER"] | {"standing"},
}

# Openings people volunteer, one per family and context (the walk then answers the rest).
OPENINGS: list[Facts] = [
    {"location": "hamstring", "trigger": "exercise", "onset": "sudden"},
    {"location": "calf", "trigger": "exercise", "onset": "gradual", "sore_stiff": "yes"},
    {"location": "calf", "trigger": "injury", "swollen": "yes", "bruising": "yes"},
    {"location": "calf", "cast": "yes"},
    {"location": "buttock_down", "shooting": "yes"},
    {"location": "calf", "trigger": "walking", "cramp": "yes", "smoker": "yes"},
    {"location": "calf", "trigger": "night", "cramp": "yes"},
    {"location": "hamstring", "trigger": "sitting"},
    {"location": "ankle_foot", "side": "both", "swollen": "yes", "trigger": "travel"},
    {"location": "calf", "varicose": "yes", "heavy": "yes"},
    {"location": "calf", "varicose": "yes", "bleeding": "yes"},
    {"location": "calf", "trigger": "exercise", "eases_rest": "yes", "numb_tingling": "yes"},
    {"location": "back_of_knee", "better_moving": "yes", "sore_stiff": "yes"},
    {"location": "whole_leg", "side": "both", "sore_stiff": "yes", "trigger": "none"},
    {"location": "calf", "wound": "yes", "hot_red": "yes"},
    {"location": "calf", "onset": "sudden", "trigger": "none", "severe": "yes"},
    {"location": "thigh", "statin": "yes", "trigger": "none"},
    {"opening": "unheard"},  # the first thing said was not understood
]

# Each red flag from the smallest thing a person might say (then "no" to the rest).
RULE_OPENINGS: dict[str, Facts] = {
    "pe": {"breathless": "yes"},
    "limb": {"cold_pale": "yes"},
    "limb_move": {"cant_move": "yes"},
    "deformed": {"deformed": "yes"},
    "injured_numb": {"trigger": "injury", "numb_tingling": "yes"},
    "compartment": {"cast": "yes", "numb_tingling": "yes"},
    "cauda_equina": {"bladder_bowel": "yes"},
    "both_legs_nerve": {"side": "both", "both_sides": "yes", "shooting": "yes"},
    "necrotising": {"wound": "yes", "dark_patches": "yes"},
    "sepsis": {"fever": "yes", "clammy": "yes"},
    "sudden_severe": {"onset": "sudden", "trigger": "none", "severe": "yes"},
    "skin_infection": {"hot_red": "yes", "fever": "yes"},
    "varicose_vein": {"varicose": "yes", "bleeding": "yes"},
    "vein_bleeding": {"varicose": "yes", "bleeding": "yes", "bleeding_uncontrolled": "yes"},
    "dvt": {"swollen": "yes"},
    "tear": {"pop": "yes"},
    "nerve_weakness": {"weak_leg": "yes"},
    "long_cramp": {"long_cramp": "yes"},
    "statin": {"statin": "yes", "trigger": "none"},
}


def answers_for(question: Question) -> list[str]:
    if question.answers == "yes_no":
        return ["yes", "no", "unknown"]
    return [*sorted(V2_SLOT_IDS[question.answers]), "unknown"]


def step_of(facts: Facts, protocol: Protocol | None) -> Question | Outcome:
    return next_step(facts) if protocol is None else next_step(facts, protocol)


def walk(
    facts: Facts, asked: tuple[str, ...] = (), protocol: Protocol | None = None
) -> Iterator[Path]:
    """Yield (asked questions, final facts, outcome) for every path from `facts`."""
    step = step_of(facts, protocol)
    if isinstance(step, Outcome):
        yield asked, facts, step
        return
    assert step.id not in asked, f"asked {step.id} twice on path {asked}"
    assert step.id not in facts, f"asked {step.id}, already known, on path {asked}"
    for value in answers_for(step):
        yield from walk({**facts, step.id: value}, (*asked, step.id), protocol)


def answer_no(
    facts: Facts, limit: int, protocol: Protocol | None = None
) -> tuple[list[Question], Outcome]:
    """ "No" to every yes/no question and "not sure" to the rest: the questions and outcome."""
    facts = dict(facts)
    asked: list[Question] = []
    for _ in range(limit + 1):
        step = step_of(facts, protocol)
        if isinstance(step, Outcome):
            return asked, step
        asked.append(step)
        facts[step.id] = "no" if step.answers == "yes_no" else "unknown"
    raise AssertionError("no outcome")
