"""A red flag heard in passing is confirmed by its own direct question before any alarm,
and that question carries the instruction at once; a misheard turn is never an answer;
no prompt is said three times in a row."""

from __future__ import annotations

import pytest


def first_sentence(text: str) -> str:
    return text.split(". ")[0]


def test_feeling_blue_after_pulling_a_calf_asks_about_the_leg_and_carries_on_when_denied(launched):
    # "I slipped on the icy steps and pulled my calf, and I've been feeling a bit blue"
    talk = launched()
    turn = talk.says(location="calf", trigger="injury", symptom="cold_pale")
    assert turn.disposition is None and not turn.ended
    assert turn.confirming == "cold_pale"
    assert "911" in first_sentence(turn.text) and turn.text.endswith("Is it?")
    assert len(turn.text.split()) <= 20
    turn = talk.no()
    assert turn.disposition is None and turn.pending and not turn.confirming
    assert "911 now" not in turn.text


def test_a_cold_pale_leg_confirmed_gets_the_full_warning(launched):
    talk = launched()
    talk.says(location="calf", symptom="cold_pale")
    turn = talk.yes()
    assert turn.disposition == "emergency" and turn.text.startswith("This could be serious")


@pytest.mark.parametrize(("locale", "number"), [
    ("en-US", "911"), ("en-CA", "911"), ("en-GB", "999"), ("en-AU", "triple zero"),
    ("en-IN", "112"),
])
def test_the_locales_number_is_in_the_first_sentence_after_a_red_flag_is_named(
        launched, locale, number):
    turn = launched(locale).says(symptom="breathless")
    assert number in first_sentence(turn.text)


def test_a_red_flag_stated_in_answer_to_its_own_question_warns_at_once(launched):
    talk = launched()
    talk.says(location="calf", trigger="none")
    turn = talk.turns[-1]
    assert turn.pending == "pe_signs"
    turn = talk.says(symptom="breathless")  # "yes, I get really out of breath"
    assert turn.disposition == "emergency"


def test_a_red_flag_said_at_another_question_is_confirmed_first(launched):
    talk = launched()
    talk.says(location="calf", trigger="none")
    turn = talk.says(symptom="cold_pale")  # at the breathlessness question
    assert turn.confirming == "cold_pale" and turn.disposition is None
    assert talk.yes().disposition == "emergency"


def test_a_heard_red_flag_that_is_denied_is_no_finding(launched):
    talk = launched()
    talk.says(location="calf", symptom="cold_pale")
    turn = talk.says(denied="cold_pale")  # "no, it's not cold, just achy"
    assert turn.disposition is None and not turn.confirming


def test_asking_for_help_warns_at_once(launched):
    turn = launched().intent("EmergencyHelpIntent")
    assert turn.disposition == "emergency" and "Call 911 now" in turn.text.split(". ")[1]


def test_not_sure_to_a_red_flag_question_is_helped_to_check_then_stays_cautious(launched):
    talk = launched()
    talk.says(location="calf", trigger="none")
    check = talk.dont_know()
    assert check.text.startswith("Let's check") and "call 911 now" in check.text
    assert check.pending == "pe_signs" and check.disposition is None
    assert talk.dont_know().disposition == "emergency"


def test_after_the_check_a_no_carries_on(launched):
    talk = launched()
    talk.says(location="calf", trigger="none")
    talk.no()
    check = talk.dont_know()  # "I'm not sure" at the cold, pale leg question
    assert "Touch both of your feet" in check.text
    turn = talk.no()
    assert turn.disposition is None and turn.pending not in (None, "limb_threat")


def test_three_misheard_turns_at_a_red_flag_question_leave_it_unchecked_not_an_alarm(launched):
    talk = launched()
    talk.says(location="calf", trigger="none")
    asked = talk.turns[-1].pending
    first = talk.intent("AMAZON.FallbackIntent")
    assert first.pending == asked and "yes, no" in first.text.lower()
    second = talk.intent("AMAZON.FallbackIntent")
    assert second.pending == asked and second.text.startswith("Just yes or no")
    third = talk.intent("AMAZON.FallbackIntent")
    assert third.disposition != "emergency"
    assert "If any of that is so, call 911 now" in third.text
    assert third.pending != asked
    while talk.turns[-1].pending:
        talk.no()
    outcome = talk.turns[-1]
    assert outcome.disposition not in (None, "emergency")
    assert "I couldn't check breathing or the chest" in outcome.text
    assert len(outcome.text.split()) <= 60, "an outcome's first reply stays short"


def test_a_duration_said_again_and_again_never_gets_the_same_prompt_three_times(launched):
    talk = launched()
    talk.says(location="hamstring", trigger="exercise")
    for answer in ("no",) * 12:
        if talk.turns[-1].pending in (None, "persisting"):
            break
        talk.intent("AMAZON.NoIntent") if answer == "no" else None
    prompts = []
    for _ in range(8):
        turn = talk.intent("DurationIntent", duration="P3D")
        if turn.ended:
            break
        prompts.append(turn.text)
    triples = zip(prompts, prompts[1:], prompts[2:], strict=False)
    assert not any(a == b == c for a, b, c in triples), prompts


def test_three_misheard_turns_at_a_check_in_warning_question_leave_it_unchecked(launched):
    talk = launched()
    talk.intent("CheckInIntent")
    talk.yes()  # keep check-ins
    talk.intent("PainScaleIntent", score="4")
    asked = talk.turns[-1]
    assert asked.attributes["checkin"]["step"] == "flags_emergency"
    first = talk.intent("AMAZON.FallbackIntent")
    second = talk.intent("AMAZON.FallbackIntent")
    assert second.text.startswith("Just yes or no")
    third = talk.intent("AMAZON.FallbackIntent")
    assert third.disposition != "emergency" and not third.ended
    assert "If any of that is so, call 911 now" in third.text
    assert third.attributes["checkin"]["step"] == "flags_urgent"
    assert first.attributes["checkin"]["step"] == "flags_emergency"


def test_i_dont_know_at_a_check_in_warning_question_is_still_cautious(launched):
    talk = launched()
    talk.intent("CheckInIntent")
    talk.yes()
    talk.intent("PainScaleIntent", score="4")
    assert talk.dont_know().text.startswith("This could be serious")


def test_stretches_talk_at_a_red_flag_question_is_no_answer(launched):
    talk = launched()
    talk.says(location="calf", trigger="none")
    turn = talk.intent("StretchesDoneIntent")  # "she did most of them"
    assert turn.disposition is None and turn.pending == "pe_signs"


def test_a_sign_said_both_ways_at_its_own_question_is_asked_about_directly(launched):
    # "his leg looks kinda blue, oh wait, no, that's the dye from his new jeans"
    talk = launched()
    talk.says(location="calf", trigger="exercise")
    talk.no()
    assert talk.turns[-1].pending == "limb_threat"
    turn = talk.intent("RedFlagIntent", symptom="cold_pale", denied="cold_pale")
    assert turn.confirming == "cold_pale" and turn.disposition is None
    assert turn.text.startswith("If your leg or foot is cold, pale or blue, call 911 now.")
    assert talk.no().disposition is None


def test_a_side_request_during_a_red_flag_question_asks_that_question_again(launched):
    # "send me alerts about papa" at the breathlessness question, then "yes"
    talk = launched()
    talk.says(location="calf", trigger="none")
    asked = talk.turns[-1]
    turn = talk.intent("SendMeAlertsIntent", subject="father")
    assert turn.text.endswith(asked.reprompt) and "anything else" not in turn.text
    assert turn.pending == asked.pending


def test_naming_only_who_it_is_for_asks_about_their_pain_before_any_checks(launched):
    talk = launched()
    turn = talk.says(subject="father")  # "papa, my father"
    assert turn.text == (
        "Okay, I'll ask about your dad. Where is your dad's pain, and what brought it on?"
    )
    assert turn.pending is None


def test_a_lost_opening_with_no_cause_asks_how_severe_the_pain_is(launched):
    # Strict hearing lost "suddenly a terrible pain in my calf while watching TV" twice.
    talk = launched()
    talk.intent("AMAZON.FallbackIntent")
    turn = talk.intent("AMAZON.FallbackIntent")
    asked = []
    for _ in range(15):
        if turn.pending is None:
            break
        asked.append(turn.pending)
        turn = talk.intent("DontKnowIntent") if turn.pending in ("location", "trigger", "onset") \
            else talk.no()
    assert "sudden_severe" in asked


def test_sciatica_said_to_go_down_both_legs_is_asked_about_before_the_warning(launched):
    # "my partner's sciatica has flared up and now it's going down both his legs"
    talk = launched()
    turn = talk.says(subject="partner", location="buttock_down", side="both", symptom="shooting")
    assert turn.confirming == "both_sides" and turn.disposition is None
    assert turn.text.startswith("If the nerve pain is newly going down both legs, call 911 now.")
    assert talk.yes().disposition == "emergency"


def lost_opening(talk):
    talk.intent("AMAZON.FallbackIntent")
    return talk.intent("AMAZON.FallbackIntent")


def walk(talk, turn, answers: dict[str, str]) -> list[str]:
    """Answer each question from `answers` (anything else: no) until an outcome."""
    asked = []
    for _ in range(16):
        if turn.pending is None:
            break
        asked.append(turn.pending)
        said = answers.get(turn.pending, "no")
        if said == "unknown":
            turn = talk.intent("DontKnowIntent")
        elif said in ("yes", "no"):
            turn = talk.intent(f"AMAZON.{said.title()}Intent")
        else:
            turn = talk.says(**{turn.pending: said})
    return asked


def test_a_lost_opening_asks_whether_it_is_a_cramp_and_a_yes_is_cramp_advice(launched):
    # Strict lost "I'm fasting and get the odd calf cramp, only lasts a minute".
    talk = launched()
    turn = lost_opening(talk)
    asked = walk(talk, turn, {"location": "calf", "trigger": "none", "cramp_check": "yes",
                              "onset": "sudden"})
    assert "cramp_check" in asked and "sudden_severe" not in asked
    assert talk.turns[-1].disposition == "self_care"


def test_a_lost_opening_at_night_that_is_no_cramp_asks_about_severe_pain(launched):
    # Strict lost "woke up with the worst pain of my life behind my knee".
    talk = launched()
    turn = lost_opening(talk)
    asked = walk(talk, turn, {"location": "back_of_knee", "trigger": "night",
                              "sudden_severe": "yes"})
    assert asked.index("cramp_check") < asked.index("sudden_severe")
    assert talk.turns[-1].disposition == "emergency"


def test_a_lost_opening_with_no_place_known_still_asks_about_the_bladder_and_saddle(launched):
    talk = launched()
    turn = lost_opening(talk)
    asked = walk(talk, turn, {"location": "unknown", "trigger": "unknown",
                              "cauda_equina": "yes"})
    assert "cauda_equina" in asked and talk.turns[-1].disposition == "emergency"


def test_asking_for_the_warning_again_twice_gets_the_number_not_a_third_copy(launched):
    talk = launched()
    talk.says(symptom="cold_pale")
    warning = talk.yes()
    again = talk.intent("AMAZON.RepeatIntent")
    third = talk.intent("AMAZON.RepeatIntent")  # "one more time"
    assert again.text == warning.text and third.text != warning.text
    assert third.text.startswith("If you haven't yet, call 911 now.")


def test_a_repeat_between_two_misses_still_lets_the_ladder_move_on(launched):
    talk = launched()
    talk.says(location="calf", trigger="none")
    talk.intent("AMAZON.FallbackIntent")
    talk.intent("AMAZON.RepeatIntent")  # "I didn't catch that"
    turn = talk.intent("AMAZON.FallbackIntent")
    assert turn.text.startswith("Just yes or no, please.")


def test_a_no_after_a_lost_opening_is_not_an_emergency_so_the_checks_begin(launched):
    # "If it's an emergency, call 911 now. Otherwise, tell me where the pain is..." "no"
    talk = launched()
    talk.intent("AMAZON.FallbackIntent")
    turn = talk.no()
    assert not turn.ended and turn.pending == "pe_signs"


def test_a_no_before_anything_was_said_still_leaves(launched):
    turn = launched().no()
    assert turn.ended


def test_a_duration_with_no_length_at_a_question_is_never_a_loop(launched):
    # virtual-alexa matches any sentence to the bare {duration} sample: the whole sentence
    # arrives as the value. Not understood, so the ladder moves on.
    talk = launched()
    talk.says(location="calf", trigger="none")
    texts = [talk.intent("DurationIntent", duration="my calf is sore after running").text
             for _ in range(3)]
    assert texts[0].startswith("Roughly how long has it been?")
    assert texts[1].startswith("Just yes or no, please.")
    assert texts[2].startswith("I'll move on.") and talk.turns[-1].pending != "pe_signs"


def test_a_duration_with_no_length_as_the_opening_is_a_lost_opening(launched):
    talk = launched()
    talk.intent("DurationIntent", duration="my calf hurts after running")
    turn = talk.intent("DurationIntent", duration="my calf hurts after running")
    assert turn.text.startswith("Sorry, I didn't catch that.")
    turn = talk.intent("DurationIntent", duration="my calf hurts after running")
    assert turn.pending == "pe_signs"


def test_a_question_asked_for_a_third_time_in_a_row_says_so(launched):
    # "what's the number again" twice at a direct question: never the same words thrice
    talk = launched()
    asked = talk.says(symptom="cold_pale")
    again = talk.intent("AMAZON.RepeatIntent")
    third = talk.intent("AMAZON.RepeatIntent")
    assert again.text == asked.text and third.text == "Once more: " + asked.text


def test_numbness_alone_asks_what_brought_it_on(launched):
    # Trained hearing lost "a cast" from "...a cast this morning, now her toes are tingly".
    talk = launched()
    talk.says(symptom="numb_tingling")
    asked = walk(talk, talk.turns[-1], {"trigger": "injury", "injury_signs": "yes"})
    assert "trigger" in asked and talk.turns[-1].disposition == "emergency"
