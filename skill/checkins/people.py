"""Whose check-ins a question is about: "how is mom?" is answered from exactly the profiles
this account knows as "mom" (its own "mother" check-ins, and any "mother" someone shared
with it), never from somebody else's; with no one named, a choice between several people
is a question back ("your mom or your dad?"), not a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skill.checkins import records, sharing
from skill.checkins.sharing import Source
from skill.store.base import Store

SELF = "self"
# The PERSON slot's ids (DEVELOPERS.md), in the order a choice is offered.
PEOPLE = (
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
)


@dataclass(frozen=True)
class Found:
    """What to read (several sources when more than one account keeps that person), what
    to ask (`choices`: the people to choose between), or neither (nobody by that name)."""

    label: str | None
    sources: list[Source] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    unnamed: bool = False  # someone shared check-ins the viewer has not named yet


def known(store: Store, user: str, me: str) -> list[Source]:
    """Everyone this account may hear about: the speaker's own check-ins ("self"), the
    people the account checks in for, and what others shared with it. Other recognised
    voices of the same household are theirs, not the speaker's."""
    own = [
        Source(user, profile, SELF if profile == me else profile, own=True)
        for profile in sorted(records.profiles(store, user))
        if profile == me or not sharing.is_own_profile(profile)
    ]
    return own + sharing.shared_with_me(store, user)


def find(sources: list[Source], subject: str | None) -> Found:
    unnamed = any(s.label is None for s in sources)
    if subject in (None, SELF):
        mine = [s for s in sources if s.label == SELF]
        if mine or subject == SELF:
            return Found(SELF, mine)
        labels = sorted(
            {s.label for s in sources if s.label is not None},
            key=lambda label: (PEOPLE.index(label) if label in PEOPLE else len(PEOPLE), label),
        )
        if len(labels) == 1:
            return find(sources, labels[0])
        return Found(None, choices=labels, unnamed=unnamed and not labels)
    matching = [s for s in sources if s.label == subject]
    return Found(subject, matching, unnamed=unnamed and not matching)
