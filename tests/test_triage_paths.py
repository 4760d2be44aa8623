"""Walk every path of the triage protocol, from nothing said and from volunteered facts.

Proves: every path ends at an outcome within the protocol's max_questions and asks no
question twice; the emergency checks come first; any red-flag "yes" or "I don't know"
ends at emergency or urgent, and an emergency check answered so ends at emergency; a
denied finding answers its question; every rule, derivation, question and family is
reached and cites its source; wording and bounds are protocol data.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.triage.engine import (
    DISPOSITIONS,
    Outcome,
    Question,
    family_of,
    holds,
    load_protocol,
    next_step,
    picture,
)
from skill.triage.vocabulary import CONTEXTS, SYMPTOMS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "infra"))
import protocol_walks
from protocol_walks import OPENINGS, RULE_OPENINGS, V2_SLOT_IDS, walk

PROTOCOL = load_protocol()
MAX_QUESTIONS = PROTOCOL.max_questions  # protocol data (limits), like every clinical bound
QUESTIONS = PROTOCOL.questions
# The emergency-level checks: a "yes" to any of them is an emergency on its own.
EMERGENCY_CHECKS = {
    qid for qid in QUESTIONS
    if any(f["disposition"] == "emergency" and f["when"] == {"caution": qid}
           for f in PROTOCOL.raw["red_flags"])
}
def red_flag_answered(facts: dict) -> bool:
    """A red-flag question answered (or derived) yes or don't know. Taking a statin is a
    red flag only for unexplained muscle pain (item 21), which is where it is asked."""
    seen = picture(facts).facts
    unexplained = holds({"ref": "unexplained_muscle_pain"}, seen, PROTOCOL)
    return any(QUESTIONS[q].get("red_flag") and seen.get(q) in ("yes", "unknown")
               and (q != "statin" or unexplained)
               for q in QUESTIONS if q in seen)


ALL_PATHS = list(walk({}))
VOLUNTEERED_PATHS = [path for opening in OPENINGS for path in walk(opening)]


def test_the_protocol_has_many_paths_and_every_disposition_is_reachable():
    assert len(ALL_PATHS) > 300
    reached = {outcome.disposition for _, _, outcome in ALL_PATHS}
    assert reached == set(DISPOSITIONS)


def test_every_path_reaches_an_outcome_within_the_question_limit():
    longest = max(len(asked) for asked, _, _ in ALL_PATHS + VOLUNTEERED_PATHS)
    assert longest <= MAX_QUESTIONS, longest


def test_the_emergency_checks_come_before_anything_else():
    for asked, _, _ in ALL_PATHS:
        assert asked[:2] == ("pe_signs", "limb_threat")[: len(asked[:2])]


def test_any_red_flag_answer_ends_at_emergency_or_urgent():
    for asked, facts, outcome in ALL_PATHS + VOLUNTEERED_PATHS:
        if red_flag_answered(facts):
            assert outcome.disposition in ("emergency", "urgent"), (asked, facts, outcome)


def test_an_emergency_check_answered_yes_or_dont_know_ends_at_emergency():
    for asked, facts, outcome in ALL_PATHS + VOLUNTEERED_PATHS:
        if any(facts.get(q) in ("yes", "unknown") for q in EMERGENCY_CHECKS if q in asked):
            assert outcome.disposition == "emergency", (asked, facts, outcome)


def test_self_care_never_follows_a_red_flag():
    for _, facts, outcome in ALL_PATHS + VOLUNTEERED_PATHS:
        if outcome.disposition == "self_care":
            assert not red_flag_answered(facts)


def test_every_question_every_family_and_every_rule_is_reached():
    paths = ALL_PATHS + VOLUNTEERED_PATHS
    asked = {q for a, _, _ in paths for q in a}
    assert asked == set(QUESTIONS), set(QUESTIONS) - asked
    reasons = {o.reason for _, _, o in paths}
    families = {f["id"] for f in PROTOCOL.raw["families"]}
    assert families <= reasons, families - reasons


def answer_no(facts: dict) -> Outcome:
    return protocol_walks.answer_no(facts, MAX_QUESTIONS)[1]


@pytest.mark.parametrize("rule", [f["id"] for f in PROTOCOL.raw["red_flags"]])
def test_every_red_flag_rule_is_reached_from_what_a_person_says(rule):
    outcome = answer_no(RULE_OPENINGS[rule])
    flag = next(f for f in PROTOCOL.raw["red_flags"] if f["id"] == rule)
    assert (outcome.reason, outcome.disposition) == (rule, flag["disposition"])


def test_an_intensity_word_alone_is_never_an_emergency():
    for trigger in ("exercise", "walking", "injury", "sitting", "night"):
        outcome = answer_no({"severe": "yes", "trigger": trigger, "onset": "gradual"})
        assert outcome.disposition != "emergency", trigger


def test_a_denied_finding_answers_its_question():
    facts = {"swollen": "no", "hot_red": "no"}
    assert picture(facts).facts["dvt_signs"] == "no"
    step = next_step({**facts, "pe_signs": "no", "limb_threat": "no", "location": "calf",
                      "trigger": "exercise", "onset": "gradual"})
    assert not (isinstance(step, Question) and step.id == "dvt_signs")


def test_a_partly_denied_question_still_asks_about_the_rest():
    step = next_step({"breathless": "no"})
    assert isinstance(step, Question) and step.id == "pe_signs"
    assert step.denied == ("breathless",)


def test_a_volunteered_yes_wins_over_an_earlier_no():
    assert next_step({"dvt_signs": "no", "breathless": "yes"}).disposition == "emergency"


def test_swelling_after_an_injury_asks_about_pressure_not_a_clot():
    step = next_step({"trigger": "injury", "swollen": "yes", "pe_signs": "no",
                      "limb_threat": "no", "location": "calf", "injury_signs": "no"})
    assert isinstance(step, Question) and step.id == "compartment"
    outcome = answer_no({"trigger": "injury", "swollen": "yes", "location": "calf"})
    assert outcome.reason == "strain"


def test_walking_pain_is_circulation_whatever_it_is_called():
    outcome = answer_no({"trigger": "walking", "cramp": "yes", "eases_rest": "yes",
                         "smoker": "yes", "location": "calf"})
    assert (outcome.disposition, outcome.reason) == ("doctor", "circulation")


def test_better_when_moving_is_not_walking_pain():
    facts = {"better_moving": "yes", "sore_stiff": "yes", "location": "calf"}
    assert family_of(facts) == "stiffness"
    assert answer_no(facts).disposition == "self_care"


@pytest.mark.parametrize("family, days, persisting", [
    ("strain", 14, False), ("strain", 14.5, True), ("doms", 5, False), ("doms", 6, True),
    ("sciatica", 20, False), ("sciatica", 21, True),
])
def test_durations_against_each_familys_limit(family, days, persisting):
    opening = {"strain": {"trigger": "injury"}, "doms": {"trigger": "exercise",
               "onset": "gradual"}, "sciatica": {"location": "buttock_down"}}[family]
    facts = picture({**opening, "duration_days": days}).facts
    assert (facts.get("persisting") == "yes") == persisting


def test_every_rule_derivation_question_and_family_cites_clinical_md():
    item = re.compile(r"item|\(b\)|article", re.I)
    for kind in ("red_flags", "derive", "families"):
        for entry in PROTOCOL.raw[kind]:
            assert item.search(entry.get("source", "")), (kind, entry)
    for qid, spec in QUESTIONS.items():
        if spec.get("red_flag") or spec.get("covers"):
            assert item.search(spec.get("source", "")), qid


def test_covers_name_real_findings():
    for qid, spec in QUESTIONS.items():
        for finding in spec.get("covers", ()):
            answers = {"persisting", "cramp_frequent"}
            assert finding in SYMPTOMS | CONTEXTS | answers, qid


findings = st.sampled_from(sorted(SYMPTOMS | CONTEXTS))
volunteered = st.fixed_dictionaries(
    {},
    optional={
        "location": st.sampled_from(sorted(V2_SLOT_IDS["LEG_LOCATION"])),
        "side": st.sampled_from(sorted(V2_SLOT_IDS["LEG_SIDE"])),
        "trigger": st.sampled_from(sorted(V2_SLOT_IDS["PAIN_TRIGGER"])),
        "onset": st.sampled_from(sorted(V2_SLOT_IDS["PAIN_ONSET"])),
        "duration_days": st.floats(min_value=0, max_value=400),
    },
)


@settings(max_examples=300, deadline=None)
@given(volunteered, st.lists(findings, max_size=4), st.lists(findings, max_size=3))
def test_volunteered_facts_never_lengthen_the_path_or_hide_a_red_flag(start, said, denied):
    facts = dict(start)
    for finding in denied:
        facts[finding] = "no"
    for finding in said:
        facts[finding] = "yes"
    for asked, final, outcome in walk(facts):
        assert len(asked) <= MAX_QUESTIONS
        if red_flag_answered(final):
            assert outcome.disposition in ("emergency", "urgent"), (final, outcome)


# --- an opening not understood: the questions alone must find every emergency -----------

def answered_from(truth: set[str], slots: dict[str, str]) -> Outcome:
    """Walk from a lost opening, answering each yes/no question yes when it covers a
    finding that is true, and each slot question from `slots` (else "not sure")."""
    facts: dict[str, str] = {"opening": "unheard"}
    for _ in range(MAX_QUESTIONS + 1):
        step = next_step(facts)
        if isinstance(step, Outcome):
            return step
        if step.answers == "yes_no":
            facts[step.id] = "yes" if truth & set(PROTOCOL.covers(step.id)) else "no"
        else:
            facts[step.id] = slots.get(step.id, "unknown")
    raise AssertionError("no outcome")


@pytest.mark.parametrize("truth, slots", [
    ({"breathless"}, {"location": "calf", "trigger": "none"}),
    ({"cold_pale"}, {"location": "calf", "trigger": "none"}),
    ({"wound", "dark_patches", "blisters"}, {"location": "calf", "trigger": "injury"}),
    ({"wound", "confused"}, {"location": "calf", "trigger": "injury"}),
    ({"wound", "very_unwell"}, {"location": "calf", "trigger": "none"}),
    ({"bleeding", "bleeding_uncontrolled"}, {"location": "calf", "trigger": "none"}),
    ({"saddle_numb"}, {"location": "buttock_down", "trigger": "none"}),
    ({"both_legs_numb"}, {"location": "whole_leg", "trigger": "none", "onset": "gradual"}),
    ({"bladder_bowel"}, {"location": "thigh", "trigger": "none", "onset": "gradual"}),
    ({"deformed"}, {"location": "ankle_foot", "trigger": "injury"}),
    ({"numb_tingling"}, {"location": "calf", "trigger": "injury"}),
    ({"out_of_proportion"}, {"location": "calf", "trigger": "injury"}),
    ({"severe"}, {"location": "side_of_leg", "trigger": "none", "onset": "sudden"}),
    ({"severe"}, {"location": "thigh", "trigger": "unknown", "onset": "sudden"}),
], ids=lambda v: "+".join(sorted(v)) if isinstance(v, set) else v.get("location"))
def test_an_emergency_said_in_a_lost_opening_is_still_found_by_the_questions(truth, slots):
    assert answered_from(truth, slots).disposition == "emergency"


@pytest.mark.parametrize("truth, slots, level", [
    ({"bleeding", "varicose"}, {"location": "calf", "trigger": "none"}, "urgent"),  # item 22
    ({"varicose", "hot_red"}, {"location": "calf", "trigger": "none"}, "urgent"),  # item 22
    ({"varicose"}, {"location": "whole_leg", "trigger": "standing"}, "doctor"),  # item 23
    ({"long_cramp"}, {"location": "calf", "trigger": "none", "onset": "sudden"}, "urgent"),
    ({"long_cramp"}, {"location": "thigh", "trigger": "none", "onset": "unknown"}, "urgent"),
], ids=["vein-bled", "vein-red-hot", "heavy-varicose", "cramp-calf", "cramp-thigh"])
def test_what_only_the_opening_would_say_is_asked_when_it_was_lost(truth, slots, level):
    assert answered_from(truth, slots).disposition == level


def test_a_lost_opening_with_nothing_wrong_asks_two_more_questions_only():
    quiet = answered_from(set(), {"location": "calf", "trigger": "exercise", "onset": "gradual"})
    assert quiet.disposition == "self_care"
    after_checks = next_step({"opening": "unheard", "pe_signs": "no", "limb_threat": "no"})
    assert after_checks.id == "wound_check"
    understood = next_step({"pe_signs": "no", "limb_threat": "no"})
    assert understood.id != "wound_check", "asked only when the opening was lost"
    checked = {"opening": "unheard", "pe_signs": "no", "limb_threat": "no", "wound_check": "no"}
    assert next_step(checked).id == "location"
    assert next_step({**checked, "location": "calf"}).id == "varicose_check"
    assert next_step({**checked, "location": "buttock_down"}).id != "varicose_check"


# --- wording and bounds are protocol data, not engine branches ------------------------------

def test_a_stated_duration_asks_only_about_worsening_and_sciatica_also_about_activities():
    checked = {"pe_signs": "no", "limb_threat": "no", "duration_days": 3}
    strain = answer_steps({**checked, "trigger": "injury", "location": "calf"}, "persisting")
    assert strain.variant == "worse"
    sciatica = answer_steps({**checked, "location": "buttock_down"}, "persisting")
    assert (sciatica.family, sciatica.variant) == ("sciatica", "worse_activities")
    without = answer_steps({"pe_signs": "no", "limb_threat": "no", "trigger": "injury",
                            "location": "calf"}, "persisting")
    assert without.variant is None


def test_a_cast_asks_about_pressure_under_the_cast():
    step = answer_steps({"cast": "yes", "location": "calf"}, "compartment")
    assert step.variant == "cast"
    assert answer_steps({"trigger": "injury", "location": "calf"}, "compartment").variant is None


def test_the_engine_takes_its_bounds_and_wording_from_the_protocol():
    spec = PROTOCOL.raw
    assert spec["limits"]["max_questions"] == MAX_QUESTIONS
    assert spec["questions"]["compartment"]["variant_when"] == {"cast": {"is": {"cast": "yes"}}}
    unexplained = next(f for f in spec["families"] if f["id"] == "unexplained")
    assert unexplained["cause"] is None
    assert answer_no({"location": "calf", "trigger": "none", "onset": "gradual"}).cause is None


def answer_steps(facts: dict, wanted: str) -> Question:
    """Answer "no" (or "not sure") until the question `wanted` is asked, and return it."""
    facts = dict(facts)
    for _ in range(MAX_QUESTIONS + 1):
        step = next_step(facts)
        assert isinstance(step, Question), f"{wanted} never asked: {step}"
        if step.id == wanted:
            return step
        facts[step.id] = "no" if step.answers == "yes_no" else "unknown"
    raise AssertionError(wanted)
