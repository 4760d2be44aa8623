"""Which facts a conversation can hold, and the values each may take: the one registry
that the protocol check (infra/protocol_check.py) and the session state
(skill.alexa.state, which drops anything else that comes back) both read.

A fact is a finding (a SYMPTOM or CONTEXT slot id), a question's answer, one of the slot
facts below, a number, or one of the few facts the conversation keeps about itself.
"""

from __future__ import annotations

import math
from functools import cache

from skill.triage.engine import HEARD, UNCHECKED, load_protocol
from skill.triage.vocabulary import CONTEXTS, SLOT_IDS, SYMPTOMS

YES_NO = frozenset({"yes", "no", "unknown"})
# Facts that are not findings or questions, with the values they take.
SLOT_FACTS: dict[str, frozenset[str]] = {
    "location": frozenset(SLOT_IDS["LEG_LOCATION"] | {"unknown"}),
    "side": frozenset(SLOT_IDS["LEG_SIDE"] | {"unknown"}),
    "trigger": frozenset(SLOT_IDS["PAIN_TRIGGER"] | {"unknown"}),
    "onset": frozenset(SLOT_IDS["PAIN_ONSET"] | {"unknown"}),
    "opening": frozenset({"unheard"}),  # the first thing said was not understood
    "duration_kind": frozenset({"since"}),  # "since last night": when it began, not how long
    # "Going down both legs" said in passing (side=both), asked about directly before the
    # both-legs emergency rests on it (skill.alexa.triage_flow.BOTH_SIDES).
    "both_sides": YES_NO | {"heard"},
}
NUMBERS = frozenset({"duration_days"})
# What the conversation keeps about itself: who it is about, the check-in's score, and
# that a warning sign came up in a check-in.
CONVERSATION_FACTS: dict[str, frozenset[str] | None] = {
    "subject": frozenset(SLOT_IDS["PERSON"]),
    "via": frozenset({"checkin"}),
    "pain_score": None,  # a number
}
# A finding or an answer: yes, no, unknown, heard in passing (not yet confirmed), or left
# unchecked after the ladder of misheard answers.
ANSWERS = YES_NO | {HEARD, UNCHECKED}
MAX_NUMBER = 1e6


@cache
def questions() -> dict[str, frozenset[str]]:
    """Each question's answers as a fact: the answers above, or a slot type's ids."""
    found = {}
    for qid, question in load_protocol().questions.items():
        kind = question.get("answers", "yes_no")
        found[qid] = ANSWERS | frozenset(SLOT_IDS.get(kind, ()))
    return found


def known(name: str) -> bool:
    """Whether a fact of this name can exist (any value)."""
    return (
        name in SYMPTOMS
        or name in CONTEXTS
        or name in SLOT_FACTS
        or name in NUMBERS
        or name in CONVERSATION_FACTS
        or name in questions()
    )


def allowed(name: object, value: object) -> bool:
    """Whether this fact, with this value, is one the skill could have stored."""
    if not isinstance(name, str) or not known(name):
        return False
    if isinstance(value, bool):
        return False
    if name in NUMBERS or name == "pain_score":
        return isinstance(value, int | float) and math.isfinite(value) and abs(value) <= MAX_NUMBER
    if not isinstance(value, str):
        return False
    values = SLOT_FACTS.get(name) or CONVERSATION_FACTS.get(name)
    if values is not None:
        return value in values
    return value in questions().get(name, ANSWERS)  # a question's answer, or a finding's
