"""Talk about the conversation: pace, "what do you mean by ...", fear, and the questions
people ask after a warning. Each gets a sentence and the place the person was at; none
is an answer, a finding, or a turn not understood."""

from __future__ import annotations

import pytest
from support import Conversation


def at_the_limb_question(talk: Conversation):
    talk.says(location="calf", trigger="none")
    talk.no()
    assert talk.turns[-1].pending == "limb_threat"
    return talk.turns[-1]


def test_what_do_you_mean_by_blotchy_explains_and_asks_again_without_a_finding(launched):
    talk = launched()
    asked = at_the_limb_question(talk)
    turn = talk.intent("ExplainIntent", symptom="cold_pale")
    assert turn.text.startswith("I mean a leg or foot that looks pale")
    assert turn.pending == "limb_threat" and turn.disposition is None
    assert turn.text.endswith(asked.reprompt)
    assert "cold_pale" not in turn.attributes["triage"]["facts"]


def test_asking_what_a_word_means_twice_is_not_a_loop_or_a_miss(launched):
    talk = launched()
    at_the_limb_question(talk)
    for _ in range(3):
        turn = talk.intent("ExplainIntent", symptom="cold_pale")
    assert turn.pending == "limb_threat" and "misses" not in turn.attributes
    assert talk.no().pending != "limb_threat"


@pytest.mark.parametrize(("intent", "attribute"), [("SlowerIntent", 'rate="85%"'),
                                                   ("LouderIntent", 'volume="x-loud"')])
def test_slow_down_or_speak_up_repeats_at_that_pace_for_the_rest_of_the_session(
        launched, intent, attribute):
    talk = launched()
    asked = at_the_limb_question(talk)
    turn = talk.intent(intent)
    assert attribute in turn.ssml and asked.text in turn.text
    assert turn.pending == "limb_threat"
    later = talk.no()
    assert attribute in later.ssml, "the pace is kept"


def test_im_scared_gets_one_calm_sentence_and_the_question_again(launched):
    talk = launched()
    asked = at_the_limb_question(talk)
    turn = talk.intent("ScaredIntent")
    assert turn.text.startswith("It's okay to feel scared.")
    assert turn.text.endswith(asked.reprompt) and turn.disposition is None


def warned(launched, locale: str = "en-US") -> Conversation:
    talk = launched(locale)
    talk.says(location="calf", symptom="cold_pale")
    assert talk.yes().disposition == "emergency"
    return talk


def test_the_warning_keeps_the_session_open_a_while_with_the_number_as_reprompt(launched):
    talk = warned(launched)
    turn = talk.turns[-1]
    assert not turn.ended and "call 911 now" in turn.reprompt


@pytest.mark.parametrize(("locale", "number"), [("en-US", "911"), ("en-GB", "999"),
                                                ("en-AU", "triple zero"), ("en-IN", "112")])
def test_after_a_warning_whats_the_number_gets_it_again(launched, locale, number):
    turn = warned(launched, locale).intent("EmergencyHelpIntent")
    assert f"Call {number}" in turn.text and not turn.ended


def test_after_a_warning_should_i_drive_myself_is_answered_with_the_number(launched):
    turn = warned(launched).intent("DriveIntent")
    assert turn.text.startswith("Please don't drive. Call 911 now")
    assert "I can't call for you" in turn.text and not turn.ended


def test_after_a_warning_what_do_i_do_while_i_wait(launched):
    turn = warned(launched).intent("WhileWaitingIntent")
    assert "911 call handler" in turn.text and "unlock the door" in turn.text
    assert not turn.ended


def test_after_a_warning_stop_ends_the_session(launched):
    turn = warned(launched).intent("AMAZON.StopIntent")
    assert turn.ended


def test_should_i_drive_before_any_warning_gives_the_safety_net_and_the_question(launched):
    talk = launched()
    asked = at_the_limb_question(talk)
    turn = talk.intent("DriveIntent")
    assert "don't drive yourself: call 911 now" in turn.text
    assert turn.text.endswith(asked.reprompt)


def in_a_stretch(launched) -> Conversation:
    talk = launched()
    step = talk.intent("StretchIntent", stretch="calf")
    assert "guide" in step.attributes
    return talk


def test_a_technique_question_inside_a_stretch_says_the_step_again(launched):
    talk = in_a_stretch(launched)
    step = talk.turns[-1]
    turn = talk.intent("StepHelpIntent")  # "do I keep my heel on the floor?"
    assert turn.text.startswith("Here's that step again.") and step.text in turn.text
    assert "guide" in turn.attributes and turn.pending is None


def test_naming_only_a_place_inside_a_stretch_does_not_stop_it(launched):
    talk = in_a_stretch(launched)
    turn = talk.says(location="heel")  # "my heel, on the floor?" heard as a statement
    assert "guide" in turn.attributes and turn.pending is None


def test_a_red_flag_inside_a_stretch_still_stops_it(launched):
    talk = in_a_stretch(launched)
    turn = talk.says(location="calf", symptom="swollen")
    assert "guide" not in turn.attributes and turn.pending


def in_the_desk_routine(launched) -> Conversation:
    talk = launched()
    step = talk.intent("StretchIntent", stretch="desk_routine")
    assert step.text.startswith("Step 1 of 6.")
    return talk


def test_how_many_of_those_inside_the_desk_routine_stays_in_it(launched):
    talk = in_the_desk_routine(launched)
    turn = talk.intent("RepsIntent")
    assert "guide" in turn.attributes and turn.text.endswith("Say next when you're ready.")


def test_i_dont_have_an_ice_pack_is_answered_not_taken_as_a_no(launched):
    talk = in_the_desk_routine(launched)
    turn = talk.intent("NoIceIntent")
    assert turn.text.startswith("A bag of frozen peas wrapped in a tea towel works too.")
    assert "guide" in turn.attributes and not turn.ended


def test_what_can_i_do_in_the_meantime_inside_a_routine_is_the_home_care(launched):
    talk = in_the_desk_routine(launched)
    turn = talk.intent("WhileWaitingIntent")
    assert turn.text.startswith("Keep moving gently, and break up sitting")
    assert "call 911" not in turn.text and "guide" in turn.attributes


def test_a_technique_question_after_another_answer_says_the_step_not_the_answer(launched):
    talk = in_the_desk_routine(launched)
    step = talk.turns[-1]
    talk.intent("NoIceIntent")
    turn = talk.intent("StepHelpIntent")  # "can I hold onto a chair?"
    assert turn.text.startswith("Here's that step again.") and "frozen peas" not in turn.text
    assert to_step(step.text) in turn.text


def to_step(text: str) -> str:
    return text.removeprefix("Step 1 of 6. ").split(" Say next")[0]


def test_can_my_dad_share_his_progress_explains_how_and_reads_no_code(launched):
    talk = launched()
    turn = talk.intent("ReceiveShareIntent", subject="father")
    assert turn.text.startswith("To hear how your dad is doing, he says share my check-ins")
    assert "sharing code is" not in turn.text and "code" not in turn.attributes


def test_a_stretch_id_the_model_does_not_have_asks_which_stretch(launched):
    talk = launched()
    turn = talk.intent("StretchIntent", stretch="desk")  # a stale or forged id
    assert "guide" not in turn.attributes and "went wrong" not in turn.text
