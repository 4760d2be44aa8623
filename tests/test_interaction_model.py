"""Check every locale's interaction model the way the Alexa console build would.

Rules come from docs/alexa-platform.md sections 3, 4 and 8 and DEVELOPERS.md. On top
of the console rules, the test checks the model against the code's contracts (slot ids in
``skill.triage.vocabulary``, intent handlers in ``skill.alexa.skill``) and that everyday
sentences are matched by some sample exactly.
"""

from __future__ import annotations

import importlib
import json
import re
from functools import cache
from pathlib import Path

import pytest

from skill.content import contract

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "interaction_model" / "interactionModels" / "custom"
LOCALE_FILES = sorted(MODEL_DIR.glob("*.json"))
EN_US = MODEL_DIR / "en-US.json"

# --- the contract (skill/content/contract.json, written by make models) ------------------

CONTRACT = contract.load()
# slot name -> slot type; a trailing "*" marks a multiple-value slot (where lists exist).
CUSTOM_INTENTS: dict[str, dict[str, str]] = CONTRACT.intents
MULTIPLE_VALUE_LOCALES = set(CONTRACT.multiple_values)
# The slot ids of every type. Handlers read these ids, never words.
CONTRACT_IDS: dict[str, set[str]] = importlib.import_module("skill.triage.vocabulary").SLOT_IDS
BUILTIN_INTENTS = set(CONTRACT.built_in_intents)

# --- console rules (alexa-platform.md sections 4 and 8) ----------------------------------

REQUIRED_BUILTINS = {
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
}
KNOWN_BUILTINS = REQUIRED_BUILTINS | {
    f"AMAZON.{name}Intent"
    for name in [
        "Yes",
        "No",
        "Repeat",
        "Next",
        "Previous",
        "StartOver",
        "Pause",
        "Resume",
        "More",
        "Select",
        "ScrollUp",
        "ScrollDown",
        "ScrollLeft",
        "ScrollRight",
        "PageUp",
        "PageDown",
        "LoopOff",
        "LoopOn",
        "ShuffleOff",
        "ShuffleOn",
    ]
}
BUILTIN_SLOT_TYPES = {
    "AMAZON.NUMBER",
    "AMAZON.DURATION",
    "AMAZON.SearchQuery",
    "AMAZON.FirstName",
    "AMAZON.DATE",
    "AMAZON.TIME",
}
WAKE_WORDS = {"alexa", "amazon", "echo", "computer"}
LAUNCH_WORDS = {
    "ask",
    "tell",
    "open",
    "launch",
    "enable",
    "start",
    "resume",
    "load",
    "begin",
    "use",
    "run",
}
CONNECTING_WORDS = {"to", "from", "for", "in", "by", "with", "about", "of"}
ARTICLES = {"a", "an", "the"}

NAME_RE = re.compile(r"[A-Za-z][A-Za-z_]*")
BUILTIN_NAME_RE = re.compile(r"AMAZON\.[A-Za-z]+")
SLOT_RE = re.compile(r"\{([A-Za-z][A-Za-z_]*)\}")
WORD = r"[a-z]+(?:'[a-z]*)*"
ABBREV = r"[a-z]\."  # one spelled letter: "r. i. c. e."
SAMPLE_TOKEN_RE = re.compile(rf"\{{[A-Za-z][A-Za-z_]*\}}|{WORD}|{ABBREV}")
SPOKEN_RE = re.compile(rf"{WORD}(?: {WORD})*")  # slot values: words and apostrophes only


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _language_model(path: Path) -> dict:
    return _load(path)["interactionModel"]["languageModel"]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.fixture(params=LOCALE_FILES, ids=lambda p: p.stem)
def locale_file(request) -> Path:
    return request.param


@pytest.fixture
def lm(locale_file: Path) -> dict:
    return _language_model(locale_file)


def _custom_types(lm: dict) -> dict[str, dict]:
    return {t["name"]: t for t in lm["types"]}


def _slot_types(intent: dict) -> dict[str, str]:
    return {s["name"]: s["type"] for s in intent.get("slots", [])}


# --- shape and names ---------------------------------------------------------------------


def test_en_us_model_exists():
    assert EN_US in LOCALE_FILES


def test_shape(locale_file: Path):
    data = _load(locale_file)  # valid JSON or this raises
    assert isinstance(data, dict)
    assert set(data) == {"interactionModel"}
    lm = data["interactionModel"]["languageModel"]
    assert isinstance(lm["invocationName"], str)
    assert isinstance(lm["intents"], list) and lm["intents"]
    assert isinstance(lm["types"], list)
    for intent in lm["intents"]:
        assert isinstance(intent["name"], str)
        assert isinstance(intent.get("samples", []), list)
        for slot in intent.get("slots", []):
            assert isinstance(slot["name"], str) and isinstance(slot["type"], str)
    for slot_type in lm["types"]:
        assert isinstance(slot_type["name"], str)
        for value in slot_type["values"]:
            assert isinstance(value["id"], str) and value["id"]
            assert isinstance(value["name"]["value"], str)
            assert isinstance(value["name"].get("synonyms", []), list)


def test_invocation_name(lm: dict):
    name = lm["invocationName"]
    assert re.fullmatch(r"[a-z' .]+", name), "lowercase letters, spaces, apostrophes, periods"
    assert not re.search(r"\d", name), "numbers must be spelled out"
    words = name.split()
    assert len(words) >= 2, "at least two words"
    assert name == " ".join(words), "single spaces, no leading or trailing space"
    for word in words:
        assert re.fullmatch(rf"{WORD}|{ABBREV}", word), f"bad word {word!r}"
    assert not set(words) & WAKE_WORDS, "no wake words"
    assert not set(words) & LAUNCH_WORDS, "no launch words"
    assert not set(words) & CONNECTING_WORDS, "no connecting words"
    if len(words) == 2:
        assert not set(words) & ARTICLES, "a two-word name cannot contain an article"


def test_fallback_sensitivity(lm: dict):
    level = lm["modelConfiguration"]["fallbackIntentSensitivity"]["level"]
    assert level in {"LOW", "MEDIUM"}


def test_intent_names(lm: dict):
    names = [i["name"] for i in lm["intents"]]
    assert len(names) == len(set(names)), "duplicate intent"
    for name in names:
        if name.startswith("AMAZON."):
            assert BUILTIN_NAME_RE.fullmatch(name), name
            assert name in KNOWN_BUILTINS, f"unknown built-in intent {name}"
        else:
            assert NAME_RE.fullmatch(name), f"bad custom intent name {name!r}"
    missing = REQUIRED_BUILTINS - set(names)
    assert not missing, f"required built-ins missing: {sorted(missing)}"


def test_intents_match_developers_contract(lm: dict, locale_file: Path):
    intents = {i["name"]: i for i in lm["intents"]}
    assert set(intents) == set(CUSTOM_INTENTS) | BUILTIN_INTENTS
    lists = locale_file.stem in MULTIPLE_VALUE_LOCALES
    for name, slots in CUSTOM_INTENTS.items():
        declared = {
            s["name"]: s["type"] + ("*" if s.get("multipleValues", {}).get("enabled") else "")
            for s in intents[name].get("slots", [])
        }
        expected = {n: t if lists else t.rstrip("*") for n, t in slots.items()}
        assert declared == expected, name


def test_multiple_values_only_on_custom_types_in_locales_that_have_them(lm: dict, locale_file):
    for intent in lm["intents"]:
        for slot in intent.get("slots", []):
            if "multipleValues" in slot:
                assert locale_file.stem in MULTIPLE_VALUE_LOCALES, slot["name"]
                assert slot["multipleValues"] == {"enabled": True}
                assert not slot["type"].startswith("AMAZON."), slot["name"]


def test_slot_names_and_types(lm: dict):
    custom = _custom_types(lm)
    for intent in lm["intents"]:
        slots = intent.get("slots", [])
        names = [s["name"] for s in slots]
        assert len(names) == len(set(names)), f"duplicate slot in {intent['name']}"
        for slot in slots:
            assert NAME_RE.fullmatch(slot["name"]), f"bad slot name {slot['name']!r}"
            known = slot["type"] in custom or slot["type"] in BUILTIN_SLOT_TYPES
            assert known, f"{intent['name']}.{slot['name']}: unknown type {slot['type']}"


# --- samples -----------------------------------------------------------------------------


def test_samples_are_spoken_words_with_declared_slots(lm: dict):
    problems = []
    for intent in lm["intents"]:
        declared = set(_slot_types(intent))
        for sample in intent.get("samples", []):
            where = f"{intent['name']}: {sample!r}"
            tokens = sample.split(" ")
            if not sample or any(not t for t in tokens):
                problems.append(f"{where} empty or has extra spaces")
                continue
            # A slot must stand alone between spaces: "{subject}'s" is a build error.
            bad = [t for t in tokens if not SAMPLE_TOKEN_RE.fullmatch(t)]
            if bad:
                problems.append(f"{where} bad tokens {bad}")
            used = SLOT_RE.findall(sample)
            if len(used) != len(set(used)):
                problems.append(f"{where} uses a slot twice")
            if set(used) - declared:
                problems.append(f"{where} undeclared slots {sorted(set(used) - declared)}")
    assert not problems, "\n".join(problems)


def test_no_duplicate_samples_within_an_intent(lm: dict):
    for intent in lm["intents"]:
        samples = [_norm(s) for s in intent.get("samples", [])]
        dupes = sorted({s for s in samples if samples.count(s) > 1})
        assert not dupes, f"{intent['name']} repeats {dupes}"


def test_no_sample_in_two_intents(lm: dict):
    owner: dict[str, str] = {}
    clashes = []
    for intent in lm["intents"]:
        for sample in {_norm(s) for s in intent.get("samples", [])}:
            if sample in owner:
                clashes.append(f"{sample!r}: {owner[sample]} and {intent['name']}")
            owner[sample] = intent["name"]
    assert not clashes, "\n".join(clashes)


def test_slot_samples_and_dialog_model(locale_file: Path, lm: dict):
    """Dialog.ElicitSlot needs the intent in the dialog model (delegation SKILL_RESPONSE) and
    slot-level samples that each name the slot being elicited."""
    model = _load(locale_file)["interactionModel"]
    dialog = model["dialog"]
    assert dialog["delegationStrategy"] == "SKILL_RESPONSE"
    intents = {i["name"]: i for i in lm["intents"]}
    prompts = {p["id"] for p in model.get("prompts", [])}
    elicited = set()
    for entry in dialog["intents"]:
        assert entry["delegationStrategy"] == "SKILL_RESPONSE"
        declared = _slot_types(intents[entry["name"]])
        assert {s["name"]: s["type"] for s in entry["slots"]} == declared
        for slot in entry["slots"]:
            if slot["elicitationRequired"]:
                assert slot["prompts"]["elicitation"] in prompts
                elicited.add(f"{entry['name']}.{slot['name']}")
    assert elicited == set(CONTRACT.elicited)
    for intent in lm["intents"]:
        for slot in intent.get("slots", []):
            for sample in slot.get("samples", []):
                used = SLOT_RE.findall(sample)
                assert f"{intent['name']}.{slot['name']}" in elicited, sample
                assert slot["name"] in used and set(used) <= set(_slot_types(intent)), sample
                assert all(SAMPLE_TOKEN_RE.fullmatch(t) for t in sample.split(" ")), sample


def test_custom_intents_have_enough_samples(lm: dict):
    for intent in lm["intents"]:
        if not intent["name"].startswith("AMAZON."):
            assert len(intent.get("samples", [])) >= 10, intent["name"]


# --- custom slot types -------------------------------------------------------------------


def test_custom_types(lm: dict):
    names = [t["name"] for t in lm["types"]]
    assert len(names) == len(set(names)), "duplicate type"
    used = {s["type"] for i in lm["intents"] for s in i.get("slots", [])}
    for slot_type in lm["types"]:
        tname = slot_type["name"]
        assert NAME_RE.fullmatch(tname) and not tname.startswith("AMAZON"), tname
        assert tname in used, f"type {tname} is not used by any slot"
        assert slot_type["values"], f"type {tname} has no values"
        ids = [v["id"] for v in slot_type["values"]]
        assert len(ids) == len(set(ids)), f"{tname}: duplicate ids"
        seen: dict[str, str] = {}
        for value in slot_type["values"]:
            phrases = [value["name"]["value"], *value["name"].get("synonyms", [])]
            for phrase in phrases:
                assert SPOKEN_RE.fullmatch(phrase), f"{tname}/{value['id']}: {phrase!r}"
                key = _norm(phrase)
                other = seen.setdefault(key, value["id"])
                assert other == value["id"], f"{tname}: {phrase!r} under {other} and {value['id']}"
            lowered = [_norm(p) for p in phrases]
            assert len(lowered) == len(set(lowered)), f"{tname}/{value['id']}: repeated synonym"


INTENSITY = ["killing me", "agony", "terrible", "awful", "really bad", "unbearable",
             "excruciating", "worst ever", "hurts like hell", "too much"]  # fmt: skip


def _owners(lm: dict, phrase: str) -> set[tuple[str, str]]:
    return {
        (t["name"], v["id"])
        for t in lm["types"]
        for v in t["values"]
        if phrase in {_norm(p) for p in (v["name"]["value"], *v["name"].get("synonyms", []))}
    }


@pytest.mark.parametrize("phrase", INTENSITY)
def test_intensity_words_mean_severe_and_nothing_else(lm: dict, phrase: str):
    """"It's killing me" is how bad it is, never a red flag of its own."""
    assert _owners(lm, phrase) == {("SYMPTOM", "severe")}


def test_a_reassurance_is_never_also_a_finding(lm: dict):
    """A NORMAL_SIGN phrase ("moves fine") must not be a SYMPTOM phrase too: one answer
    cannot be both the all-clear and the warning sign."""
    types = _custom_types(lm)
    phrases = {
        name: {_norm(p) for v in types[name]["values"]
               for p in (v["name"]["value"], *v["name"].get("synonyms", []))}
        for name in ("SYMPTOM", "NORMAL_SIGN", "CONTEXT")
    }  # fmt: skip
    assert not phrases["SYMPTOM"] & phrases["NORMAL_SIGN"]
    assert not phrases["SYMPTOM"] & phrases["CONTEXT"]


def test_type_ids_match_the_contract(lm: dict):
    model_ids = {t["name"]: {v["id"] for v in t["values"]} for t in lm["types"]}
    assert model_ids == CONTRACT_IDS


def test_the_slots_the_code_reads_are_in_the_contract_with_their_types():
    """skill.triage.vocabulary names the slots findings and facts arrive in; each is a slot
    of the statement intents, of the type the code reads it as."""
    vocabulary = importlib.import_module("skill.triage.vocabulary")
    expected = {
        **{name: "SYMPTOM" for name in (*vocabulary.SYMPTOM_SLOTS, *vocabulary.DENIED_SLOTS)},
        vocabulary.NORMAL_SLOT: "NORMAL_SIGN",
        vocabulary.CONTEXT_SLOT: "CONTEXT",
        **{name: CONTRACT.slot_type("DescribePainIntent", name) for name in vocabulary.FACT_SLOTS},
    }
    for name, slot_type in expected.items():
        owners = [i for i in ("DescribePainIntent", "RedFlagIntent", "DenySymptomIntent")
                  if CONTRACT.slot_type(i, name)]
        assert owners, f"no statement intent has a {name} slot"
        assert {CONTRACT.slot_type(i, name) for i in owners} == {slot_type}, name
    assert {CONTRACT.slot_type("DescribePainIntent", n) for n in vocabulary.FACT_SLOTS} <= set(
        CONTRACT_IDS)




def test_every_intent_has_a_handler_and_every_handler_an_intent(lm: dict):
    skill_module = importlib.import_module("skill.alexa.skill")
    handled_intents = getattr(skill_module, "handled_intents", None)
    if handled_intents is None:
        pytest.skip("skill.alexa.skill.handled_intents() is not written yet")
    handled = set(handled_intents())
    in_model = {i["name"] for i in lm["intents"]}
    missing = in_model - handled
    assert not missing, f"intents without a handler: {sorted(missing)}"
    assert not handled - in_model, f"handled but not in model: {sorted(handled - in_model)}"


# --- everyday sentences (en-US) ----------------------------------------------------------

_UNITS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_DIGIT = "(?:zero|one|two|three|four|five|six|seven|eight|nine)"
NUMBER_RE = (
    rf"(?:zero|(?:{'|'.join(_TENS)})(?: (?:{'|'.join(_UNITS[:9])}))?|{'|'.join(_UNITS)}"
    r"|(?:a|one) hundred)"
    rf"(?: {_DIGIT})*"  # digit by digit, as people read out a code
)
_UNIT = r"(?:second|minute|hour|day|night|week|fortnight|month|year)s?"
_QUANTITY = rf"(?:a|an|a few|few|a couple of|a couple|couple of|several|half an|half a|{NUMBER_RE})"
DURATION_RE = rf"(?:{_QUANTITY} {_UNIT}(?: and a half)?|(?:a|one) {_UNIT} or (?:two|so))"


def _normalise_sentence(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^a-z' ]+", " ", text).split())


def _slot_pattern(slot_type: str, custom: dict[str, dict]) -> str:
    if slot_type == "AMAZON.NUMBER":
        return NUMBER_RE
    if slot_type == "AMAZON.DURATION":
        return DURATION_RE
    if slot_type in custom:
        phrases = {
            _norm(p)
            for v in custom[slot_type]["values"]
            for p in (v["name"]["value"], *v["name"].get("synonyms", []))
        }
        return "(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + ")"
    return r"[a-z' ]+"  # SearchQuery, FirstName...: anything


@cache
def _samples_of(path: Path) -> tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...]:
    """(intent, parts) per sample; a part is ("word", w, False) or ("slot", type, multi)."""
    lm = _language_model(path)
    found = []
    for intent in lm["intents"]:
        slots = {s["name"]: s for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            parts = []
            for token in _norm(sample).split(" "):
                slot = SLOT_RE.fullmatch(token)
                if slot:
                    decl = slots[slot.group(1)]
                    parts.append(("slot", decl["type"], "multipleValues" in decl))
                else:
                    parts.append(("word", token, False))
            found.append((intent["name"], tuple(parts)))
    return tuple(found)


@cache
def _phrase_table(path: Path) -> dict[str, set[tuple[str, ...]]]:
    return {
        name: {
            tuple(_norm(p).split())
            for v in t["values"]
            for p in (v["name"]["value"], *v["name"].get("synonyms", []))
        }
        for name, t in _custom_types(_language_model(path)).items()
    }


@cache
def _built_in_regex(slot_type: str) -> re.Pattern[str]:
    return re.compile(_slot_pattern(slot_type, {}))


def _value_ends(path: Path, slot_type: str, words: tuple[str, ...], i: int) -> set[int]:
    """Where a value of this type that starts at word i can end."""
    table = _phrase_table(path).get(slot_type)
    if table is not None:
        return {j for j in range(i + 1, len(words) + 1) if words[i:j] in table}
    rx = _built_in_regex(slot_type)
    return {j for j in range(i + 1, len(words) + 1) if rx.fullmatch(" ".join(words[i:j]))}


def _matches(path: Path, parts: tuple, words: tuple[str, ...], p: int, i: int) -> bool:
    if p == len(parts):
        return i == len(words)
    kind, what, multi = parts[p]
    if i >= len(words):
        return False
    if kind == "word":
        return words[i] == what and _matches(path, parts, words, p + 1, i + 1)
    starts, seen = [i], set()
    while starts:  # a multiple-value slot: values joined by "and", "or" or a pause
        start = starts.pop()
        for end in _value_ends(path, what, words, start):
            if (end, start) in seen:
                continue
            seen.add((end, start))
            if _matches(path, parts, words, p + 1, end):
                return True
            if multi and end < len(words):
                starts.append(end + 1 if words[end] in ("and", "or") else end)
    return False


def matching_intents(path: Path, sentence: str) -> set[str]:
    words = tuple(_normalise_sentence(sentence).split())
    present = set(words)
    return {
        name
        for name, parts in _samples_of(path)
        if all(kind != "word" or w in present for kind, w, _ in parts)
        and _matches(path, parts, words, 0, 0)
    }


# Real phrasings no sample matches word for word. Alexa's NLU (and the console's fuzzy
# matcher) must work from the slot values they contain, so the model must at least know
# one of those values.
FUZZY_ONLY = [
    "my mum's leg has been really puffy since she got off the plane",
    "I think I've torn something in my calf",
    "it kind of throbs behind my knee when I've been standing a while",
    "my legs feel heavy and tired in the evening",
    "ouch my calf",
    "my grandad says his calf is killing him",
    "I have a fever and I'm confused",
    "sciatica again, it's down my right leg",
    "she's been in bed with her leg up since Tuesday",
    "my hamstring went during the match on Saturday",
]


@pytest.mark.parametrize("sentence", FUZZY_ONLY)
def test_fuzzy_sentence_contains_a_known_slot_value(sentence: str):
    text = f" {_normalise_sentence(sentence)} "
    custom = _custom_types(_language_model(EN_US))
    phrases = {
        _norm(p)
        for t in custom.values()
        for v in t["values"]
        for p in (v["name"]["value"], *v["name"].get("synonyms", []))
    }
    assert any(f" {p} " in text for p in phrases), sentence
