"""Walk every path of the triage protocol, from nothing said and from volunteered facts.

Proves: every path ends at an outcome within 8 questions, and any path on which a
red-flag question got a 'yes' or 'I don't know' ends at emergency or urgent.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.triage.engine import (
    DISPOSITIONS,
    MAX_QUESTIONS,
    Outcome,
    Question,
    load_protocol,
    next_step,
)
from skill.triage.vocabulary import SLOT_IDS

PROTOCOL = load_protocol()


def answers_for(question: Question) -> list[str]:
    if question.answers == "yes_no":
        return ["yes", "no", "unknown"]
    return [*sorted(SLOT_IDS[question.answers]), "unknown"]


def walk(facts: dict, asked: tuple[str, ...] = ()):
    """Yield (asked questions, red-flag answered yes/unknown?, outcome) for every path."""
    step = next_step(facts)
    if isinstance(step, Outcome):
        yield asked, facts, step
        return
    assert step.id not in asked, f"asked {step.id} twice on path {asked}"
    for value in answers_for(step):
        yield from walk({**facts, step.id: value}, (*asked, step.id))


def red_flag_answered(facts: dict) -> bool:
    return any(
        PROTOCOL.questions[q].get("red_flag") and facts.get(q) in ("yes", "unknown")
        for q in PROTOCOL.questions
    )


ALL_PATHS = list(walk({}))


def test_the_protocol_has_many_paths_and_every_disposition_is_reachable():
    assert len(ALL_PATHS) > 100
    reached = {outcome.disposition for _, _, outcome in ALL_PATHS}
    assert reached == set(DISPOSITIONS)


def test_every_path_reaches_an_outcome_within_eight_questions():
    longest = max(len(asked) for asked, _, _ in ALL_PATHS)
    assert longest <= MAX_QUESTIONS, longest


def test_red_flags_are_asked_before_any_other_question():
    for asked, _, _ in ALL_PATHS:
        assert asked[:3] == ("pe_signs", "limb_threat", "dvt_signs")[: len(asked[:3])]


def test_any_red_flag_answer_ends_at_emergency_or_urgent():
    flagged = [(asked, o) for asked, facts, o in ALL_PATHS if red_flag_answered(facts)]
    assert flagged
    for asked, outcome in flagged:
        assert outcome.disposition in ("emergency", "urgent"), (asked, outcome)


def test_self_care_never_follows_a_red_flag():
    for _, facts, outcome in ALL_PATHS:
        if outcome.disposition == "self_care":
            assert not red_flag_answered(facts)


def test_every_cause_family_is_reached():
    reasons = {o.reason for _, _, o in ALL_PATHS}
    for family in ("strain", "doms", "sciatica", "circulation", "cramps", "sitting"):
        assert family in reasons


symptom_ids = st.sampled_from(sorted(SLOT_IDS["SYMPTOM"]))
volunteered = st.fixed_dictionaries(
    {},
    optional={
        "location": st.sampled_from(sorted(SLOT_IDS["LEG_LOCATION"])),
        "side": st.sampled_from(sorted(SLOT_IDS["LEG_SIDE"])),
        "trigger": st.sampled_from(sorted(SLOT_IDS["PAIN_TRIGGER"])),
        "onset": st.sampled_from(sorted(SLOT_IDS["PAIN_ONSET"])),
        "duration_days": st.integers(min_value=0, max_value=400),
        "pain_score": st.integers(min_value=0, max_value=10),
    },
)


@settings(max_examples=300, deadline=None)
@given(volunteered, st.lists(symptom_ids, max_size=3))
def test_volunteered_facts_never_lengthen_the_path_or_hide_a_red_flag(start, symptoms):
    facts = dict(start)
    for symptom in symptoms:
        facts.update(PROTOCOL.symptom_facts(symptom))
    for asked, final, outcome in walk(facts):
        assert len(asked) <= MAX_QUESTIONS
        if red_flag_answered(final):
            assert outcome.disposition in ("emergency", "urgent")
