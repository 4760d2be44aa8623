"""`make triage-report`: run every vignette through the simulated patient and print the
triage figures and their targets.

    PYTHONPATH=tests python -m vignettes.report [--only ID_PREFIX ...] [--nlu strict|trained]
                                                [--json results.json] [--check]

Each case runs through the console's conversation layer in this process, with a store of
its own (vignettes.patient.run_case).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .patient import (
    DEFAULT_SEED,
    LEVELS,
    Case,
    Result,
    covers_drift,
    load_cases,
    load_covers,
    run_case,
    select_cases,
)

# The goal, measured on cases the skill has not seen (tests/vignettes/README.md).
TARGET_UNDER_PCT = 2.0
TARGET_EXACT_PCT = 90.0
TARGET_EXACT_SELF_CARE_PCT = 85.0
TARGET_MEDIAN_QUESTIONS = 5.0
NONE = "none"  # no level named at all


def run_all(
    cases: Sequence[Case], seed: str = DEFAULT_SEED, nlu: str = "generous"
) -> list[Result]:
    covers = load_covers()
    return [run_case(case, covers, seed, nlu) for case in cases]


def pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


@dataclass
class Summary:
    cases: int
    exact: int
    exact_by_level: dict[str, tuple[int, int]]  # expected level -> (exact, cases)
    emergencies: int
    emergencies_caught: int  # final level emergency
    emergencies_first: int  # the first level named was already emergency
    under: int
    under_by_level: dict[str, int]
    over_by_level: dict[str, int]
    first_vs_final: Counter[tuple[str, str]]
    expected_vs_final: Counter[tuple[str, str]]
    questions: list[int]
    loops: int
    no_level: int
    errors: list[str]
    unplaced: Counter[str]
    misses: list[Result] = field(default_factory=list)
    under_triaged: list[Result] = field(default_factory=list)

    @property
    def under_pct(self) -> float:
        return pct(self.under, self.cases)

    @property
    def exact_pct(self) -> float:
        return pct(self.exact, self.cases)

    @property
    def median_questions(self) -> float:
        return float(statistics.median(self.questions)) if self.questions else 0.0

    def level_pct(self, level: str) -> float:
        hit, n = self.exact_by_level.get(level, (0, 0))
        return pct(hit, n)

    def targets(self) -> list[tuple[str, bool]]:
        return [
            (
                "every emergency is emergency at the first level named",
                self.emergencies_first == self.emergencies,
            ),
            (f"under-triage <= {TARGET_UNDER_PCT:g} %", self.under_pct <= TARGET_UNDER_PCT),
            (f"exact >= {TARGET_EXACT_PCT:g} % overall", self.exact_pct >= TARGET_EXACT_PCT),
            (
                f"exact >= {TARGET_EXACT_SELF_CARE_PCT:g} % for self_care",
                self.level_pct("self_care") >= TARGET_EXACT_SELF_CARE_PCT,
            ),
            (
                f"median <= {TARGET_MEDIAN_QUESTIONS:g} questions to the outcome",
                bool(self.questions) and self.median_questions <= TARGET_MEDIAN_QUESTIONS,
            ),
        ]


def is_miss(result: Result) -> bool:
    """Wrong final level, or an emergency that was not the first level named."""
    first_wrong = result.case.expected == "emergency" and result.first_level != "emergency"
    return not result.exact or first_wrong


def summarize(results: Sequence[Result]) -> Summary:
    by_level: dict[str, list[Result]] = {lvl: [] for lvl in LEVELS}
    for r in results:
        by_level[r.case.expected].append(r)
    emergencies = by_level["emergency"]
    return Summary(
        cases=len(results),
        exact=sum(r.exact for r in results),
        exact_by_level={lvl: (sum(r.exact for r in rs), len(rs)) for lvl, rs in by_level.items()},
        emergencies=len(emergencies),
        emergencies_caught=sum(r.final_level == "emergency" for r in emergencies),
        emergencies_first=sum(r.first_level == "emergency" for r in emergencies),
        under=sum(r.under for r in results),
        under_by_level={lvl: sum(r.under for r in rs) for lvl, rs in by_level.items()},
        over_by_level={lvl: sum(r.over for r in rs) for lvl, rs in by_level.items()},
        first_vs_final=Counter((r.first_level or NONE, r.final_level or NONE) for r in results),
        expected_vs_final=Counter((r.case.expected, r.final_level or NONE) for r in results),
        questions=[r.questions for r in results if r.first_level is not None],
        loops=sum(r.looped for r in results),
        no_level=sum(r.final_level is None for r in results),
        errors=[f"{r.case.id}: {r.error}" for r in results if r.error],
        unplaced=Counter(q for r in results for q in r.unplaced),
        misses=sorted((r for r in results if is_miss(r)), key=_miss_order),
        under_triaged=[r for r in results if r.under],
    )


def _miss_order(result: Result) -> tuple[int, str]:
    # Emergencies first, then urgent, doctor, self-care: the dangerous misses lead.
    return (-LEVELS.index(result.case.expected), result.case.id)


def _table(title: str, rows: Sequence[str], counts: Counter[tuple[str, str]]) -> list[str]:
    cols = [*LEVELS, NONE]
    width = max(len(c) for c in cols) + 2
    out = [title, " " * 12 + "".join(c.rjust(width) for c in cols)]
    for row in rows:
        cells = "".join(str(counts.get((row, c), 0) or ".").rjust(width) for c in cols)
        out.append(f"  {row:<10}{cells}")
    return out


def format_miss(result: Result) -> str:
    c = result.case
    flags = " LOOP" if result.looped else ""
    flags += f" ERROR({result.error})" if result.error else ""
    return (
        f"  {c.id:<20} expected {c.expected:<9} first {result.first_level or NONE:<9} "
        f"final {result.final_level or NONE:<9}{flags}\n"
        f"  {'':<20} [{c.source}] {c.opening}"
    )


def format_report(summary: Summary, elapsed_s: float | None = None) -> str:
    s = summary
    lines = [f"Leg Pain Guide vignettes: {s.cases} cases run"]
    if elapsed_s is not None:
        lines[0] += f" in {elapsed_s:.1f} s"
    drift = covers_drift(load_covers())
    for qid, (dropped, added) in sorted(drift.items()):
        lines.append(
            f"  note: protocol.json covers for {qid} differ from the yardstick's table "
            f"(drops {dropped or '-'}, adds {added or '-'}); the protocol's are used"
        )
    lines += [
        "",
        f"Exact level: {s.exact}/{s.cases} ({s.exact_pct:.1f} %)",
    ]
    for lvl in LEVELS:
        hit, n = s.exact_by_level[lvl]
        lines.append(f"  expected {lvl:<10} {hit:>3}/{n:<3} ({pct(hit, n):5.1f} %)")
    lines += [
        "",
        f"Emergencies caught (final level emergency): {s.emergencies_caught}/{s.emergencies}",
        f"Emergencies caught at the first level named: {s.emergencies_first}/{s.emergencies}",
        "",
        f"Under-triage (final below expected; no level counts): {s.under}/{s.cases} "
        f"({s.under_pct:.1f} %)",
    ]
    for lvl in LEVELS:
        n = s.exact_by_level[lvl][1]
        lines.append(
            f"  expected {lvl:<10} under {s.under_by_level[lvl]:>3} "
            f"({pct(s.under_by_level[lvl], n):5.1f} %)   over {s.over_by_level[lvl]:>3} "
            f"({pct(s.over_by_level[lvl], n):5.1f} %)"
        )
    lines.append(f"Under-triaged cases ({len(s.under_triaged)}):")
    lines += [format_miss(r) for r in s.under_triaged] or ["  none"]
    lines.append("")
    lines += _table("First level named (rows) vs final level (columns):", [*LEVELS, NONE],
                    s.first_vs_final)  # fmt: skip
    lines.append("")
    lines += _table("Expected level (rows) vs final level (columns):", list(LEVELS),
                    s.expected_vs_final)  # fmt: skip
    lines.append("")
    if s.questions:
        lines.append(
            f"Questions before the first level: median {s.median_questions:g}, "
            f"max {max(s.questions)} (over {len(s.questions)} cases that reached a level)"
        )
    lines.append(f"Loops (same question asked 3 times in a row): {s.loops}")
    lines.append(f"Cases that never reached a level: {s.no_level}")
    if s.unplaced:
        placed = ", ".join(f"{q} x{n}" for q, n in s.unplaced.most_common())
        lines.append(f"Questions the patient could not place (answered 'I'm not sure'): {placed}")
    if s.errors:
        lines.append(f"Errors ({len(s.errors)}):")
        lines += [f"  {e}" for e in s.errors]
    lines += ["", "Targets:"]
    lines += [f"  [{'PASS' if ok else 'FAIL'}] {name}" for name, ok in s.targets()]
    lines += ["", f"Misses ({len(s.misses)}): wrong final level, or emergency not named first"]
    lines += [format_miss(r) for r in s.misses] or ["  none"]
    return "\n".join(lines)


def results_json(results: Sequence[Result]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.case.id,
            "expected": r.case.expected,
            "first": r.first_level,
            "final": r.final_level,
            "questions": r.questions,
            "looped": r.looped,
            "error": r.error,
            "turns": [[t.said, t.pending, t.disposition] for t in r.turns],
        }
        for r in results
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make triage-report", description=__doc__)
    parser.add_argument(
        "--cases", type=Path, nargs="*", default=[], help="case files (default: all of them)"
    )
    parser.add_argument("--only", nargs="*", default=[], help="case id prefixes")
    parser.add_argument("--seed", default=DEFAULT_SEED, help="wording RNG seed")
    parser.add_argument("--json", type=Path, help="also write per-case results here")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--nlu", choices=("generous", "strict", "trained"), default="generous",
                        help="the console's NLU: generous, strict (only the model's samples) "
                        "or trained (a classifier and tagger trained on the model)")
    args = parser.parse_args(argv)
    # The skill's warnings (no device time zone: Alexa's APIs are out of reach here) would
    # bury the report; the console's stderr was not shown either.
    logging.disable(logging.WARNING)

    cases = select_cases(load_cases(*args.cases), args.only)
    started = time.monotonic()
    results = run_all(cases, args.seed, args.nlu)
    if args.nlu != "generous":
        print(f"NLU: {args.nlu}")
    summary = summarize(results)
    print(format_report(summary, time.monotonic() - started))
    if args.json:
        args.json.write_text(json.dumps(results_json(results), indent=1), encoding="utf-8")
    if args.check and not all(ok for _, ok in summary.targets()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
