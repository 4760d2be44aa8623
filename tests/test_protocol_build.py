"""The committed protocol.json is exactly what infra/build_protocol.py makes from
infra/protocol_source/, it fits its schema, every id it names exists, and the source's
condition words mean what the README says."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "infra"))
import build_protocol
from protocol_lang import SourceError, parse_condition, show

COMMITTED = json.loads(build_protocol.OUT.read_text(encoding="utf-8"))


def test_committed_json_is_the_builders_output():
    built = build_protocol.build(build_protocol.SOURCE.read_text(encoding="utf-8"))
    assert build_protocol.OUT.read_text(encoding="utf-8") == build_protocol.render(built), (
        "skill/triage/protocol.json is out of date: run make protocol"
    )


def test_the_committed_protocol_fits_its_schema_and_every_id_exists():
    assert build_protocol.problems(COMMITTED) == []


@pytest.mark.parametrize("break_it, expected", [
    (lambda p: p["screening"].append({"ask": "no_such_question"}), "unknown question"),
    (lambda p: p["conditions"]["injury"]["any"].append({"ref": "nowhere"}), "no condition"),
    (lambda p: p["conditions"]["injury"]["any"].append({"is": {"swolen": "yes"}}),
     "unknown fact"),
    (lambda p: p["conditions"]["injury"]["any"].append({"is": {"trigger": "falling"}}),
     "never 'falling'"),
    (lambda p: p["questions"]["pe_signs"]["covers"].append("gout"), "unknown finding"),
    (lambda p: p["offers"]["families"].update(strain="stretch:yoga"), "no guided session"),
    (lambda p: p["red_flags"][0].update(id="new_rule"), "no words"),
    (lambda p: p["families"][-1]["ask"].append(
        {"ask": "onset", "variant_when": {"loud": {"all": []}}}), "questions.onset.loud"),
    (lambda p: p["red_flags"][0].update(disposition="soon"), "schema"),
    (lambda p: p["families"].pop(), "hold always"),
], ids=["question", "ref", "fact", "value", "covers", "offer", "words", "variant", "schema",
        "fallback"])
def test_the_build_refuses_ids_that_do_not_exist(break_it, expected):
    broken = copy.deepcopy(COMMITTED)
    break_it(broken)
    assert any(expected in p for p in build_protocol.problems(broken))


@pytest.mark.parametrize("text, cond", [
    ("swollen", {"is": {"swollen": "yes"}}),
    ("side=both", {"is": {"side": "both"}}),
    ("pe_signs?", {"caution": "pe_signs"}),
    ("@injury", {"ref": "injury"}),
    ("trigger in (none, unknown)", {"in": {"trigger": ["none", "unknown"]}}),
    ("duration_days > 0.5", {"over": {"duration_days": 0.5}}),
    ("known duration_days", {"known": "duration_days"}),
    ("always", {"all": []}),
    ("not cast", {"not": {"is": {"cast": "yes"}}}),
    ("a and (b or c)", {"all": [{"is": {"a": "yes"}},
                                {"any": [{"is": {"b": "yes"}}, {"is": {"c": "yes"}}]}]}),
    ("a or (b or c)", {"any": [{"is": {"a": "yes"}},
                               {"any": [{"is": {"b": "yes"}}, {"is": {"c": "yes"}}]}]}),
])
def test_condition_words_parse_to_the_json_and_print_back(text, cond):
    assert parse_condition(text) == cond
    assert show(cond) == text


@pytest.mark.parametrize("text", ["a and b or c", "(a or b", "a and", "a = "])
def test_unclear_conditions_are_refused(text):
    with pytest.raises(SourceError):
        parse_condition(text)


def test_a_question_left_out_of_the_order_is_refused():
    source = build_protocol.SOURCE.read_text(encoding="utf-8")
    source = source.replace(" both_legs unwell", " unwell")
    with pytest.raises(SourceError, match="question order"):
        build_protocol.build(source)


def test_the_review_sheet_is_current():
    """docs/protocol-review.md prints every walked path with its words: a change to the
    rules, the engine or the question words that changes what is asked shows here."""
    from protocol_review import sheet

    committed = build_protocol.SHEET.read_text(encoding="utf-8")
    assert committed == sheet(COMMITTED), "docs/protocol-review.md is stale: run make protocol"


def test_a_finding_can_be_derived_from_an_answer_after_the_questions_own():
    source = build_protocol.SOURCE.read_text(encoding="utf-8") + (
        "\nderive cramp\n  when: cramp_long\n  source: (b) cramps\n"
    )
    built = build_protocol.build(source)
    assert built["derive"][-1] == {"fact": "cramp", "when": {"is": {"cramp_long": "yes"}},
                                   "source": "(b) cramps"}
    assert build_protocol.problems(built) == []
