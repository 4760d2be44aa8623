"""Fast checks of the vignette yardstick itself: the case file, the patient's answer rule,
its wording (heard as intended by every locale's model), the conversation driver against
a scripted skill and the real one, and the report's arithmetic."""

from __future__ import annotations

import json
import random
import re
from collections import Counter

import pytest
from vignettes.patient import (
    FALLBACK_COVERS,
    LOCATION_WORDS,
    ONSET_WORDS,
    TRIGGER_WORDS,
    UNSURE,
    Answer,
    Case,
    Result,
    asks_only_worse,
    covers_drift,
    decide,
    load_cases,
    load_covers,
    phrase,
    run_case,
    yes_no_phrases,
)
from vignettes.report import format_report, is_miss, summarize

from skill.console.model import load
from skill.console.nlu import understand

LOCALES = ("en-US", "en-GB", "en-IN", "en-AU", "en-CA")


def make_case(**fields) -> Case:
    raw = {
        "id": "t-01", "source": "item 8", "locale": "en-GB", "speaker": "self",
        "opening": "my calf hurts", "findings": [], "expected": "urgent", "why": "test",
    }  # fmt: skip
    raw.update(fields)
    return Case.from_json(raw)


# --- the case file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


def test_case_file_is_big_enough_and_covers_every_item(cases):
    assert len(cases) >= 150
    items = Counter(int(m.group(1)) for c in cases if (m := re.match(r"item (\d+)\b", c.source)))
    for item in range(1, 25):
        assert items[item] >= (5 if item <= 7 else 3), f"item {item}: {items[item]} cases"
    levels = Counter(c.expected for c in cases)
    assert levels["self_care"] >= 40
    assert {c.locale for c in cases} == set(LOCALES)
    assert sum(c.caregiver for c in cases) >= 40


def test_every_case_has_a_reason_and_caregivers_name_someone(cases):
    for c in cases:
        assert c.why and c.source
        if c.caregiver:
            assert c.subject and c.pronoun in ("he", "she", "they")


def test_bad_cases_fail_loudly():
    with pytest.raises(ValueError, match="unknown findings"):
        make_case(findings=["swollen", "travel"])
    with pytest.raises(ValueError, match="expected"):
        make_case(expected="soon")
    with pytest.raises(ValueError, match="unknown fields"):
        make_case(colour="red")
    with pytest.raises(ValueError, match="caregiver subject"):
        make_case(speaker="caregiver")


# --- the answer rule -------------------------------------------------------------------------


def test_yes_when_a_finding_is_covered_else_no():
    case = make_case(findings=["swollen", "smoker"])
    assert decide(case, "dvt_signs", FALLBACK_COVERS) == Answer("yes")
    assert decide(case, "pe_signs", FALLBACK_COVERS) == Answer("no")
    # risk factors are not symptoms: nothing asks about smoking
    assert decide(case, "claudication", FALLBACK_COVERS) == Answer("no")


def test_an_explicit_answer_wins_over_the_findings():
    both_ankles = make_case(findings=["swollen"], answers={"dvt_signs": "no"})
    assert decide(both_ankles, "dvt_signs", FALLBACK_COVERS) == Answer("no")
    unsure = make_case(findings=[], answers={"pe_signs": "unknown"})
    assert decide(unsure, "pe_signs", FALLBACK_COVERS) == Answer("unknown")
    words = make_case(answers={"trigger": "lifting boxes"})
    assert decide(words, "trigger", FALLBACK_COVERS) == Answer("words", "lifting boxes")


def test_slot_questions_get_the_case_value_or_not_sure():
    case = make_case(location="hamstring", trigger="injury", duration_days=21)
    assert decide(case, "location", FALLBACK_COVERS) == Answer("slot", "hamstring")
    assert decide(case, "trigger", FALLBACK_COVERS) == Answer("slot", "injury")
    assert decide(case, "onset", FALLBACK_COVERS) == Answer("unknown")
    assert decide(case, "duration", FALLBACK_COVERS) == Answer("slot", "21")
    rng = random.Random(0)
    assert phrase(Answer("unknown"), case, "onset", rng) in yes_no_phrases(
        "unknown", "en-GB", False
    )
    assert phrase(Answer("slot", "21"), case, "duration", rng) == "3 weeks"


def test_a_question_the_patient_cannot_place_is_not_sure():
    case = make_case(findings=["swollen"])
    answer = decide(case, "something_new", FALLBACK_COVERS)
    assert answer == Answer("unknown", placed=False)
    assert phrase(answer, case, "something_new", random.Random(0)) == UNSURE


def test_v1_question_ids_are_placed():
    case = make_case(findings=["out_of_proportion"])
    assert decide(case, "severe_pain", FALLBACK_COVERS) == Answer("yes")


def test_getting_worse_is_answered_apart_from_the_duration():
    long_not_worse = make_case(findings=["persisting"], duration_days=21, worse=False)
    assert asks_only_worse("Is it getting worse?")
    assert not asks_only_worse("Has it gone on for more than two weeks, or is it getting worse?")
    assert decide(long_not_worse, "persisting", FALLBACK_COVERS, "Is it getting worse?") == Answer(
        "no"
    )
    long_form = "Has it gone on for more than a few weeks, or is it getting worse?"
    assert decide(long_not_worse, "persisting", FALLBACK_COVERS, long_form) == Answer("yes")
    worse = make_case(findings=["persisting"])
    assert decide(worse, "persisting", FALLBACK_COVERS, "Is it getting worse?") == Answer("yes")


def test_covers_come_from_the_protocol_when_it_has_them(tmp_path):
    protocol = tmp_path / "protocol.json"
    protocol.write_text(
        json.dumps(
            {
                "questions": {
                    "limb_threat": {"answers": "yes_no", "covers": ["cold_pale"]},
                    "new_q": {"answers": "yes_no", "covers": ["heavy"]},
                    "pe_signs": {"answers": "yes_no"},
                }
            }
        )
    )
    covers = load_covers(protocol)
    assert covers["limb_threat"] == {"cold_pale"}
    assert covers["new_q"] == {"heavy"}
    assert covers["pe_signs"] == FALLBACK_COVERS["pe_signs"]
    assert covers_drift(covers) == {"limb_threat": (["cant_move"], [])}
    assert load_covers(tmp_path / "missing.json") == FALLBACK_COVERS


# --- the wording -----------------------------------------------------------------------------


def test_wording_is_reproducible_and_rephrases_when_asked_again():
    case = make_case(speaker="caregiver", subject="mother")
    first = [phrase(Answer("no"), case, "pe_signs", random.Random("s:t-01")) for _ in range(3)]
    again = [phrase(Answer("no"), case, "pe_signs", random.Random("s:t-01")) for _ in range(3)]
    assert first == again
    assert "no, she isn't" in yes_no_phrases("no", "en-GB", True, "she")
    for _ in range(20):
        said = phrase(Answer("slot", "calf"), case, "location", random.Random())
        assert phrase(Answer("slot", "calf"), case, "location", random.Random(), said) != said


@pytest.mark.parametrize("locale", LOCALES)
def test_every_answer_phrase_is_heard_as_meant(locale):
    """The patient measures triage, not hearing: its own words must be understood."""
    model = load(locale)
    intents = {"yes": "AMAZON.YesIntent", "no": "AMAZON.NoIntent", "unknown": "DontKnowIntent"}
    for kind, intent in intents.items():
        for caregiver, pronoun in ((False, "I"), (True, "she"), (True, "he"), (True, "they")):
            for text in yes_no_phrases(kind, locale, caregiver, pronoun):
                assert understand(text, model).intent == intent, (locale, text)
    slot_words = {"location": LOCATION_WORDS, "trigger": TRIGGER_WORDS, "onset": ONSET_WORDS}
    types = {"location": "LEG_LOCATION", "trigger": "PAIN_TRIGGER", "onset": "PAIN_ONSET"}
    for slot, table in slot_words.items():
        known = {v.id for v in model.values.get(types[slot], {}).values()}
        for value, texts in table.items():
            if value not in known:
                continue  # a v2 id this model does not have yet
            for text in texts:
                match = understand(text, model)
                heard = match.slots.get(slot)
                assert heard is not None and heard.value is not None, (locale, text)
                assert heard.value.id == value, (locale, text, heard.value.id)


# --- the conversation driver, against a scripted skill --------------------------------------


class ScriptedSkill:
    """Answers the patient from a script of (pending question, level, session ends) steps,
    in the shape of the skill's response envelope, and records what the patient said."""

    def __init__(self, script: list[tuple[str | None, str | None, bool]]) -> None:
        self.script, self.said = script, []

    def __call__(self, text: str) -> dict:
        if not text:
            step: tuple[str | None, str | None, bool] = (None, None, False)  # the launch
        else:
            step = self.script[min(len(self.said), len(self.script) - 1)]
            self.said.append(text)
        pending, level, end = step
        triage = {k: v for k, v in (("pending", pending), ("disposition", level)) if v}
        words = f"<speak>{pending or 'Anything else'}?</speak>"  # the same words per question
        body = {"outputSpeech": {"type": "SSML", "ssml": words},
                "shouldEndSession": end}
        return {"sessionAttributes": {"triage": triage}, "response": body}


def test_driver_records_first_and_final_level_and_answers_follow_ups():
    skill = ScriptedSkill([
        ("pe_signs", None, False),
        ("dvt_signs", None, False),
        ("pe_signs", "urgent", False),  # urgent, then one more red-flag check
        (None, "emergency", True),
    ])
    case = make_case(findings=["swollen", "breathless"], expected="emergency")
    result = run_case(case, FALLBACK_COVERS, exchange=skill)
    assert (result.first_level, result.final_level) == ("urgent", "emergency")
    assert result.questions == 2 and result.questions_total == 3
    assert skill.said[0] == "my calf hurts"
    assert skill.said[1] in yes_no_phrases("yes", "en-GB", False)  # breathless -> pe_signs yes
    assert skill.said[2] in yes_no_phrases("yes", "en-GB", False)  # swollen -> dvt_signs yes
    assert not result.looped and not result.error


def test_driver_stops_a_loop_and_an_unplaceable_prompt():
    looping = ScriptedSkill([("location", None, False)])
    result = run_case(make_case(location="calf"), FALLBACK_COVERS, exchange=looping)
    assert result.looped and result.final_level is None
    assert len(result.turns) == 3  # asked three times in a row, then the patient gives up

    skill = ScriptedSkill([(None, None, False)])
    result = run_case(make_case(), FALLBACK_COVERS, exchange=skill)
    assert skill.said == ["my calf hurts", UNSURE]
    assert result.final_level is None and not result.looped


def test_a_case_that_breaks_the_conversation_is_reported_not_raised():
    def broken(text: str) -> dict:
        if text:
            raise ValueError("no reply")
        return {}

    result = run_case(make_case(), FALLBACK_COVERS, exchange=broken)
    assert result.error == "ValueError: no reply"
    assert result.final_level is None and result.under  # expected urgent: counted as under


def test_a_case_through_the_console_conversation_reaches_its_level():
    case = make_case(
        id="t-pe", opening="my calf is swollen and I can't breathe", findings=["swollen",
        "breathless"], expected="emergency",
    )
    result = run_case(case)
    assert not result.error, result.error
    assert (result.first_level, result.final_level) == ("emergency", "emergency")


# --- the report's arithmetic ---------------------------------------------------------------


def test_summary_counts_under_and_over_triage_and_misses():
    def result(expected: str, first: str | None, final: str | None, n: int = 3) -> Result:
        return Result(make_case(id=f"{expected}-{final}", expected=expected), first, final, n)

    results = [
        result("emergency", "urgent", "emergency"),  # caught, but not first
        result("emergency", "emergency", "emergency"),
        result("urgent", "doctor", "doctor"),  # under
        result("self_care", "doctor", "doctor"),  # over
        result("self_care", None, None),  # no level: a miss, not under-triage
        result("doctor", None, None),  # no level when more was needed: under
    ]
    s = summarize(results)
    assert (s.emergencies, s.emergencies_caught, s.emergencies_first) == (2, 2, 1)
    assert s.under == 2 and s.under_by_level["urgent"] == 1 and s.under_by_level["doctor"] == 1
    assert s.over_by_level["self_care"] == 1
    assert s.exact == 2 and s.no_level == 2
    assert [is_miss(r) for r in results] == [True, False, True, True, True, True]
    assert s.median_questions == 3
    text = format_report(s)
    assert "Emergencies caught at the first level named: 1/2" in text
    assert "[FAIL] every emergency is emergency at the first level named" in text
