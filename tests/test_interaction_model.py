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

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "interaction_model" / "interactionModels" / "custom"
LOCALE_FILES = sorted(MODEL_DIR.glob("*.json"))
EN_US = MODEL_DIR / "en-US.json"

# --- contracts (DEVELOPERS.md "Intents") -------------------------------------------------

CUSTOM_INTENTS: dict[str, dict[str, str]] = {
    "DescribePainIntent": {
        "subject": "PERSON",
        "location": "LEG_LOCATION",
        "side": "LEG_SIDE",
        "onset": "PAIN_ONSET",
        "trigger": "PAIN_TRIGGER",
        "symptom": "SYMPTOM",
        "other_symptom": "SYMPTOM",
        "duration": "AMAZON.DURATION",
    },
    "RedFlagIntent": {
        "subject": "PERSON",
        "location": "LEG_LOCATION",
        "symptom": "SYMPTOM",
        "other_symptom": "SYMPTOM",
    },
    "DontKnowIntent": {},
    "PainScaleIntent": {"score": "AMAZON.NUMBER"},
    "DurationIntent": {"duration": "AMAZON.DURATION"},
    "RiceIntent": {},
    "StretchIntent": {"stretch": "STRETCH"},
    "HydrationIntent": {},
    "PostureIntent": {},
    "WhyIntent": {},
    "CheckInIntent": {"subject": "PERSON"},
    "SummaryIntent": {"subject": "PERSON"},
    "ShareIntent": {},
    "ConnectIntent": {"code": "AMAZON.NUMBER"},
    "StopSharingIntent": {},
    "DeleteDataIntent": {},
    "ReminderIntent": {"time": "AMAZON.TIME"},
}
BUILTIN_INTENTS = {
    f"AMAZON.{name}Intent"
    for name in [
        "Help",
        "Stop",
        "Cancel",
        "Fallback",
        "NavigateHome",
        "Yes",
        "No",
        "Repeat",
        "Next",
        "Previous",
        "StartOver",
        "Pause",
        "Resume",
    ]
}

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


def test_intents_match_developers_contract(lm: dict):
    intents = {i["name"]: i for i in lm["intents"]}
    assert set(intents) == set(CUSTOM_INTENTS) | BUILTIN_INTENTS
    for name, slots in CUSTOM_INTENTS.items():
        assert _slot_types(intents[name]) == slots, name


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


def test_type_ids_match_vocabulary(lm: dict):
    vocabulary = pytest.importorskip("skill.triage.vocabulary")
    assert hasattr(vocabulary, "SLOT_IDS"), "skill.triage.vocabulary must define SLOT_IDS"
    model_ids = {t["name"]: {v["id"] for v in t["values"]} for t in lm["types"]}
    expected = {name: set(ids) for name, ids in vocabulary.SLOT_IDS.items()}
    assert model_ids == expected


def test_every_intent_has_a_handler_and_every_handler_an_intent(lm: dict):
    skill_module = importlib.import_module("skill.alexa.skill")
    handled_intents = getattr(skill_module, "handled_intents", None)
    if handled_intents is None:
        pytest.skip("skill.alexa.skill.handled_intents() is not written yet")
    handled = set(handled_intents())
    in_model = {i["name"] for i in lm["intents"]}
    assert not in_model - handled, f"intents without a handler: {sorted(in_model - handled)}"
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
def _compiled_samples(path: Path) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    lm = _language_model(path)
    custom = _custom_types(lm)
    compiled = []
    for intent in lm["intents"]:
        types = _slot_types(intent)
        for sample in intent.get("samples", []):
            parts = []
            for token in _norm(sample).split(" "):
                slot = SLOT_RE.fullmatch(token)
                parts.append(
                    _slot_pattern(types[slot.group(1)], custom) if slot else re.escape(token)
                )
            compiled.append((intent["name"], sample, re.compile(" ".join(parts))))
    return tuple(compiled)


def matching_intents(path: Path, sentence: str) -> set[str]:
    text = _normalise_sentence(sentence)
    return {name for name, _, rx in _compiled_samples(path) if rx.fullmatch(text)}


EVERYDAY = [
    (
        "my mum's calf has been puffy since her flight and she's a bit breathless",
        "DescribePainIntent",
    ),
    ("my calf is swollen and hot", "RedFlagIntent"),
    ("my leg is cold and pale", "RedFlagIntent"),
    ("I can't breathe", "RedFlagIntent"),
    ("I can't feel my legs", "RedFlagIntent"),
    ("I pulled my hamstring playing football", "DescribePainIntent"),
    ("the back of my legs are sore after a long run yesterday", "DescribePainIntent"),
    ("pain shoots from my bum down the side of my leg", "DescribePainIntent"),
    ("my calf hurts when I walk and goes away when I stop", "DescribePainIntent"),
    ("I keep getting cramps in my calf at night", "DescribePainIntent"),
    ("the back of my thighs ache after sitting at my desk all day", "DescribePainIntent"),
    ("my dad has a swollen calf", "DescribePainIntent"),
    ("pain in the back of my knee", "DescribePainIntent"),
    ("my left calf started hurting suddenly after a long drive", "DescribePainIntent"),
    ("it came on gradually", "DescribePainIntent"),
    ("I felt a pop in my heel", "DescribePainIntent"),
    ("it's for my husband", "DescribePainIntent"),
    ("my wife's achilles hurts", "DescribePainIntent"),
    ("my right hamstring hurts", "DescribePainIntent"),
    ("the pain goes down the back of my leg", "DescribePainIntent"),
    ("I've got pins and needles in my calf", "DescribePainIntent"),
    ("it's been three days", "DescribePainIntent"),
    ("my grandad is confused", "RedFlagIntent"),
    ("she can't stand on tiptoe", "RedFlagIntent"),
    ("I can't put weight on it", "RedFlagIntent"),
    ("my mum has chest pain", "RedFlagIntent"),
    ("my calf is swollen and I can't breathe", "RedFlagIntent"),
    ("I'm short of breath", "RedFlagIntent"),
    ("my leg has gone numb", "RedFlagIntent"),
    ("my foot is blue", "RedFlagIntent"),
    ("about two weeks", "DurationIntent"),
    ("it started a couple of days ago", "DurationIntent"),
    ("seven out of ten", "PainScaleIntent"),
    ("about a six", "PainScaleIntent"),
    ("I don't know", "DontKnowIntent"),
    ("he hasn't said", "DontKnowIntent"),
    ("yeah a bit", "AMAZON.YesIntent"),
    ("not really", "AMAZON.NoIntent"),
    ("guide me through a hamstring stretch", "StretchIntent"),
    ("how do I stretch my calves", "StretchIntent"),
    ("what is RICE?", "RiceIntent"),
    ("how do I ice it", "RiceIntent"),
    ("how much water should I drink", "HydrationIntent"),
    ("how should I sit at my desk", "PostureIntent"),
    ("why is that", "WhyIntent"),
    ("check in for my mum", "CheckInIntent"),
    ("how has mom been doing this week", "SummaryIntent"),
    ("share my check ins", "ShareIntent"),
    ("connect to code four one two nine nine three", "ConnectIntent"),
    ("stop sharing", "StopSharingIntent"),
    ("delete my data", "DeleteDataIntent"),
    ("remind me to check in every morning", "ReminderIntent"),
]

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


@pytest.mark.parametrize(("sentence", "intent"), EVERYDAY, ids=[s for s, _ in EVERYDAY])
def test_everyday_sentence_matches_a_sample(sentence: str, intent: str):
    found = matching_intents(EN_US, sentence)
    assert found == {intent}, f"{sentence!r} matched {sorted(found) or 'nothing'}"


def test_enough_everyday_sentences():
    assert len(EVERYDAY) >= 20


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
