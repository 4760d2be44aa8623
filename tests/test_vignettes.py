"""The vignette set (tests/vignettes/cases.jsonl) acted out by the simulated patient through
`python -m skill chat --jsonl`, one console process per case, several at once.

Fails if any emergency is not already `emergency` at the first level the skill names, or
if under-triage (final level below the expected one) exceeds 2 % (issue 11). The full
figures are `make triage-report`.
"""

from __future__ import annotations

import pytest
from vignettes.patient import Result, load_cases
from vignettes.report import TARGET_UNDER_PCT, Summary, format_miss, run_all, summarize

# Protocol v1 misses emergencies the v2 rewrite is for (issue 11). The lead removes this
# mark when protocol v2 lands; from then on the suite must pass.
pytestmark = [
    pytest.mark.xfail(reason="protocol v2 pending", strict=False),
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def run() -> tuple[list[Result], Summary]:
    results = run_all(load_cases())
    return results, summarize(results)


def _listing(title: str, results: list[Result]) -> str:
    return "\n".join([title, *(format_miss(r) for r in results)])


def test_no_case_errors(run):
    _, summary = run
    assert not summary.errors, "\n".join(summary.errors)


def test_every_emergency_is_named_first(run):
    results, _ = run
    missed = [r for r in results if r.case.expected == "emergency" and r.first_level != "emergency"]
    assert not missed, _listing(f"{len(missed)} emergencies not named first:", missed)


def test_under_triage_at_most_two_percent(run):
    results, summary = run
    under = [r for r in results if r.under]
    assert summary.under_pct <= TARGET_UNDER_PCT, _listing(
        f"under-triage {summary.under_pct:.1f} % ({len(under)}/{summary.cases}):", under
    )
