"""The utterance corpus (tests/corpus/*.jsonl) through the console's matcher in both modes.

Each line: locale, where in the conversation, what was said, the intent and slot ids
the skill should receive, what strict mode makes of it ("same", "fallback" or another
intent) and the behaviour expected of the skill. Slot expectations are resolved ids. The
finding slots are read together, as the handlers do: "symptom" is everything stated
(symptom, other_symptom, third_symptom) and "denied" everything denied (denied,
other_denied), each a list whose order does not matter.

- generous: the intent, and every expected slot (all expected findings present, and no
  expected denial ever read as stated, nor the other way round).
- strict: "same" as above; "fallback" is AMAZON.FallbackIntent (the skill's repair
  handles it); any other value is the intent strict mode lands on.
- trained (a classifier and tagger trained on the model, like Alexa's NLU): the targets
  are generous's, but a statistical reader misses some; the lines it misses may only
  fall (TRAINED_MISSES_AT_MOST), and it never hears a denial as a stated sign beyond the
  known ones. `python -m pytest tests/test_corpus_nlu.py -k trained -rA` lists them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from skill.console import dates
from skill.console.model import load
from skill.console.nlu import Elicit, Match, understand

CORPUS = Path(__file__).resolve().parent / "corpus"
STATED = ("symptom", "other_symptom", "third_symptom")
DENIED = ("denied", "other_denied")
WHERE = re.compile(r"start|guide|outcome|menu:stretch|checkin:(pain|flags|stretches|consent)"
                   r"|question:[a-z_]+")  # fmt: skip
QUESTIONS = {
    "pe_signs", "limb_threat", "compartment", "necrotising", "sudden_severe", "cauda_equina",
    "dvt_signs", "tear_signs", "nerve_weakness", "cramp_long", "infection_fever", "statin",
    "claudication", "cramp_frequent", "persisting", "location", "trigger", "onset",
}  # fmt: skip
ELICITS = {"menu:stretch": Elicit("StretchIntent", "stretch")}


def _lines() -> list[dict]:
    rows = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                rows.append({**json.loads(line), "_at": f"{path.name}:{number}"})
    return rows


LINES = _lines()
# The corpus's dates ("since Monday") resolve against this Friday.
TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: TODAY)


def _ids(match: Match) -> dict[str, object]:
    """slot -> id (or value); the finding slots merged into "symptom" and "denied"."""
    out: dict[str, object] = {}
    for name, filled in match.slots.items():
        values = [f.value.id if f.value else f.heard for f in filled.values]
        if name in STATED or name in DENIED:
            key = "symptom" if name in STATED else "denied"
            out.setdefault(key, set()).update(values)  # type: ignore[union-attr]
        else:
            out[name] = values[0] if not filled.items else values
    return out


def _problems(row: dict, match: Match) -> list[str]:
    got = _ids(match)
    problems = []
    if match.intent != row["intent"]:
        problems.append(f"intent {match.intent}, expected {row['intent']}")
    for name, want in row["slots"].items():
        have = got.get(name)
        if name in ("symptom", "denied"):
            missing = set(want) - (have or set())  # type: ignore[operator]
            if missing:
                problems.append(f"{name} lacks {sorted(missing)} (has {sorted(have or [])})")
        elif isinstance(want, list):  # a multiple-value slot (a single one in en-IN)
            held = have if isinstance(have, list) else [have]
            if not set(want) <= set(held):
                problems.append(f"{name} = {have!r}, expected {want!r}")
        elif have != want:
            problems.append(f"{name} = {have!r}, expected {want!r}")
    flipped = set(row["slots"].get("denied", [])) & set(got.get("symptom", set()))  # type: ignore[arg-type]
    flipped |= set(row["slots"].get("symptom", [])) & set(got.get("denied", set()))  # type: ignore[arg-type]
    if flipped:
        problems.append(f"stated and denied swapped: {sorted(flipped)}")
    return problems


def _hear(row: dict, nlu: str) -> Match:
    elicit = ELICITS.get(row["where"])
    return understand(row["utterance"], load(row["locale"]), nlu=nlu, elicit=elicit)


def _id(row: dict) -> str:
    return f"{row['_at']} {row['utterance'][:40]}"


@pytest.mark.parametrize("row", LINES, ids=_id)
def test_generous(row):
    problems = _problems(row, _hear(row, "generous"))
    assert not problems, f"{row['utterance']!r}: " + "; ".join(problems)


@pytest.mark.parametrize("row", LINES, ids=_id)
def test_strict(row):
    match = _hear(row, "strict")
    if row["strict"] == "same":
        problems = _problems(row, match)
        assert not problems, f"{row['utterance']!r}: " + "; ".join(problems)
    elif row["strict"] == "fallback":
        assert match.intent == "AMAZON.FallbackIntent", f"{row['utterance']!r}: {match.intent}"
    else:
        assert match.intent == row["strict"], f"{row['utterance']!r}: {match.intent}"


# Lines the trained reader hears otherwise than generous's targets today (of 638).
TRAINED_MISSES_AT_MOST = 72
# "I don't think it's swollen but it aches": the tagger takes the denied sign as stated.
KNOWN_TRAINED_SWAPS = {"negations.jsonl:60"}


@pytest.fixture(scope="module")
def trained_problems() -> dict[str, list[str]]:
    dates_today = dates.today
    dates.today = lambda: TODAY  # the module-scoped run reads the corpus's Friday too
    try:
        heard = {row["_at"]: _problems(row, _hear(row, "trained")) for row in LINES}
    finally:
        dates.today = dates_today
    return {at: problems for at, problems in heard.items() if problems}


def test_trained_hears_the_corpus_at_least_as_well_as_before(trained_problems):
    listing = "\n".join(f"{at}: {'; '.join(p)}" for at, p in sorted(trained_problems.items()))
    print(f"trained: {len(LINES) - len(trained_problems)}/{len(LINES)} lines as generous\n"
          + listing)
    assert len(trained_problems) <= TRAINED_MISSES_AT_MOST, listing


def test_trained_never_hears_a_denial_as_stated_beyond_the_known_lines(trained_problems):
    swapped = {at for at, p in trained_problems.items() if any("swapped" in x for x in p)}
    assert swapped <= KNOWN_TRAINED_SWAPS, swapped


def test_corpus_is_big_and_well_formed():
    assert len(LINES) >= 400
    keys = {"locale", "where", "utterance", "intent", "slots", "strict", "behaviour", "_at"}
    for row in LINES:
        assert set(row) == keys, row["_at"]
        assert row["locale"] in {"en-US", "en-CA", "en-GB", "en-AU", "en-IN"}, row["_at"]
        assert WHERE.fullmatch(row["where"]), row["_at"]
        if row["where"].startswith("question:"):
            assert row["where"].split(":")[1] in QUESTIONS, row["_at"]
        assert row["behaviour"], row["_at"]
        for name in ("symptom", "denied"):
            assert isinstance(row["slots"].get(name, []), list), row["_at"]
    said = Counter((r["locale"], r["where"], r["utterance"].lower()) for r in LINES)
    assert not [k for k, n in said.items() if n > 1], "a line is in the corpus twice"


def test_every_locale_and_theme_is_covered():
    locales = Counter(r["locale"] for r in LINES)
    assert all(locales[loc] >= 25 for loc in ("en-US", "en-CA", "en-GB", "en-AU", "en-IN"))
    wheres = {r["where"].split(":")[0] for r in LINES}
    assert wheres == {"start", "question", "guide", "menu", "checkin", "outcome"}
