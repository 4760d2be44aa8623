"""The console matcher: typed everyday sentences -> the intent and slot ids Alexa would send.

Unit tests run against a small model written here; the integration tests at the end run
the same kinds of sentences against the real en-US interaction model."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.console.model import MODEL_DIR, build, load, load_path
from skill.console.nlu import Match, understand
from skill.console.quantities import durations, numbers, times
from skill.console.text import normalise, tokens


def value(name: str, *synonyms: str, id: str | None = None) -> dict:
    return {"id": id or name.replace(" ", "_"), "name": {"value": name, "synonyms": list(synonyms)}}


SMALL_MODEL = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "leg pain guide",
            "intents": [
                {
                    "name": "DescribePainIntent",
                    "slots": [
                        {"name": "subject", "type": "PERSON"},
                        {"name": "location", "type": "LEG_LOCATION"},
                        {"name": "trigger", "type": "PAIN_TRIGGER"},
                        {"name": "symptom", "type": "SYMPTOM"},
                        {"name": "other_symptom", "type": "SYMPTOM"},
                        {"name": "duration", "type": "AMAZON.DURATION"},
                    ],
                    "samples": [
                        "{location}",
                        "my {location} hurts",
                        "{subject} {location} hurts",
                        "my {location} has been hurting for {duration}",
                    ],
                },
                {
                    "name": "RedFlagIntent",
                    "slots": [
                        {"name": "subject", "type": "PERSON"},
                        {"name": "location", "type": "LEG_LOCATION"},
                        {"name": "symptom", "type": "SYMPTOM"},
                        {"name": "other_symptom", "type": "SYMPTOM"},
                    ],
                    "samples": ["my {location} is {symptom}", "i'm {symptom}"],
                },
                {"name": "DontKnowIntent", "samples": ["no idea", "i don't know", "not sure"]},
                {
                    "name": "PainScaleIntent",
                    "slots": [{"name": "score", "type": "AMAZON.NUMBER"}],
                    "samples": ["{score}", "{score} out of ten", "about a {score}", "a {score}"],
                },
                {
                    "name": "DurationIntent",
                    "slots": [{"name": "duration", "type": "AMAZON.DURATION"}],
                    "samples": ["{duration}", "for {duration}", "for about {duration}"],
                },
                {
                    "name": "StretchIntent",
                    "slots": [{"name": "stretch", "type": "STRETCH"}],
                    "samples": ["{stretch} stretch", "how do i stretch my {stretch}"],
                },
                {"name": "HydrationIntent", "samples": ["how much water should i drink"]},
                {"name": "AMAZON.YesIntent", "samples": ["yeah a bit"]},
                {"name": "AMAZON.NoIntent", "samples": ["not really"]},
                {"name": "AMAZON.HelpIntent", "samples": []},
                {"name": "AMAZON.StopIntent", "samples": []},
                {"name": "AMAZON.CancelIntent", "samples": []},
                {"name": "AMAZON.ResumeIntent", "samples": []},
                {"name": "AMAZON.NextIntent", "samples": []},
                {"name": "AMAZON.RepeatIntent", "samples": []},
                {"name": "AMAZON.FallbackIntent", "samples": []},
            ],
            "types": [
                {"name": "LEG_LOCATION", "values": [value("calf", "calves"), value("hamstring")]},
                {
                    "name": "SYMPTOM",
                    "values": [
                        value("swollen", "puffy", "swelling"),
                        value("breathless", "a bit breathless", "short of breath"),
                        value("hot and red", "hot", "red", id="hot_red"),
                    ],
                },
                {
                    "name": "PERSON",
                    "values": [value("me", "i", id="self"), value("mother", "my mum's", "mum")],
                },
                {
                    "name": "PAIN_TRIGGER",
                    "values": [
                        value("travel", "her flight", "flying"),
                        value("exercise", "running"),
                    ],
                },
                {"name": "STRETCH", "values": [value("calf", "calves")]},
            ],
        }
    }
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("model") / "en-US.json"
    path.write_text(json.dumps(SMALL_MODEL))
    return load_path(path)


def hear(model, text: str) -> Match:
    return understand(text, model)


def ids(match: Match) -> dict[str, str | list[str]]:
    """slot name -> the entity-resolution id (custom types) or the value (built-ins); a
    multiple-value slot -> the list of its values' ids."""
    def one(f):
        return f.value.id if f.value else f.heard

    return {n: ([one(i) for i in f.items] if f.items else one(f)) for n, f in match.slots.items()}


# --- what people type, and what the skill should be told -------------------------------


def test_a_long_sentence_about_mum_fills_every_slot_it_mentions(small):
    match = hear(
        small, "My mum's calf has been puffy since her flight, and she's a bit breathless."
    )
    assert match.intent in ("DescribePainIntent", "RedFlagIntent")
    assert ids(match) == {
        "subject": "mother",
        "location": "calf",
        "trigger": "travel",
        "symptom": "swollen",
        "other_symptom": "breathless",
    }
    assert match.slots["symptom"].heard == "puffy"  # the words as heard, like Alexa


def test_a_sentence_full_of_symptoms_never_falls_to_fallback(small):
    match = hear(small, "honestly it's all puffy and hot and i'm short of breath since running")
    assert match.intent != "AMAZON.FallbackIntent"
    assert ids(match)["symptom"] == "swollen"
    assert ids(match)["other_symptom"] == "hot_red"


def test_a_short_exact_sample(small):
    assert hear(small, "My calf hurts").intent == "DescribePainIntent"
    assert ids(hear(small, "my calves are swollen")) == {"location": "calf", "symptom": "swollen"}


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("yeah, a bit", "AMAZON.YesIntent"),
        ("Yep", "AMAZON.YesIntent"),
        ("sure", "AMAZON.YesIntent"),
        ("yeah a bit I suppose", "AMAZON.YesIntent"),
        ("not really", "AMAZON.NoIntent"),
        ("nope", "AMAZON.NoIntent"),
        ("no, she hasn't been breathless", "AMAZON.NoIntent"),
        ("no idea", "DontKnowIntent"),
        ("um, help please", "AMAZON.HelpIntent"),
        ("what can I say", "AMAZON.HelpIntent"),
        ("shut up", "AMAZON.StopIntent"),
        ("never mind", "AMAZON.CancelIntent"),
        ("continue", "AMAZON.ResumeIntent"),
        ("go on", "AMAZON.NextIntent"),
        ("say that again", "AMAZON.RepeatIntent"),
    ],
)
def test_everyday_answers(small, said, intent):
    assert hear(small, said).intent == intent


def test_built_ins_the_model_does_not_declare_never_fire(small):
    # The small model has no StartOverIntent, so "start over" cannot be heard as one.
    assert hear(small, "start over").intent != "AMAZON.StartOverIntent"


def test_no_followed_by_but_goes_on_to_the_symptoms(small):
    match = hear(small, "no, but her calf is really swollen")
    assert ids(match)["symptom"] == "swollen"


@pytest.mark.parametrize(
    ("said", "score"),
    [("about a seven", "7"), ("seven out of ten", "7"), ("7", "7"), ("a six", "6"), ("7/10", "7")],
)
def test_pain_scores_are_digits(small, said, score):
    match = hear(small, said)
    assert match.intent == "PainScaleIntent"
    assert ids(match) == {"score": score}


@pytest.mark.parametrize(
    ("said", "iso"),
    [
        ("for about three days", "P3D"),
        ("two weeks", "P2W"),
        ("a couple of days", "P2D"),
        ("a few days", "P3D"),
        ("since yesterday", "P1D"),
        ("an hour", "PT1H"),
        ("a month", "P1M"),
        ("for 3 days", "P3D"),
    ],
)
def test_durations_are_iso_8601(small, said, iso):
    match = hear(small, said)
    assert match.intent == "DurationIntent"
    assert ids(match) == {"duration": iso}


def test_stretch_request_in_a_long_sentence(small):
    match = hear(small, "could you show me how I'd stretch out my calves please")
    assert match.intent == "StretchIntent"
    assert ids(match) == {"stretch": "calf"}


def test_carrier_words_beat_a_stray_symptom(small):
    assert hear(small, "how much water should I drink for the swelling").intent == "HydrationIntent"


# --- invocation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    ["open leg pain guide", "Alexa, launch leg pain guide", "leg pain guide", "ask leg pain guide"],
)
def test_launch_phrases(small, said):
    assert hear(small, said).kind == "launch"


def test_one_shot_is_matched_as_an_intent(small):
    match = hear(small, "Alexa, ask leg pain guide about my calf")
    assert (match.kind, match.one_shot, match.intent) == ("intent", True, "DescribePainIntent")
    assert ids(match) == {"location": "calf"}


# --- nothing fits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    ["", "   ", "flibber jabber wocky", "what's the weather like", "🦵🦵", "!!!", "i love pizza"],
)
def test_nothing_fits_is_fallback(small, said):
    assert hear(small, said).intent == "AMAZON.FallbackIntent"


def test_ten_thousand_characters_are_fine(small):
    assert hear(small, "calf " * 2000).kind == "intent"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_an_intent(text):
    match = understand(text, build(SMALL_MODEL))
    assert match.kind in ("launch", "intent") and (match.kind == "launch" or match.intent)


# --- the pieces -------------------------------------------------------------------------


def test_normalise_keeps_apostrophes_and_splits_digits():
    assert normalise("It\u2019s 8AM \u2014 MY mum's \u201ccalf\u201d!") == "it's 8 am my mum's calf"
    assert normalise("im not sure, dont know") == "i'm not sure don't know"


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("twenty one", "21"),
        ("a hundred and five", "105"),
        ("one two three four", "1234"),
        ("42", "42"),
    ],
)
def test_numbers(said, digits):
    assert numbers(tokens(said), 0)[0][1] == digits


@pytest.mark.parametrize(
    ("said", "iso"),
    [("an hour and a half", "PT1H30M"), ("half an hour", "PT30M"), ("a fortnight", "P2W")],
)
def test_more_durations(said, iso):
    assert durations(tokens(said), 0)[0][1] == iso


@pytest.mark.parametrize(
    ("said", "clock"),
    [
        ("8 am", "08:00"),
        ("eight thirty pm", "20:30"),
        ("half past seven", "07:30"),
        ("noon", "12:00"),
    ],
)
def test_times(said, clock):
    assert times(tokens(said), 0)[0][1] == clock


# --- the real en-US model ---------------------------------------------------------------

needs_model = pytest.mark.skipif(
    not (MODEL_DIR / "en-US.json").exists(), reason="en-US interaction model not written yet"
)


@needs_model
@pytest.mark.parametrize(
    ("said", "intents", "slots"),
    [
        (
            "my mum's calf has been puffy since her flight and she's a bit breathless",
            ("DescribePainIntent", "RedFlagIntent"),
            {
                "subject": "mother",
                "location": "calf",
                "trigger": "travel",
                "symptom": ["swollen"],  # v2: symptom slots take lists in en-US
                "other_symptom": ["breathless"],
            },
        ),
        ("yeah, a bit", ("AMAZON.YesIntent",), {}),
        ("not really", ("AMAZON.NoIntent",), {}),
        ("no idea", ("DontKnowIntent",), {}),
        ("about a seven", ("PainScaleIntent",), {"score": "7"}),
        ("for about three days", ("DurationIntent",), {"compare": "about", "duration": "P3D"}),
        ("my calf is swollen and hot", ("RedFlagIntent", "DescribePainIntent"), None),
        ("I can't breathe", ("RedFlagIntent",), None),
        ("it came on suddenly after running", ("DescribePainIntent",), None),
        ("how much water should I be drinking with all these cramps", ("HydrationIntent",), {}),
        ("how do I stretch out my calf please", ("StretchIntent",), {"stretch": "calf"}),
        ("remind me every day at 8am", ("ReminderIntent",), {"time": "08:00"}),
        ("the code is one two three four five six", ("ConnectIntent",), {"code": "123456"}),
        ("delete my data", ("DeleteDataIntent",), {}),
        ("start over", ("AMAZON.StartOverIntent",), {}),
        ("asdf qwerty zxcv", ("AMAZON.FallbackIntent",), {}),
        ("", ("AMAZON.FallbackIntent",), {}),
    ],
)
def test_real_model(said, intents, slots):
    match = understand(said, load("en-US"))
    assert match.intent in intents
    if slots is not None:
        assert ids(match) == slots


@needs_model
def test_real_model_pulled_hamstring_at_football():
    match = understand("I think I pulled my hamstring playing football on Saturday", load("en-US"))
    assert match.intent == "DescribePainIntent"
    got = ids(match)
    assert (got["location"], got["trigger"]) == ("hamstring", "exercise")


@needs_model
def test_real_model_two_symptoms_are_two_different_symptoms():
    match = understand("my husband's calf is red hot and he's got a fever", load("en-US"))
    got = ids(match)
    # v2: en-US symptom slots take lists; "red hot" is one finding, the fever another.
    assert (got["subject"], got["symptom"]) == ("husband", ["hot_red", "fever"])


@needs_model
def test_real_model_cant_breathe_is_a_red_flag():
    match = understand("I can't breathe", load("en-US"))
    assert match.intent == "RedFlagIntent" and ids(match)["symptom"] == ["breathless"]


@needs_model
def test_real_model_one_shot():
    match = understand("ask leg pain guide about my calf", load("en-US"))
    assert match.one_shot and match.intent == "DescribePainIntent"
    assert ids(match) == {"location": "calf"}
