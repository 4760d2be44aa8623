"""The blind dialogue corpus (tests/dialogues/blind.jsonl, written from docs/clinical.md
and the README alone) in every console hearing: the conversation policy's invariants."""

from __future__ import annotations

from functools import cache

import pytest
from dialogues.report import MODES, load, run_all, summarize

# False alarms today; a change may lower these, never raise them.
FALSE_ALARMS_AT_MOST = {"generous": 2, "strict": 0, "trained": 2}
# Trained hearing: "can I just go to urgent care instead?" (IsItSeriousIntent) and "what's
# the number again" (RepeatIntent) after a direct question each bring the question back,
# so it is said three times in a row.
KNOWN_LOOPS = {"trained": {"cv-after_warning-07"}}


@cache
def summary(nlu: str) -> dict:
    return summarize(run_all(load(), nlu))


@pytest.mark.parametrize("nlu", MODES)
def test_no_dialogue_hears_the_same_words_three_times_in_a_row(nlu):
    assert set(summary(nlu)["loops"]) <= KNOWN_LOOPS.get(nlu, set())


@pytest.mark.parametrize("nlu", MODES)
def test_every_emergency_warning_follows_a_direct_question_or_a_call_for_help(nlu):
    assert summary(nlu)["unasked_warnings"] == []


@pytest.mark.parametrize("nlu", MODES)
def test_false_alarms_never_grow(nlu):
    assert len(summary(nlu)["false_alarms"]) <= FALSE_ALARMS_AT_MOST[nlu], summary(nlu)


# A check-in whose "he's been a bit puffed" comes with the pain score is not heard; the
# driver cannot answer check-in questions truthfully, so it never reaches the warning.
KNOWN_GENEROUS_MISSES = {"cv-checkin-07"}


def test_every_true_emergency_is_warned_in_generous_hearing():
    assert set(summary("generous")["misses"]) <= KNOWN_GENEROUS_MISSES


def test_every_true_emergency_is_warned_in_trained_hearing():
    assert summary("trained")["misses"] == []
