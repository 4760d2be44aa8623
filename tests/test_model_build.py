"""The committed interaction models are exactly what infra/build_models.py makes from
infra/model_source/, and the generator refuses models Alexa would misread."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra"))
_spec = importlib.util.spec_from_file_location("build_models", ROOT / "infra" / "build_models.py")
assert _spec and _spec.loader
build_models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_models)
from model_templates import expand  # noqa: E402


@pytest.mark.parametrize("locale", build_models.LOCALES)
def test_committed_json_is_the_generators_output(locale):
    """Rendering runs the generator's checks too (build_models.check): a source change
    that gives two intents the same sample shape fails here."""
    committed = (build_models.OUT / f"{locale}.json").read_text(encoding="utf-8")
    assert committed == build_models.render(locale), (
        f"{locale}.json is out of date: run python infra/build_models.py"
    )


def test_every_locale_has_a_model_file():
    assert sorted(p.stem for p in build_models.OUT.glob("*.json")) == sorted(build_models.LOCALES)


def test_templates_expand_choices_options_and_macros():
    macros = {"poss": ["my", "her"]}
    assert expand("(it|the pain) hurts [a lot]", macros) == [
        "it hurts a lot",
        "it hurts",
        "the pain hurts a lot",
        "the pain hurts",
    ]
    assert expand("<poss> {location}", macros) == ["my {location}", "her {location}"]


def _language(*intents: dict, types: list | None = None) -> dict:
    return {"intents": list(intents), "types": types or []}


SYMPTOM = {"name": "SYMPTOM", "values": [{"id": "swollen", "name": {"value": "swollen",
                                                                    "synonyms": ["puffy"]}}]}


def test_the_same_shape_in_two_intents_is_refused():
    deny = {"name": "Deny", "slots": [{"name": "denied", "type": "SYMPTOM"}],
            "samples": ["no {denied}"]}
    state = {"name": "State", "slots": [{"name": "symptom", "type": "SYMPTOM"}],
             "samples": ["no {symptom}"]}
    problems = build_models.check(_language(deny, state, types=[SYMPTOM]), True)
    assert any("same shape" in p for p in problems)


def test_a_list_of_two_slots_is_the_same_shape_as_one_multiple_value_slot():
    multi = {"multipleValues": {"enabled": True}}
    one = {"name": "A", "slots": [{"name": "s", "type": "SYMPTOM", **multi}],
           "samples": ["it's {s}"]}
    two = {"name": "B", "slots": [{"name": "s", "type": "SYMPTOM", **multi},
                                  {"name": "t", "type": "SYMPTOM", **multi}],
           "samples": ["it's {s} and {t}"]}
    assert any("same shape" in p for p in build_models.check(_language(one, two), True))
    # Without multiple values (en-IN) they are different sentences.
    assert not build_models.check(_language(one, two, types=[SYMPTOM]), False)


def test_bad_samples_are_refused():
    bad = {"name": "A", "slots": [{"name": "s", "type": "SYMPTOM"}],
           "samples": ["call 911", "{s} and {s}", "{nope} here"]}
    problems = build_models.check(_language(bad, types=[SYMPTOM]), True)
    assert len(problems) == 3


# --- the one contract and its docs -----------------------------------------------------------


def test_committed_contract_is_the_generators_output():
    committed = build_models.CONTRACT.read_text(encoding="utf-8")
    assert committed == build_models.render_contract(), (
        "skill/content/contract.json is out of date: run python infra/build_models.py"
    )


def test_developers_intents_table_is_the_generators_output():
    text = build_models.DEVELOPERS.read_text(encoding="utf-8")
    assert text == build_models.render_developers(text), (
        "DEVELOPERS.md's intents table is out of date: run python infra/build_models.py"
    )


def test_the_contract_names_every_custom_intent_and_type_of_the_source():
    terms = build_models.contract()
    en_us = build_models.build("en-US")["interactionModel"]["languageModel"]
    assert set(terms["intents"]) | set(terms["built_in_intents"]) == {
        i["name"] for i in en_us["intents"]}
    assert terms["types"] == {t["name"]: sorted(v["id"] for v in t["values"])
                              for t in en_us["types"]}
    assert "en-IN" not in terms["multiple_values"] and "en-US" in terms["multiple_values"]


def _vocabulary_rows() -> dict[str, set[str]]:
    """DEVELOPERS.md's vocabulary: each type's row (and the SYMPTOM paragraph) as ids."""
    text = build_models.DEVELOPERS.read_text(encoding="utf-8")
    section = text.split("## Vocabulary", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) == 4 and cells[1].strip().startswith("`"):
            ids = set(re.findall(r"`([a-z_]+)`", cells[2]))
            rows[cells[1].strip().strip("`")] = ids
    symptoms = section.split("`SYMPTOM` ids", 1)[1].split("`skill/triage/vocabulary.py`")[0]
    rows["SYMPTOM"] = set(re.findall(r"`([a-z_]+)`", symptoms))
    return rows


def test_developers_vocabulary_names_the_contracts_ids():
    """The vocabulary table is written by hand (it says what each id means), so it is
    checked: every type with exactly the contract's ids."""
    contract = build_models.contract()["types"]
    rows = _vocabulary_rows()
    assert set(rows) == set(contract)
    for slot_type, ids in contract.items():
        assert rows[slot_type] == set(ids), (
            f"DEVELOPERS.md {slot_type}: missing {sorted(set(ids) - rows[slot_type])}, "
            f"not in the model {sorted(rows[slot_type] - set(ids))}")


def test_an_overlay_cannot_add_an_id(tmp_path, monkeypatch):
    """Overlays add words; ids are the contract's, declared once in base.model."""
    (tmp_path / "base.model").write_text(
        (build_models.SOURCE / "base.model").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "en-GB.model").write_text("type LEG_SIDE\n  middle: the middle one\n",
                                          encoding="utf-8")
    monkeypatch.setattr(build_models, "SOURCE", tmp_path)
    with pytest.raises(build_models.SourceError, match=r"not in base\.model"):
        build_models.merged("en-GB")
