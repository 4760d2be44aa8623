"""Speak briefly: the first reply of every outcome, in every locale and for every kind of
speaker, is at most 60 words, with the action first; the details come on request."""

from __future__ import annotations

import re

import pytest

from skill.content import for_locale, supported_locales
from skill.speech.render import offer_text, render_outcome
from skill.speech.ssml import to_text
from skill.triage.engine import Outcome, load_protocol

MAX_WORDS = 60
PROTOCOL = load_protocol()
SUBJECTS = [None, "mother", "brother", "other"]


def outcomes() -> list[Outcome]:
    """Every red flag, and every family at every level the protocol walk reaches."""
    from test_triage_paths import ALL_PATHS, VOLUNTEERED_PATHS

    found = {(f["disposition"], f["id"]) for f in PROTOCOL.raw["red_flags"]}
    found |= {(o.disposition, o.reason) for _, _, o in ALL_PATHS + VOLUNTEERED_PATHS}
    return [Outcome(level, reason, reason) for level, reason in sorted(found)]


def first_reply(locale: str, outcome: Outcome, subject: str | None) -> str:
    c = for_locale(locale)
    rendered = render_outcome(c, outcome, {"subject": subject} if subject else {})
    return to_text(f"{rendered.speech} {offer_text(c, rendered.offer, subject)}")


@pytest.mark.parametrize("locale", supported_locales())
def test_every_first_reply_is_at_most_sixty_words(locale):
    too_long = []
    for outcome in outcomes():
        for subject in SUBJECTS:
            words = len(first_reply(locale, outcome, subject).split())
            if words > MAX_WORDS:
                too_long.append(f"{outcome.disposition}/{outcome.reason}/{subject}: {words}")
    assert not too_long, too_long


@pytest.mark.parametrize("locale", supported_locales())
def test_emergency_and_urgent_replies_start_with_the_instruction(locale):
    for outcome in outcomes():
        text = first_reply(locale, outcome, "father")
        first_sentence = re.split(r"(?<=[.?!])\s", text)[0]
        if outcome.disposition == "emergency":
            assert first_sentence == "This could be serious.", text
            assert re.match(r"This could be serious\. Call .+ now\.", text), text
        elif outcome.disposition == "urgent":
            who = for_locale(locale).person("father")["who"]
            assert first_sentence == f"{who[0].upper()}{who[1:]} should be seen today.", text


def test_the_details_on_request_are_fuller_than_the_first_reply():
    c = for_locale("en-GB")
    for outcome in outcomes():
        if outcome.disposition == "self_care":
            rendered = render_outcome(c, outcome, {})
            assert len(rendered.details) > len(rendered.speech), outcome.reason
