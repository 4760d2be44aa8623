"""The vignette set (tests/vignettes/*.jsonl) acted out by the simulated patient through the
console's conversation layer, in this process, each case with a store of its own.

Generous NLU (the console's default): fails if any emergency is not already `emergency`
at the first level the skill names, if under-triage (final level below the expected one)
exceeds 2 %, or if exact-level or question-count targets slip. Strict NLU (only what the
model's samples say literally, the far end of Alexa's range): every case still reaches a
level, no question is asked more than twice in a row, the questions still name every
emergency first, and under-triage stays within the same 2 % (every red flag stated is
caught through the questions). Exact level and question count are not held there: a lost
opening means more questions, and over-triage is the safe direction. The full figures are
`make triage-report` (`ARGS="--nlu strict"`).

Trained NLU (a classifier and tagger trained on the model, like Alexa's): generous's
targets, with today's misses listed by name (KNOWN_TRAINED_MISSES) so that none is added.

`make test` runs the emergency cases in every mode (every one named first, no errors, no
loops); `make test-e2e` runs every case in every mode against every target.
"""

from __future__ import annotations

import pytest
from vignettes.patient import Result, load_cases
from vignettes.report import (
    TARGET_EXACT_PCT,
    TARGET_EXACT_SELF_CARE_PCT,
    TARGET_MEDIAN_QUESTIONS,
    TARGET_UNDER_PCT,
    Summary,
    format_miss,
    run_all,
    summarize,
)

MODES = ("generous", "strict", "trained")
# Trained hearing (the targets are generous's) misses these today; each is a finding for
# the skill or the model, listed so that no new one slips in: under-triage where the
# opening loses its pattern and the questions do not find it again (item 20 exertional
# numbness, item 23 varicose veins, item 16 persisting sciatica, pad-age-01). The two
# emergencies it used to miss (a cast, an ankle gone over) now get "what brought it on?".
KNOWN_TRAINED_MISSES = {
    "ccs-son-01", "ho-vvh-nurse-01", "vvh-shop-01", "pad-age-01", "bl-persisting-06",
}  # fmt: skip


@pytest.fixture(
    scope="module", params=[pytest.param(m, marks=pytest.mark.e2e) for m in MODES]
)
def run(request) -> tuple[str, list[Result], Summary]:
    results = run_all(load_cases(), nlu=request.param)
    return request.param, results, summarize(results)


@pytest.fixture(scope="module", params=MODES)
def emergencies(request) -> tuple[str, list[Result]]:
    cases = [c for c in load_cases() if c.expected == "emergency"]
    return request.param, run_all(cases, nlu=request.param)


def _listing(title: str, results: list[Result]) -> str:
    return "\n".join([title, *(format_miss(r) for r in results)])


# --- make test: the emergency cases ------------------------------------------------------


def test_every_emergency_case_is_named_emergency_first_without_errors_or_loops(emergencies):
    nlu, results = emergencies
    assert len(results) >= 50, "the case files hold the emergency cases"
    broken = [r for r in results if r.error or r.looped or r.final_level is None]
    assert not broken, _listing(f"{nlu}: {len(broken)} errors, loops or no level:", broken)
    missed = [r for r in results if r.first_level != "emergency"]
    if nlu == "trained":
        missed = [r for r in missed if r.case.id not in KNOWN_TRAINED_MISSES]
    assert not missed, _listing(f"{nlu}: {len(missed)} emergencies not named first:", missed)


# --- make test-e2e: every case --------------------------------------------------------------


def test_no_case_errors(run):
    _, _, summary = run
    assert not summary.errors, "\n".join(summary.errors)


def test_every_case_reaches_a_level_without_a_loop(run):
    _, results, _ = run
    stuck = [r for r in results if r.looped or r.final_level is None]
    assert not stuck, _listing(f"{len(stuck)} looped or reached no level:", stuck)


def test_every_emergency_is_named_first(run):
    nlu, results, _ = run
    emergencies = [r for r in results if r.case.expected == "emergency"]
    missed = [r for r in emergencies if r.first_level != "emergency"]
    if nlu == "trained":
        missed = [r for r in missed if r.case.id not in KNOWN_TRAINED_MISSES]
    assert not missed, _listing(f"{nlu}: {len(missed)} emergencies not named first:", missed)


def test_under_triage_at_most_two_percent(run):
    nlu, results, summary = run
    under = [r for r in results if r.under]
    if nlu == "trained":
        new = [r for r in under if r.case.id not in KNOWN_TRAINED_MISSES]
        assert not new, _listing(f"trained: {len(new)} new under-triage:", new)
        return
    assert summary.under_pct <= TARGET_UNDER_PCT, _listing(
        f"under-triage {summary.under_pct:.1f} % ({len(under)}/{summary.cases}):", under
    )


def test_exact_level_and_question_count_targets(run):
    nlu, results, summary = run
    if nlu == "strict":
        pytest.skip("strict mode: more questions after a lost opening, and over-triage is safe")
    wrong = [r for r in results if not r.exact]
    listing = _listing(f"exact {summary.exact_pct:.1f} %:", wrong)
    assert summary.exact_pct >= TARGET_EXACT_PCT, listing
    assert summary.level_pct("self_care") >= TARGET_EXACT_SELF_CARE_PCT
    assert summary.median_questions <= TARGET_MEDIAN_QUESTIONS
