"""The console's two NLU modes, its envelopes for v2 slots, the dialog model, and the
options that point the skill at local fakes of Alexa's APIs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa.slots import resolved_ids
from skill.console import dates
from skill.console.conversation import Conversation
from skill.console.dates import dates as read_dates
from skill.console.model import load
from skill.console.negation import denied_spans
from skill.console.nlu import Elicit, understand
from skill.console.text import tokens
from skill.console.typos import correct

REPO = Path(__file__).resolve().parents[1]
_serializer = DefaultSerializer()
FRIDAY = date(2026, 11, 27)
REMINDERS = "alexa::alerts:reminders:skill:readwrite"


def hear(text: str, nlu: str = "generous", locale: str = "en-US", elicit=None):
    return understand(text, load(locale), nlu=nlu, elicit=elicit)


def ids(match) -> dict:
    def one(f):
        return f.value.id if f.value else f.heard

    return {n: [one(i) for i in f.items] if f.items else one(f) for n, f in match.slots.items()}


class FakeSkill:
    """Records requests; answers with whatever directives the test asks for."""

    def __init__(self, directives: list[dict] | None = None) -> None:
        self.requests: list[dict] = []
        self.directives = directives or []

    def __call__(self, event: dict) -> dict:
        self.requests.append(event)
        body = {"outputSpeech": {"type": "SSML", "ssml": "<speak>ok</speak>"}}
        if self.directives:
            body["directives"] = self.directives
        return {"version": "1.0", "response": {**body, "shouldEndSession": False}}


# --- strict and generous ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "generous", "strict"),
    [
        # Both modes: the model has these sentences.
        ("no I can't move it", "RedFlagIntent", "RedFlagIntent"),
        ("there's no swelling", "DenySymptomIntent", "DenySymptomIntent"),
        ("call 911", "EmergencyHelpIntent", "EmergencyHelpIntent"),
        ("um, hang on", "WaitIntent", "WaitIntent"),
        # Only generous: long sentences, typing slips, words the samples do not hold.
        ("honestly my calf is sort of puffy I reckon", "RedFlagIntent", "AMAZON.FallbackIntent"),
        ("my calf is swolen", "RedFlagIntent", "AMAZON.FallbackIntent"),
        ("he isn't really short of breath today", "DenySymptomIntent", "AMAZON.FallbackIntent"),
        ("yeah a bit I suppose", "AMAZON.YesIntent", "AMAZON.FallbackIntent"),
    ],
)
def test_what_each_mode_understands(said, generous, strict):
    assert hear(said).intent == generous
    assert hear(said, "strict").intent == strict


def test_strict_fills_slots_only_with_literal_values():
    match = hear("my calf is swollen and hot", "strict")
    assert match.intent == "RedFlagIntent"
    found = ids(match)
    assert found["location"] == "calf"
    stated = set(found.get("symptom", [])) | set(found.get("other_symptom", []))
    assert stated == {"swollen", "hot_red"}


def test_strict_hears_the_builtins_own_phrases():
    for said, intent in [("help", "AMAZON.HelpIntent"), ("stop", "AMAZON.StopIntent"),
                         ("yes", "AMAZON.YesIntent"), ("go back", "AMAZON.PreviousIntent")]:
        assert hear(said, "strict").intent == intent


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        hear("help", "lenient")


def test_a_list_of_three_findings_is_kept_in_one_multiple_value_slot():
    match = hear("my calf is swollen, red and tender", "strict")
    found = ids(match)
    stated = [v for n in ("symptom", "other_symptom", "third_symptom") for v in found.get(n, [])]
    assert set(stated) == {"swollen", "hot_red", "sore_stiff"}


def test_en_in_has_no_lists_so_the_extra_slots_carry_three_findings():
    match = hear("my calf is swollen and hot and I feel breathless", "strict", "en-IN")
    found = ids(match)
    assert (found["symptom"], found["other_symptom"], found["third_symptom"]) == (
        "swollen", "hot_red", "breathless",
    )  # fmt: skip


def test_intensity_words_are_severe_and_nothing_else():
    for said in ("it's killing me", "it's agony", "it's terrible", "it's awful", "it's really bad"):
        for nlu in ("generous", "strict"):
            assert ids(hear(said, nlu)) == {"symptom": ["severe"]}, (said, nlu)


# --- negation (generous) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "spans", "denied"),
    [
        ("no swelling", [(1, 2)], {0}),
        ("no i can't move it", [(2, 5)], set()),  # "no" answers; the finding is stated
        ("she hasn't been breathless", [(3, 4)], {0}),
        ("it's not red or hot", [(2, 3), (4, 5)], {0, 1}),
        ("no swelling and my chest hurts", [(1, 2), (3, 6)], {0}),  # a new clause
        ("no but it's swollen", [(3, 4)], set()),
        ("i'm not sure it's swollen", [(4, 5)], set()),  # doubt is not a denial
        ("no real sign of any swelling", [(5, 6)], {0}),
        ("no pop no bruising", [(1, 2), (3, 4)], {0, 1}),
    ],
)
def test_negation_scope(said, spans, denied):
    assert denied_spans(said.split(), spans) == denied


def test_a_denied_finding_never_reaches_a_stated_slot():
    match = hear("there's definitely no swelling and I'm not breathless, just sore")
    found = ids(match)
    stated = set(found.get("symptom", []))
    assert "swollen" not in stated and "breathless" not in stated
    assert {"swollen", "breathless"} <= set(found.get("denied", []))


def test_typing_slips_are_corrected_one_edit_away_and_short_words_are_left():
    model = load("en-US")
    assert correct(model, ["my", "calf", "is", "swolen"])[-1] == "swollen"
    assert correct(model, ["i", "can't", "breath"])[-1] == "breathe"
    assert correct(model, ["bold"]) == ["bold"]


# --- AMAZON.DATE ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("today", "2026-11-27"),
        ("yesterday", "2026-11-26"),
        ("monday", "2026-11-30"),  # Alexa leans to the future
        ("last monday", "2026-11-23"),
        ("last week", "2026-W47"),
        ("this weekend", "2026-W48-WE"),
        ("last month", "2026-10"),
        ("the fifth of march", "2027-03-05"),
        ("november the twentieth", "2027-11-20"),
        ("now", "PRESENT_REF"),
    ],
)
def test_dates_resolve_as_alexa_does(said, value):
    assert read_dates(tokens(said), 0, FRIDAY)[0][1] == value


def test_since_a_weekday_is_a_date_slot(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: FRIDAY)
    assert ids(hear("since tuesday", "strict")) == {"since_date": "2026-12-01"}


# --- envelopes ----------------------------------------------------------------------------


def test_a_multiple_value_slot_is_a_list_slot_value_without_a_top_level_value():
    skill = FakeSkill()
    chat = Conversation(handler=skill)
    chat.start()
    chat.say("my calf is swollen, hot and red and I'm breathless")
    slots = skill.requests[-1]["request"]["intent"]["slots"]
    listed = [s for s in slots.values() if "slotValue" in s and s["slotValue"]["type"] == "List"]
    assert listed
    for slot in listed:
        assert "value" not in slot and "resolutions" not in slot
        for item in slot["slotValue"]["values"]:
            assert item["type"] == "Simple" and item["value"]
            per = item["resolutions"]["resolutionsPerAuthority"][0]
            assert per["status"]["code"] == "ER_SUCCESS_MATCH"
    # The SDK reads it, and the skill's own reader gets every id.
    envelope = _serializer.deserialize(json.dumps(skill.requests[-1]), RequestEnvelope)
    intent = envelope.request.intent
    found = {i for name in ("symptom", "other_symptom", "third_symptom")
             for i in resolved_ids(intent.slots.get(name))}  # fmt: skip
    assert found == {"swollen", "hot_red", "breathless"}


def test_dialog_state_only_for_intents_in_the_dialog_model():
    skill = FakeSkill()
    chat = Conversation(handler=skill)
    chat.start()
    chat.say("my calf hurts")
    assert "dialogState" not in skill.requests[-1]["request"]
    chat.say("the code is one two three four five six")
    assert skill.requests[-1]["request"]["dialogState"] == "STARTED"


def test_the_answer_to_an_elicit_slot_is_heard_through_the_slot_samples():
    elicit = {
        "type": "Dialog.ElicitSlot",
        "slotToElicit": "stretch",
        "updatedIntent": {"name": "StretchIntent", "confirmationStatus": "NONE", "slots": {}},
    }
    skill = FakeSkill([elicit])
    chat = Conversation(handler=skill)
    chat.start()
    chat.say("stretches")
    chat.say("hamstring")  # outside a menu this would be a pain location
    request = skill.requests[-1]["request"]
    assert request["intent"]["name"] == "StretchIntent"
    assert request["dialogState"] == "IN_PROGRESS"
    slot = request["intent"]["slots"]["stretch"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == (
        "hamstring"
    )
    assert _serializer.deserialize(json.dumps(skill.requests[-1]), RequestEnvelope)


def test_without_an_elicitation_a_bare_hamstring_is_a_location():
    assert hear("hamstring").intent == "DescribePainIntent"
    assert hear("hamstring", elicit=Elicit("StretchIntent", "stretch")).intent == "StretchIntent"
    # A finding said during the menu is still a finding.
    menu = Elicit("StretchIntent", "stretch")
    assert hear("my calf is swollen and hot", elicit=menu).intent == "RedFlagIntent"


@pytest.mark.parametrize("nlu", ["generous", "strict"])
def test_whose_check_ins_is_answered_with_the_person_and_a_red_flag_is_still_one(nlu):
    """ "Whose check-ins would you like to hear: your dad or your wife?" elicits the
    summary's subject: "my dad" is that answer (not a new talk about dad's pain), while a
    red flag said instead is still heard as one."""
    which = Elicit("SummaryIntent", "subject")
    for answer in ("my dad", "dad", "my wife please", "what about my mom"):
        heard = hear(answer, nlu=nlu, elicit=which)
        assert heard.intent == "SummaryIntent" and heard.slots.get("subject"), answer
    assert hear("my dad", nlu=nlu).intent != "SummaryIntent", "only when asked"
    assert hear("my dad has chest pain", nlu=nlu, elicit=which).intent == "RedFlagIntent"


def test_api_endpoint_and_permissions_ride_in_every_envelope():
    skill = FakeSkill()
    chat = Conversation(handler=skill, api_endpoint="http://127.0.0.1:9999",
                        permissions=[REMINDERS], user="ann")  # fmt: skip
    chat.start()
    chat.say("remind me every day at 8am")
    chat.end()
    for request in skill.requests:
        system = request["context"]["System"]
        assert system["apiEndpoint"] == "http://127.0.0.1:9999"
        assert system["apiAccessToken"]
        for user in (system["user"], request["session"]["user"]):
            assert user["userId"] == "amzn1.ask.account.console-ann"
            assert user["permissions"]["consentToken"]
            assert user["permissions"]["scopes"] == {REMINDERS: {"status": "GRANTED"}}
        parsed = _serializer.deserialize(json.dumps(request), RequestEnvelope)
        assert parsed.context.system.user.permissions.consent_token


@pytest.mark.parametrize(
    ("locale", "endpoint"),
    [("en-US", "https://api.amazonalexa.com"), ("en-GB", "https://api.eu.amazonalexa.com"),
     ("en-AU", "https://api.fe.amazonalexa.com")],
)  # fmt: skip
def test_without_an_endpoint_each_locale_uses_its_region(locale, endpoint):
    skill = FakeSkill()
    Conversation(locale=locale, handler=skill).start()
    system = skill.requests[0]["context"]["System"]
    assert system["apiEndpoint"] == endpoint and "permissions" not in system["user"]


@pytest.mark.e2e
def test_cli_options_reach_the_envelopes(tmp_path):
    env = {**os.environ, "LEG_PAIN_DB": str(tmp_path / "s.sqlite3"), "HOME": str(tmp_path)}
    env.pop("SKILL_ID", None)
    args = ["--jsonl", "--nlu", "strict", "--api-endpoint", "http://127.0.0.1:1",
            "--permissions", f"{REMINDERS}, alexa::profile:name:read", "--user", "bo"]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "skill", "chat", *args],
        input=b"honestly my calf is sort of puffy I reckon\nmy calf hurts\n",
        capture_output=True, cwd=REPO, env=env, timeout=120, check=True,
    )  # fmt: skip
    turns = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert turns[1]["request"]["request"]["intent"]["name"] == "AMAZON.FallbackIntent"
    assert turns[2]["request"]["request"]["intent"]["name"] == "DescribePainIntent"
    user = turns[1]["request"]["context"]["System"]["user"]
    assert user["userId"] == "amzn1.ask.account.console-bo"
    assert set(user["permissions"]["scopes"]) == {REMINDERS, "alexa::profile:name:read"}
    assert turns[1]["request"]["context"]["System"]["apiEndpoint"] == "http://127.0.0.1:1"


@pytest.mark.e2e
def test_help_lists_every_option():
    done = subprocess.run([sys.executable, "-m", "skill", "chat", "--help"], cwd=REPO,
                          capture_output=True, timeout=60, check=True)  # fmt: skip
    text = done.stdout.decode()
    for option in ("--jsonl", "--locale", "--user", "--screen", "--speak", "--nlu",
                   "--api-endpoint", "--permissions"):  # fmt: skip
        assert option in text


# --- never crash, stay fast ---------------------------------------------------------------


@pytest.mark.parametrize("nlu", ["generous", "strict"])
def test_a_long_paste_is_fast_in_both_modes(nlu):
    model = load("en-US")
    understand("warm up", model, nlu=nlu)
    texts = ["calf " * 2000, "swollen and " * 900, "x" * 10_000, "no " * 3000, "hot red " * 1200]
    start = time.perf_counter()
    for text in texts:
        assert understand(text, model, nlu=nlu).kind == "intent"
    assert time.perf_counter() - start < 2.0


WORDS = ["my", "calf", "swollen", "and", "or", "no", "not", "hot", "red", "breathless", "it's",
         "the", "one", "first", "wait", "since", "monday", "a", "bit", "killing", "me", "call",
         "911", "isn't", "can't", "move", "it", "fine", "puffy", "she", "his", "leg"]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.one_of(st.lists(st.sampled_from(WORDS), max_size=20).map(" ".join), st.text()),
    locale=st.sampled_from(["en-US", "en-IN"]),
    nlu=st.sampled_from(["generous", "strict"]),
)
def test_any_text_in_any_mode_gets_an_intent(text, locale, nlu):
    match = understand(text, load(locale), nlu=nlu)
    assert match.kind == "launch" or match.intent


@pytest.mark.parametrize("said", [
    "his leg looks kinda blue, oh wait, no, that's the dye from his new jeans",
    "my feet are cold yes, but the AC is on full blast in this room",
])
def test_generous_hears_a_sign_taken_back_in_one_breath_both_ways(said):
    found = ids(hear(said))
    stated = set(found.get("symptom", [])) | set(found.get("other_symptom", []))
    assert stated and stated <= set(found.get("denied", []))


def test_generous_keeps_a_plain_statement_of_a_sign_as_stated():
    found = ids(hear("his foot has gone cold and blue"))
    assert "cold_pale" in found.get("symptom", []) and not found.get("denied")


def test_an_age_said_as_n_years_is_not_how_long_it_hurt():
    said = "I am seventeen years, yesterday I pulled my hamstring at cricket"
    assert ids(hear(said, locale="en-IN")).get("duration") == "P1D"  # "yesterday", not P17Y


def test_two_three_days_is_two_or_three_days_never_twenty_three():
    found = ids(hear("my leg is paining since two three days", locale="en-IN"))
    assert found.get("duration") == "P3D"


@pytest.mark.parametrize("nlu", ["generous", "strict"])
@pytest.mark.parametrize("said", ["I didn't catch that", "one more time"])
def test_not_having_heard_is_a_repeat_in_both_modes_never_a_no(said, nlu):
    assert hear(said, nlu).intent == "AMAZON.RepeatIntent"


def test_a_real_word_one_slip_from_a_sign_is_left_alone():
    found = ids(hear("my calf went a bit tight when I was pushing the car off the drive"))
    assert found.get("symptom") == ["sore_stiff"]  # "tight"; "pushing" is not "gushing"


def test_a_new_clause_ends_a_negators_reach():
    # "it's getting worse not better, it's rock hard": rock hard is stated, not denied
    found = ids(hear("it's getting worse not better, it's rock hard"))
    assert "tight_shiny" in found.get("symptom", []) and not found.get("denied")
