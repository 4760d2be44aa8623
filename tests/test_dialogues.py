"""The blind dialogue corpora (tests/dialogues/blind.jsonl and blind2.jsonl, each written
from docs/clinical.md and the README alone by someone who never read the code) in both
console hearings (and the trained one): the conversation policy's invariants."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from dialogues.report import BLIND, MODES, load, run_all, summarize

BLIND2 = Path(BLIND).with_name("blind2.jsonl")
CORPORA = {"blind": BLIND, "blind2": BLIND2}
# False alarms today; a change may lower these, never raise them. The ones left: a
# scripted "yes, go through it" lands on the severe-pain question (generous), and a
# scripted "yes" meant for something else follows the breathlessness question asked
# again after a side request (b2-caregiver_talk-10).
FALSE_ALARMS_AT_MOST = {
    ("blind", "generous"): 1,
    ("blind", "strict"): 0,
    ("blind2", "generous"): 1,
    ("blind2", "strict"): 1,
    # Trained hearing: "I'm just feeling a bit blue" and "my feet are cold yes, but the AC
    # is on full blast" at the cold/pale question, "no, he couldn't do them, too sore" at a
    # check-in's warning signs (heard as "I don't know"), and the scripted answers above.
    ("blind", "trained"): 2,
    ("blind2", "trained"): 5,
}
# A question brought back a third time in a row by side questions and "say that again"
# now says "Once more:" (it used to loop in trained hearing, cv-after_warning-07).
KNOWN_LOOPS: dict[tuple[str, str], set[str]] = {}  # none today; a loop may not come back
RUNS = [(corpus, nlu) for corpus in CORPORA for nlu in MODES]


@cache
def summary(nlu: str, corpus: str = "blind") -> dict:
    return summarize(run_all(load(CORPORA[corpus]), nlu))


@pytest.mark.parametrize(("corpus", "nlu"), RUNS)
def test_no_dialogue_hears_the_same_words_three_times_in_a_row(corpus, nlu):
    assert set(summary(nlu, corpus)["loops"]) <= KNOWN_LOOPS.get((corpus, nlu), set())


@pytest.mark.parametrize(("corpus", "nlu"), RUNS)
def test_every_emergency_warning_follows_a_direct_question_or_a_call_for_help(corpus, nlu):
    assert summary(nlu, corpus)["unasked_warnings"] == []


@pytest.mark.parametrize(("corpus", "nlu"), RUNS)
def test_false_alarms_never_grow(corpus, nlu):
    found = summary(nlu, corpus)
    assert len(found["false_alarms"]) <= FALSE_ALARMS_AT_MOST[corpus, nlu], found


# Strict hearing loses long sentences; what it still misses (the trained hearing misses
# none): two check-ins whose new sign is said in a sentence strict cannot match, and one
# opening strict cannot match whose answers never name the sign.
KNOWN_STRICT_MISSES = {"b2-checkin_flag-07", "b2-checkin_flag-08", "b2-after_warning2-07"}


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_true_emergency_is_warned_in_generous_hearing(corpus):
    assert summary("generous", corpus)["misses"] == []


@pytest.mark.parametrize("corpus", CORPORA)
def test_strict_hearing_misses_no_more_emergencies_than_today(corpus):
    assert set(summary("strict", corpus)["misses"]) <= KNOWN_STRICT_MISSES


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_true_emergency_is_warned_in_trained_hearing(corpus):
    assert summary("trained", corpus)["misses"] == []
