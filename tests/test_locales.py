"""Every English locale has every intent, slot type and spoken string, in its own words.

Numbers come from docs/clinical.md (d) and are spoken digit by digit (c): each locale's
emergency outcome names its own emergency number and no other locale's; its urgent outcome
names its own non-emergency line. Spelling and units follow the locale (locales.json
"replace"), and the interaction models keep en-US's intents, slots, types and ids, which
are the contract the handlers read (DEVELOPERS.md).
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest
from support import Conversation
from test_interaction_model import matching_intents

from skill.content import for_locale, localise, supported_locales
from skill.content.guide_id import GuideId
from skill.speech.guides import build_steps, guide_ids, step_speech
from skill.speech.render import render_outcome
from skill.speech.ssml import problems, speak, to_text
from skill.triage.engine import Outcome

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "interaction_model" / "interactionModels" / "custom"
CONTENT = ROOT / "skill" / "content"
LOCALES = supported_locales()
NON_US = [loc for loc in LOCALES if loc != "en-US"]

# clinical.md (d): what each locale's listener must hear, as plain text (cards, to_text).
EMERGENCY = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "triple zero",
             "en-IN": "112"}
# ...and how it is spoken (clinical.md (c): digit by digit, "triple zero").
EMERGENCY_SSML = {
    "en-US": '<say-as interpret-as="digits">911</say-as>',
    "en-CA": '<say-as interpret-as="digits">911</say-as>',
    "en-GB": '<say-as interpret-as="digits">999</say-as>',
    "en-AU": '<sub alias="triple zero">000</sub>',
    "en-IN": '<say-as interpret-as="digits">112</say-as>',
}
EMERGENCY_CARD = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "000",
                  "en-IN": "112"}
ALL_EMERGENCY = {r"\b911\b", r"\b999\b", r"\b000\b", r"triple zero", r"\b112\b", r"\b108\b"}
OWN_EMERGENCY = {
    "en-US": {r"\b911\b"}, "en-CA": {r"\b911\b"}, "en-GB": {r"\b999\b"},
    "en-AU": {r"\b000\b", r"triple zero"}, "en-IN": {r"\b112\b", r"\b108\b"},
}
URGENT_LINE = {
    "en-US": "urgent care or the emergency department today",
    "en-CA": "811",
    "en-GB": "NHS 111",
    "en-AU": "healthdirect on 1800 022 222",
    "en-IN": "urgent care or the emergency department today",
}
ALL_LINES = {"en-CA": r"\b811\b", "en-GB": r"\b111\b", "en-AU": r"1800 022 222"}

# Placeholders filled by the code at the moment of speaking (not by the locale).
CALL_TIME = {
    name: "7" for name in (
        "answered", "caution", "code", "count", "date", "day", "days", "done", "evidence",
        "finding",
        "first", "guide", "half", "hint", "hour", "items", "last", "minute", "month", "n",
        "name", "names", "next", "offer", "options", "outcome", "pain", "part", "per_leg",
        "reps",
        "safety_net",
        "seconds", "times",
        "previous", "prompt", "question", "retention", "score", "setup", "side",
        "stretch_name", "time", "total", "weekday",
    )
}

# Words a listener outside the US should not hear. Canada spells the British way and is
# metric, but says "counterclockwise", "pediatric" and "anesthetic" like the US.
US_UNITS_AND_SPELLING = [
    r"\babout (?:a|one|two|three|\d+) (?:foot|feet)\b",  # "foot" as a length
    r"\b\d+ ?(?:ft|feet|foot|inch|inches|lbs?|mph|°F)\b",
    r"\binch(?:es)?\b", r"\bmiles?\b", r"\bpounds?\b", r"\bfahrenheit\b", r"\bounces?\b",
    r"\bcolor", r"\bcenter", r"\bgray\b", r"\bemergency room\b", r"\bsoccer\b",
]
US_WORDS_NOT_COMMONWEALTH = [r"\bcounterclockwise\b", r"\bpediatric", r"\banesthe"]
MOM = r"\bmom(?:'s|s|my)?\b"


def us_only(locale: str) -> list[str]:
    if locale == "en-US":
        return []
    found = list(US_UNITS_AND_SPELLING)
    if locale != "en-CA":
        found += [*US_WORDS_NOT_COMMONWEALTH, MOM]
    return found


def _model(locale: str) -> dict[str, Any]:
    path = MODEL_DIR / f"{locale}.json"
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


def _shape(lm: dict[str, Any]) -> dict[str, Any]:
    return {
        "invocation": lm["invocationName"],
        "intents": sorted(i["name"] for i in lm["intents"]),
        "slots": {
            i["name"]: [(s["name"], s["type"]) for s in i.get("slots", [])] for i in lm["intents"]
        },
        "types": sorted(t["name"] for t in lm["types"]),
        "ids": {t["name"]: sorted(v["id"] for v in t["values"]) for t in lm["types"]},
    }


def _resolve(lm: dict[str, Any], slot_type: str, phrase: str) -> str | None:
    for t in lm["types"]:
        if t["name"] == slot_type:
            for v in t["values"]:
                if phrase in [v["name"]["value"], *v["name"].get("synonyms", [])]:
                    return str(v["id"])
    return None


def _keys(node: Any, prefix: str = "") -> list[str]:
    """Every key of en.json that holds a spoken string. Left out: "_about", "sources" and
    "persons" (labels reach speech through {who}/{whose}, with the locale's overlay)."""
    if isinstance(node, str):
        return [prefix]
    if not isinstance(node, dict):
        return []
    out: list[str] = []
    for key, value in node.items():
        if key.startswith("_") or (not prefix and key in ("sources", "persons")):
            continue
        out += _keys(value, f"{prefix}.{key}" if prefix else key)
    return out


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() if not k.startswith("_") for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


EN = json.loads((CONTENT / "en.json").read_text(encoding="utf-8"))
KEYS = _keys(EN)
PERSONS = list(EN["persons"])
PROTOCOL = json.loads((ROOT / "skill" / "triage" / "protocol.json").read_text(encoding="utf-8"))
REASONS = {
    d: [f["id"] for f in PROTOCOL["red_flags"] if f["disposition"] == d]
    for d in ("emergency", "urgent")
}


def _en_value(key: str) -> str:
    node: Any = EN
    for part in key.split("."):
        node = node[part]
    return str(node)


def _check_spoken(locale: str, text: str, where: str) -> list[str]:
    found = []
    if "{" in text or "}" in text:
        found.append(f"{where}: unfilled placeholder in {text!r}")
    bad = problems(speak(text))
    if bad:
        found.append(f"{where}: SSML {bad}")
    plain = to_text(text)
    for pattern in us_only(locale):
        match = re.search(pattern, plain, flags=re.IGNORECASE)
        if match:
            found.append(f"{where}: {match.group(0)!r} in {locale}: {plain!r}")
    return found


# --- models ------------------------------------------------------------------------------


def test_every_locale_has_a_model_and_every_model_a_locale():
    models = sorted(p.stem for p in MODEL_DIR.glob("*.json"))
    assert models == LOCALES
    assert set(EMERGENCY) == set(LOCALES) == set(URGENT_LINE)


@pytest.mark.parametrize("locale", NON_US)
def test_model_has_en_us_intents_slots_types_and_ids(locale):
    assert _shape(_model(locale)) == _shape(_model("en-US"))


# Everyday sentences: each must match a sample of exactly its intent in every locale's model.
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
    ("alert my caregivers", "AlertCaregiversIntent"),
    ("send me alerts", "SendMeAlertsIntent"),
    ("send me alerts about my mom", "SendMeAlertsIntent"),
    ("stop alerts", "StopAlertsIntent"),
]

@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("sentence", "intent"), EVERYDAY, ids=[s for s, _ in EVERYDAY])
def test_everyday_sentences_work_in_every_locale(locale, sentence, intent):
    found = matching_intents(MODEL_DIR / f"{locale}.json", sentence)
    assert found == {intent}, f"{locale}: {sentence!r} matched {sorted(found) or 'nothing'}"


LOCAL_SENTENCES = [
    ("en-GB", "I've done my hamstring playing five a side", "DescribePainIntent"),
    ("en-GB", "my calf is playing up", "DescribePainIntent"),
    ("en-GB", "check in for me mam", "CheckInIntent"),
    ("en-GB", "how's my nan getting on", "SummaryIntent"),
    ("en-GB", "I hurt my calf running in new trainers", "DescribePainIntent"),
    ("en-GB", "should I put a bag of frozen peas on it", "RiceIntent"),
    ("en-GB", "give me some physio exercises", "StretchIntent"),
    ("en-AU", "I hurt my hamstring playing footy this arvo", "DescribePainIntent"),
    ("en-AU", "my calf started hurting this arvo", "DescribePainIntent"),
    ("en-AU", "I did my calf at the footy", "DescribePainIntent"),
    ("en-AU", "yeah nah", "AMAZON.NoIntent"),
    ("en-IN", "my calf is paining", "DescribePainIntent"),
    ("en-IN", "my amma's calf is swollen", "RedFlagIntent"),
    ("en-IN", "I am having pain in my calf", "DescribePainIntent"),
    ("en-IN", "I hurt my hamstring playing cricket", "DescribePainIntent"),
    ("en-IN", "since two days", "DurationIntent"),
    ("en-IN", "should I do hot fomentation", "HeatIceIntent"),  # v2: heat moved out of RICE
    ("en-IN", "she's feeling giddy", "RedFlagIntent"),
    ("en-CA", "I hurt my hamstring playing hockey", "DescribePainIntent"),
    ("en-CA", "my calf hurts after shovelling snow", "DescribePainIntent"),
    ("en-CA", "check in for my mom", "CheckInIntent"),
    ("en-CA", "check in for my mum", "CheckInIntent"),
]


@pytest.mark.parametrize(("locale", "sentence", "intent"), LOCAL_SENTENCES)
def test_local_sentences_match_a_sample(locale, sentence, intent):
    found = matching_intents(MODEL_DIR / f"{locale}.json", sentence)
    assert found == {intent}, f"{locale}: {sentence!r} matched {sorted(found) or 'nothing'}"


LOCAL_WORDS = [
    # (locale, slot type, heard, id)
    *[(loc, "PERSON", "mum", "mother") for loc in LOCALES],
    *[(loc, "PERSON", "mom", "mother") for loc in LOCALES],
    *[(loc, "PERSON", "gran", "grandmother") for loc in LOCALES],
    *[(loc, "LEG_LOCATION", "bum", "buttock_down") for loc in LOCALES],
    *[(loc, "PAIN_TRIGGER", "football", "exercise") for loc in LOCALES],
    *[(loc, "PAIN_TRIGGER", "jogging", "exercise") for loc in LOCALES],
    *[(loc, "LEG_LOCATION", "bottom", "buttock_down") for loc in ("en-GB", "en-AU", "en-IN")],
    *[(loc, "PAIN_TRIGGER", "cricket", "exercise") for loc in ("en-GB", "en-AU", "en-IN")],
    *[(loc, "SYMPTOM", "numb bum", "saddle_numb") for loc in ("en-GB", "en-AU", "en-IN")],
    ("en-GB", "PERSON", "me mam", "mother"),
    ("en-GB", "PERSON", "nanny", "grandmother"),
    ("en-AU", "PAIN_TRIGGER", "footy", "exercise"),
    ("en-AU", "SYMPTOM", "a mozzie bite", "wound"),
    ("en-IN", "PERSON", "amma", "mother"),
    ("en-IN", "PERSON", "mother", "mother"),
    ("en-IN", "PERSON", "nani", "grandmother"),
    ("en-IN", "PERSON", "nana", "grandfather"),  # maternal grandfather, not grandma
    ("en-IN", "SYMPTOM", "giddy", "fainting"),
    ("en-IN", "SYMPTOM", "a catch", "cramp"),
    ("en-CA", "PAIN_TRIGGER", "hockey", "exercise"),
    ("en-CA", "PAIN_TRIGGER", "slipping on ice", "injury"),
    ("en-US", "PERSON", "nana", "grandmother"),
]


@pytest.mark.parametrize(("locale", "slot_type", "phrase", "slot_id"), LOCAL_WORDS)
def test_local_words_resolve_to_the_contract_ids(locale, slot_type, phrase, slot_id):
    assert _resolve(_model(locale), slot_type, phrase) == slot_id


# --- content -----------------------------------------------------------------------------


def test_locales_json_gives_every_locale_the_same_overlay_keys():
    raw = json.loads((CONTENT / "locales.json").read_text(encoding="utf-8"))
    for locale in LOCALES:
        overlay = raw[locale]
        assert {"emergency", "emergency_text", "urgent_action", "ed", "replace"} <= set(overlay)
        for subject, label in overlay.get("persons", {}).items():
            assert subject in EN["persons"], (locale, subject)
            # An overlay changes only what differs (mum, gran); the rest comes from en.json.
            assert set(label) <= set(EN["persons"][subject]), (locale, subject)
        for us, local in overlay["replace"].items():
            # Applying the map twice changes nothing (guides.py may localise again).
            assert localise(local, overlay["replace"]) == local, (locale, us)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_spoken_string_resolves_in_every_locale(locale):
    c = for_locale(locale)
    assert c.locale == locale
    found: list[str] = []
    for key in KEYS:
        unknown = _placeholders(_en_value(key)) - set(c.params()) - set(CALL_TIME)
        assert not unknown, f"{key}: placeholders nobody fills: {unknown}"
        for subject in PERSONS:
            found += _check_spoken(locale, c.say(key, subject, **CALL_TIME), f"{key}/{subject}")
    for template in _strings(c.guides):
        for subject in ("self", "mother"):
            found += _check_spoken(locale, c.fill(template, subject, **CALL_TIME), "guides")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_guide_step_as_heard_is_local_and_valid(locale):
    c = for_locale(locale)
    found: list[str] = []
    for guide_id in guide_ids(c):
        for subject in ("self", "mother"):
            steps = build_steps(c, guide_id, subject)
            for index in range(len(steps)):
                text = step_speech(c, guide_id, steps, index)
                found += _check_spoken(locale, text, f"{guide_id} step {index + 1}")
    assert not found, "\n".join(found)


def test_local_units_and_spelling_are_used():
    assert "about a foot" in for_locale("en-US").guides["stretches"]["calf"]["setup"]
    for locale in NON_US:
        guides = for_locale(locale).guides
        assert "about thirty centimetres" in guides["stretches"]["calf"]["setup"], locale
    desk = GuideId("desk_routine")
    for locale, word in [("en-US", "counterclockwise"), ("en-CA", "counterclockwise"),
                         ("en-GB", "anticlockwise"), ("en-AU", "anticlockwise"),
                         ("en-IN", "anticlockwise")]:
        c = for_locale(locale)
        heard = " ".join(s.ssml for s in build_steps(c, desk))
        assert f"clockwise, then {word}" in heard, locale
        # The desk routine ends with the calf stretch set-up: local units there too.
        assert ("about a foot" in heard) == (locale == "en-US"), locale


@pytest.mark.parametrize(("locale", "mother", "grandmother"), [
    ("en-US", "your mom", "your grandma"), ("en-CA", "your mom", "your grandma"),
    ("en-GB", "your mum", "your gran"), ("en-AU", "your mum", "your nan"),
    ("en-IN", "your mother", "your grandmother"),
])
def test_person_labels_are_local(locale, mother, grandmother):
    c = for_locale(locale)
    assert c.say("questions.statin", "mother").startswith(f"Is {mother} taking a statin")
    assert c.person("grandmother")["who"] == grandmother


def test_an_unknown_locale_falls_back_to_en_us():
    assert for_locale("fr-FR").locale == "en-US"
    assert for_locale(None).locale == "en-US"
    assert "911" in for_locale("en-NZ").say("outcomes.emergency.card_title")


# --- numbers: emergency and non-emergency ------------------------------------------------


def _numbers_heard(text: str) -> set[str]:
    return {p for p in ALL_EMERGENCY if re.search(p, text)}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("reason", REASONS["emergency"])
def test_emergency_outcome_names_the_locales_own_number(locale, reason):
    c = for_locale(locale)
    for subject in ("self", "mother"):
        rendered = render_outcome(c, Outcome("emergency", reason, None), {"subject": subject})
        assert problems(speak(rendered.speech)) == []
        text = to_text(rendered.speech)
        assert text.startswith(f"This could be serious. Call {EMERGENCY[locale]}"), text
        assert rendered.speech.count(EMERGENCY_SSML[locale]) == 2, "said, then said again"
        assert _numbers_heard(text) <= OWN_EMERGENCY[locale], text
        card = rendered.card_title + "\n" + rendered.card_text
        assert EMERGENCY_CARD[locale] in card
        assert _numbers_heard(card) <= OWN_EMERGENCY[locale], card
        assert rendered.end_session
    if locale == "en-IN":
        assert "108 for an ambulance" in text


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("reason", REASONS["urgent"])
def test_urgent_outcome_names_the_locales_own_line(locale, reason):
    c = for_locale(locale)
    rendered = render_outcome(c, Outcome("urgent", reason, None), {"subject": "mother"})
    assert problems(speak(rendered.speech)) == []
    text = to_text(rendered.speech)
    assert URGENT_LINE[locale] in text, text
    for other, line in ALL_LINES.items():
        assert (re.search(line, text) is not None) == (other == locale), (other, text)
    # "If breathlessness or chest pain start, call ... straight away": the own number only.
    assert _numbers_heard(text) and _numbers_heard(text) <= OWN_EMERGENCY[locale], text


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_naming_the_emergency_number_names_the_locales_own(locale):
    c = for_locale(locale)
    for key in KEYS:
        if "{emergency" in _en_value(key):
            text = to_text(c.say(key, "self", **CALL_TIME))
            heard = _numbers_heard(text)
            assert heard and heard <= OWN_EMERGENCY[locale], (key, text)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_conversation_in_each_locale_gets_its_own_numbers(tmp_path, locale):
    convo = Conversation(tmp_path / "store.sqlite3", locale=locale)
    launch = convo.launch()
    assert _numbers_heard(launch.text) <= OWN_EMERGENCY[locale]
    turn = convo.intent("RedFlagIntent", subject="mother", location="calf", symptom="swollen",
                        other_symptom="hot_red")
    assert turn.pending == "pe_signs", "the emergency checks come before 'be seen today'"
    while turn.pending:  # breathless? cold and pale? signs of a serious infection? no
        turn = convo.no()
    assert turn.disposition == "urgent"
    assert URGENT_LINE[locale] in turn.text
    assert _numbers_heard(turn.text) <= OWN_EMERGENCY[locale]
    heard = convo.intent("RedFlagIntent", subject="mother", symptom="breathless")
    assert f"call {EMERGENCY[locale]}" in heard.text and heard.confirming == "breathless"
    assert _numbers_heard(heard.text) <= OWN_EMERGENCY[locale]
    turn = convo.confirms()
    assert turn.disposition == "emergency"
    assert turn.text.startswith(f"This could be serious. Call {EMERGENCY[locale]}")
    assert _numbers_heard(turn.text) <= OWN_EMERGENCY[locale]
    assert turn.card and EMERGENCY_CARD[locale] in turn.card["title"]


def test_the_words_keep_one_set_of_placeholders_per_person_never_one_per_voice():
    from skill.content import for_locale

    words = for_locale("en-US")
    for voice in range(50):  # check-ins name recognised voices "voice-<hash>"
        words.say("checkin.consent_given", f"voice-{voice}")
    assert set(words._params) <= set(words.words["persons"])
