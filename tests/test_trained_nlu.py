"""The console's trained NLU (--nlu trained, skill/console/trained.py): a classifier and a
slot tagger trained only on the interaction model, standing in for Alexa's NLU.

A small model built here trains in a second and shows each rule; the real models (trained
once and cached by their hash) show the locale rules and what Alexa would deliver."""

from __future__ import annotations

import json
import os

import pytest

from skill.console import envelopes, trained
from skill.console.model import build, load
from skill.console.nlu import understand

LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")


def small_model(extra_sample: str = "") -> dict:
    pains = ["my {location} hurts", "my {location} is sore", "pain in my {location}",
             "my {location} aches", "i have pain in my {location}", "{location} pain"]
    return {"interactionModel": {"languageModel": {
        "invocationName": "leg pain guide",
        "modelConfiguration": {"fallbackIntentSensitivity": {"level": "LOW"}},
        "intents": [
            {"name": "PainIntent", "slots": [{"name": "location", "type": "PLACE"}],
             "samples": pains + ([extra_sample] if extra_sample else [])},
            {"name": "StretchIntent", "samples": [
                "give me a stretch", "show me some stretches", "i want to stretch",
                "stretches please", "what stretches can i do", "teach me a stretch"]},
            {"name": "AMAZON.YesIntent", "samples": ["yeah a bit"]},
            {"name": "AMAZON.NoIntent", "samples": []},
            {"name": "AMAZON.FallbackIntent", "samples": [
                "what's the weather", "play some music", "tell me a joke",
                "what time is it", "turn on the lights", "order a pizza"]},
        ],
        "types": [{"name": "PLACE", "values": [
            {"id": "calf", "name": {"value": "calf", "synonyms": ["calves", "lower leg"]}},
            {"id": "thigh", "name": {"value": "thigh", "synonyms": ["thighs"]}},
            {"id": "knee", "name": {"value": "knee", "synonyms": ["back of the knee"]}},
        ]}],
    }}}  # fmt: skip


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LEG_PAIN_NLU_CACHE", str(tmp_path))
    return tmp_path


def hear(text: str, data: dict, elicit=None):
    return understand(text, build(data), nlu="trained", elicit=elicit)


def test_an_unseen_phrasing_of_a_custom_intent_is_understood_with_its_slot(cache):
    match = hear("my calf really hurts today", small_model())
    assert match.intent == "PainIntent"
    assert match.slots["location"].value.id == "calf"


def test_builtins_fire_only_on_their_own_phrases(cache):
    data = small_model()
    assert hear("yes", data).intent == "AMAZON.YesIntent"  # Alexa's own phrase
    assert hear("yeah a bit", data).intent == "AMAZON.YesIntent"  # the model's sample
    assert hear("yeah a bit more than usual", data).intent != "AMAZON.YesIntent"
    assert hear("nope not at all", data).intent != "AMAZON.NoIntent"


def test_words_far_from_every_intent_are_the_fallback(cache):
    assert hear("what's the weather like tomorrow", small_model()).intent == (
        "AMAZON.FallbackIntent"
    )


def test_a_span_that_is_no_value_is_sent_with_er_success_no_match(cache):
    match = hear("my ankle hurts", small_model())
    assert match.intent == "PainIntent"
    slot = match.slots["location"]
    assert (slot.heard, slot.value, slot.no_match) == ("ankle", None, True)
    data = small_model()
    request = envelopes.intent_request(
        envelopes.Session(), build(data).intent("PainIntent"), match.intent, match.slots, False
    )
    sent = request["request"]["intent"]["slots"]["location"]
    assert sent["value"] == "ankle"
    [resolution] = sent["resolutions"]["resolutionsPerAuthority"]
    assert resolution["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert "values" not in resolution


def test_a_listed_value_inside_a_longer_span_is_heard_as_that_value(cache):
    match = hear("my left calf hurts", small_model())
    assert match.slots["location"].value.id == "calf"


def test_training_is_cached_by_the_model_and_loaded_without_training_again(cache, monkeypatch):
    data = small_model()
    hear("my calf hurts a lot", data)
    assert len(list(cache.glob("*.crf"))) == len(list(cache.glob("*.pkl"))) == 1

    def no_training(*_args):
        raise AssertionError("trained again although the cache holds this model")

    monkeypatch.setattr(trained, "train", no_training)
    assert hear("my thigh hurts a lot", data).intent == "PainIntent"  # a fresh Model object
    with pytest.raises(AssertionError, match="trained again"):
        hear("my thigh hurts a lot", small_model("my {location} is killing me"))


def test_training_is_deterministic(tmp_path):
    model_a, model_b = build(small_model()), build(small_model())
    trained.train(model_a, tmp_path / "a")
    trained.train(model_b, tmp_path / "b")
    [crf_a], [crf_b] = (tmp_path / "a").glob("*.crf"), (tmp_path / "b").glob("*.crf")
    assert crf_a.read_bytes() == crf_b.read_bytes()
    said = ["my knee is sore today", "stretch time", "order me a taxi", "my shin hurts"]
    for text in said:
        a = understand(text, model_a, nlu="trained")
        b = understand(text, model_b, nlu="trained")
        assert (a.intent, a.slots) == (b.intent, b.slots)


def test_the_cache_key_follows_the_model_the_code_and_the_library_versions(monkeypatch):
    first, changed = build(small_model()), build(small_model("my {location} is killing me"))
    key = trained.cache_key(first)
    assert key == trained.cache_key(build(small_model()))
    assert key != trained.cache_key(changed)
    monkeypatch.setattr(trained, "_code", lambda: "other training code")
    assert key != trained.cache_key(first)
    monkeypatch.undo()
    monkeypatch.setattr(trained, "_versions", lambda: "sklearn 0.1")
    assert key != trained.cache_key(first)


def test_the_cache_keeps_only_the_newest_trained_models(tmp_path):
    for n in range(4):
        for suffix in (".pkl", ".crf"):
            path = tmp_path / f"{n}{suffix}"
            path.write_text("x")
            os.utime(path, (1_000_000 + n, 1_000_000 + n))
    trained._prune(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.crf", "2.pkl", "3.crf", "3.pkl"]


def test_the_default_cache_is_outside_the_repository(monkeypatch):
    monkeypatch.delenv("LEG_PAIN_NLU_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/tmp/somewhere")
    assert str(trained.cache_dir()) == "/tmp/somewhere/leg-pain-guide/nlu"


# --- the real models (trained once per model and cached) ----------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_out_of_domain_requests_are_the_fallback_in_every_locale(locale):
    for said in ("play some music", "what's the weather like", "set a timer for pasta"):
        assert understand(said, load(locale), locale, "trained").intent == (
            "AMAZON.FallbackIntent"
        ), said


@pytest.mark.parametrize("locale", LOCALES)
def test_yes_and_no_are_heard_only_as_alexa_would_deliver_them(locale):
    model = load(locale)
    assert understand("yes", model, nlu="trained").intent == "AMAZON.YesIntent"
    assert understand("no", model, nlu="trained").intent == "AMAZON.NoIntent"
    for said in ("yes most nights", "nah all good"):
        assert understand(said, model, nlu="trained").intent not in (
            "AMAZON.YesIntent", "AMAZON.NoIntent"
        ), said


def test_several_values_in_one_slot_only_where_the_locale_allows_them():
    said = "it's numb and tingling and weak"
    us = understand(said, load("en-US"), nlu="trained")
    listed = [s for s in us.slots.values() if len(s.items) > 1]
    assert listed, {k: v.heard for k, v in us.slots.items()}
    india = understand(said, load("en-IN"), nlu="trained")
    assert india.slots and all(not s.items for s in india.slots.values())


def test_a_long_opening_is_never_a_bare_duration():
    """The trap of a sample that is only `{duration}`: Alexa does not fill a duration with
    a whole sentence, and neither does the trained reader."""
    said = "i've had sciatica going down both legs since the weekend and it's getting worse"
    match = understand(said, load("en-US"), nlu="trained")
    assert match.intent != "DurationIntent"
    assert "duration" not in match.slots or match.slots["duration"].heard.startswith("P")
    assert json.dumps(list(match.slots)) is not None
