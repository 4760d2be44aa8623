"""Conversations for each cause in the article and each red flag, as a person would have
them: loose answers, facts volunteered up front, caregivers speaking for someone else."""

from __future__ import annotations

import re

import pytest
from support import Conversation

NO_RED_FLAGS = {"pe_signs": "no", "limb_threat": "no", "dvt_signs": "no",
                "cauda_equina": "no", "nerve_weakness": "no", "compartment": "no",
                "necrotising": "no",
                "unwell": "no", "both_legs": "no", "sudden_severe": "no", "statin": "no",
                "injury_signs": "no",
                "tear_signs": "no", "cramp_long": "no"}


@pytest.fixture
def chat(tmp_path):
    def make(locale: str = "en-US", user: str = "person-1") -> Conversation:
        convo = Conversation(tmp_path / "store.sqlite3", locale=locale, user=user)
        convo.launch()
        return convo
    return make


# --- red flags: straight to the warning, from anywhere -------------------------------------

def test_mums_puffy_calf_after_a_flight_with_breathlessness_is_an_emergency(chat):
    # "my mum's calf has been puffy since her flight and she's a bit breathless"
    convo = chat()
    heard = convo.says(subject="mother", location="calf", trigger="travel",
                       symptom="swollen", other_symptom="breathless")
    assert heard.confirming == "breathless" and "911" in heard.text.split(". ")[0]
    turn = convo.confirms()
    assert turn.disposition == "emergency"
    assert turn.text.startswith("This could be serious. Call 911 now.")
    assert turn.text.count("911") >= 2, "the key instruction is repeated"
    assert "I can't call for you" in turn.text
    assert turn.card and "911" in turn.card["title"] + turn.card["content"]
    assert not turn.ended and "call 911 now" in turn.reprompt, "open a while, the number again"


@pytest.mark.parametrize("symptom, reason", [
    ("breathless", "pe"), ("chest_pain", "pe"), ("cold_pale", "limb"), ("cant_move", "limb_move"),
    ("both_legs_numb", "cauda_equina"), ("saddle_numb", "cauda_equina"),
    ("bladder_bowel", "cauda_equina"), ("tight_shiny", "compartment"), ("deformed", "deformed"),
])
def test_an_emergency_statement_at_the_start_is_asked_directly_then_warned(
        chat, symptom, reason):
    convo = chat()
    heard = convo.intent("RedFlagIntent", symptom=symptom)
    assert heard.confirming == symptom and "call 911 now" in heard.text
    turn = convo.confirms()
    assert turn.disposition == "emergency"
    assert turn.attributes["triage"]["reason"] == reason
    assert "Call 911 now" in turn.text


def test_i_cant_breathe_in_the_middle_of_the_questions_jumps_to_the_warning(chat):
    convo = chat()
    convo.says(location="hamstring", trigger="exercise")
    convo.no()
    assert convo.turns[-1].pending == "limb_threat"
    assert convo.intent("RedFlagIntent", symptom="breathless").confirming == "breathless"
    turn = convo.confirms()
    assert turn.disposition == "emergency"
    assert turn.text.startswith("This could be serious.")


def test_a_red_flag_during_a_stretch_stops_the_stretch_and_warns(chat):
    convo = chat()
    convo.intent("StretchIntent", stretch="calf")
    heard = convo.intent("RedFlagIntent", location="calf", symptom="cold_pale")
    assert "guide" not in heard.attributes and heard.confirming == "cold_pale"
    assert convo.confirms().disposition == "emergency"


def test_a_swollen_hot_calf_gets_the_emergency_checks_before_any_level_is_named(chat):
    convo = chat()
    turn = convo.intent("RedFlagIntent", location="calf", symptom="swollen",
                        other_symptom="hot_red")
    assert turn.disposition is None and turn.pending == "pe_signs"
    turn = convo.intent("AMAZON.YesIntent")
    assert turn.disposition == "emergency", "the first level named is already the right one"
    assert "Call 911 now" in turn.text


def test_a_swollen_hot_calf_without_emergency_signs_is_urgent(chat):
    convo = chat()
    turn = convo.intent("RedFlagIntent", location="calf", symptom="swollen",
                        other_symptom="hot_red")
    asked = []
    while turn.pending:
        asked.append(turn.pending)
        turn = convo.no()
    assert asked == ["pe_signs", "limb_threat", "necrotising", "unwell"], "emergency checks first"
    assert turn.disposition == "urgent"
    assert "seen today" in turn.text
    assert "urgent care or the emergency department today" in turn.text
    assert "blood clot in the leg" in turn.text


def test_swollen_calf_with_no_breathlessness_stays_urgent_and_can_be_explained(chat):
    convo = chat()
    convo.intent("RedFlagIntent", location="calf", symptom="swollen")
    convo.no()
    turn = convo.no()
    assert turn.disposition == "urgent"
    turn = convo.yes()  # "want to know why?"
    assert "swelling" in turn.text
    assert "not a diagnosis" in turn.text


@pytest.mark.parametrize("words", ["severe", "severe, and sore after new exercise"])
def test_an_intensity_word_alone_is_never_an_emergency(chat, words):
    # "my hamstring is killing me" / "it's agony"
    convo = chat()
    if words == "severe":
        turn = convo.intent("RedFlagIntent", location="hamstring", symptom="severe")
    else:
        turn = convo.says(location="hamstring", trigger="exercise", onset="gradual",
                          symptom="severe", other_symptom="sore_stiff")
    assert turn.disposition is None and turn.pending == "pe_signs"
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "trigger": "exercise",
                                       "onset": "gradual", "claudication": "no",
                                       "persisting": "no"})
    assert turn.disposition == "self_care"


@pytest.mark.parametrize("question", ["pe_signs", "limb_threat", "dvt_signs"])
def test_i_dont_know_on_a_red_flag_question_is_treated_cautiously(chat, question):
    convo = chat()
    convo.says(location="calf", trigger="exercise")
    answers = {**NO_RED_FLAGS, question: "unknown"}
    turn = convo.answer_until_outcome(answers)
    assert turn.disposition in ("emergency", "urgent")


def test_a_caregiver_hears_about_the_person_they_look_after(chat):
    # "my dad's calf has gone red and warm"
    convo = chat()
    turn = convo.says(subject="father", location="calf", symptom="hot_red")
    assert turn.text.startswith("Okay, I'll ask about your dad.")
    while turn.pending:
        turn = convo.no()
    assert turn.text.startswith("Your dad should be seen today")


@pytest.mark.parametrize("subject, who", [("mother", "your mom"), ("brother", "your brother"),
                                           ("grandfather", "your grandpa")])
def test_caregiver_questions_use_the_persons_name_not_you(chat, subject, who):
    convo = chat()
    convo.says(subject=subject, location="hamstring", trigger="exercise")
    turn = convo.no()
    assert f"Has {who}'s leg or foot gone cold" in turn.text
    assert not re.search(r"\b(Are you|your leg)\b", turn.text)


# --- causes from the article -------------------------------------------------------------

def test_hamstring_strain_playing_football_gets_rice_step_by_step(chat):
    # "I pulled my hamstring playing football"
    convo = chat()
    convo.says(location="hamstring", trigger="exercise", onset="sudden")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "persisting": "no"})
    assert turn.disposition == "self_care"
    assert "muscle strain" in turn.text
    assert "two weeks" in turn.text, "says exactly when to escalate"
    assert turn.text.endswith("Want me to guide you through RICE, step by step?")
    assert len(turn.text.split()) <= 60, "the first reply is short; details on request"
    assert turn.card
    step = convo.yes()
    assert step.text.startswith("Step 1 of 5. Step one, rest.")
    assert "Say next" in step.text


def test_a_snap_or_pop_at_the_back_of_the_calf_is_urgent(chat):
    convo = chat()
    convo.says(location="calf", trigger="injury")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "tear_signs": "yes"})
    assert turn.disposition == "urgent"
    assert "torn muscle or tendon" in turn.text


def test_sore_legs_the_day_after_a_long_run_is_doms(chat):
    # "the back of my legs are sore after a long run yesterday"
    convo = chat()
    convo.says(location="hamstring", side="both", trigger="exercise", onset="gradual",
               symptom="sore_stiff")
    # "Does it come back every time you exercise?" "No": not the pain of item 20
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "claudication": "no", "persisting": "no"})
    assert turn.disposition == "self_care"
    assert turn.attributes["triage"]["reason"] == "doms"
    assert "five days" in turn.text
    assert "hamstring stretch" in turn.text


def test_soreness_after_exercise_for_a_week_goes_to_a_doctor_without_asking_again(chat):
    convo = chat()
    convo.says(location="calf", trigger="exercise", onset="gradual", duration="P1W")
    turn = convo.answer_until_outcome(NO_RED_FLAGS)
    assert turn.disposition == "doctor"
    asked = [t.pending for t in convo.turns if t.pending]
    assert "persisting" not in asked


def test_pain_shooting_from_the_bum_down_the_leg_asks_about_numbness_then_is_sciatica(chat):
    # "pain shoots from my bum down the side of my leg"
    convo = chat()
    turn = convo.says(location="buttock_down", symptom="shooting")
    asked = []
    for _ in range(8):
        if not turn.pending:
            break
        asked.append(turn.pending)
        turn = convo.no()
    assert "cauda_equina" in asked
    assert turn.attributes["triage"]["reason"] == "sciatica"
    assert turn.disposition == "self_care"
    assert "piriformis stretch" in turn.text


def test_sciatica_with_a_weakening_leg_is_urgent(chat):
    convo = chat()
    convo.says(location="buttock_down")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "nerve_weakness": "yes"})
    assert turn.disposition == "urgent"


def test_sciatica_in_both_legs_is_an_emergency_once_confirmed(chat):
    convo = chat()
    turn = convo.says(location="buttock_down", side="both", symptom="shooting")
    assert turn.confirming == "both_sides"  # said in passing: asked about directly first
    assert convo.confirms().disposition == "emergency"


def test_aching_after_every_run_that_eases_with_rest_is_asked_about_and_needs_a_doctor(chat):
    # "my calves ache after running" (item 20 asks whether it comes back every time)
    convo = chat()
    convo.says(location="calf", trigger="exercise", onset="gradual", symptom="sore_stiff")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "claudication": "yes"})
    assert "every time you exercise" in convo.turns[-2].text
    assert turn.disposition == "doctor"
    assert turn.attributes["triage"]["reason"] == "exertional"


def test_pain_out_of_nowhere_is_asked_how_it_started_and_how_bad_it_is(chat):
    # Only the place was understood: "the side of my thigh", then "nothing brought it on"
    convo = chat()
    convo.says(location="side_of_leg")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "trigger": "none", "onset": "sudden",
                                       "sudden_severe": "yes"})
    asked = [t.pending for t in convo.turns if t.pending]
    assert "onset" in asked and "sudden_severe" in asked
    assert turn.disposition == "emergency"


@pytest.mark.parametrize("location", ["whole_leg", "thigh"])
def test_unexplained_pain_in_the_thigh_or_whole_leg_is_asked_about_the_spine(chat, location):
    # "both his legs feel numb and heavy" can be lost; the base-of-spine question is asked
    convo = chat()
    convo.says(location=location)
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "trigger": "none", "onset": "gradual",
                                       "cauda_equina": "yes"})
    assert turn.disposition == "emergency"
    assert turn.attributes["triage"]["reason"] == "cauda_equina"


def test_calf_pain_on_walking_that_eases_with_rest_needs_a_doctor(chat):
    # "my calf hurts when I walk and goes away when I stop"
    convo = chat()
    convo.says(location="calf", trigger="walking")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "claudication": "yes"})
    assert turn.disposition == "doctor"
    assert "narrowed arteries" in turn.text
    assert "not just part of getting older" in turn.text


def test_night_cramps_get_a_calf_stretch_and_hydration_advice(chat):
    # "I keep getting cramps in my calf at night"
    convo = chat()
    convo.says(location="calf", trigger="night", symptom="cramp")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "cramp_frequent": "no"})
    assert turn.disposition == "self_care"
    assert "cramp" in turn.text
    assert "calf stretch" in turn.text
    turn = convo.intent("HydrationIntent")
    assert "Drink regularly through the day" in turn.text


def test_a_cramp_that_will_not_ease_for_ten_minutes_is_urgent(chat):
    convo = chat()
    convo.says(location="calf", symptom="cramp")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "cramp_long": "yes"})
    assert turn.disposition == "urgent"


def test_frequent_cramps_that_disturb_sleep_need_a_doctor(chat):
    convo = chat()
    convo.says(location="calf", trigger="night")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "cramp_frequent": "yes"})
    assert turn.disposition == "doctor"


def test_aching_thighs_after_sitting_at_a_desk_get_posture_and_the_desk_routine(chat):
    # "the back of my thighs ache after sitting at my desk all day"
    convo = chat()
    convo.says(location="hamstring", trigger="sitting", symptom="sore_stiff")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "persisting": "no"})
    assert turn.disposition == "self_care"
    assert "every half hour" in turn.text
    assert "desk routine" in turn.text
    step = convo.yes()
    assert "ankle" in step.text.lower() or "desk" in step.text.lower()


def test_no_clear_cause_is_sent_to_a_doctor(chat):
    convo = chat()
    convo.says(location="back_of_knee")
    turn = convo.answer_until_outcome({**NO_RED_FLAGS, "trigger": "unknown",
                                       "onset": "gradual"})
    assert turn.disposition == "doctor"


def test_answering_nothing_to_what_brought_it_on_counts_as_no_cause(chat):
    convo = chat()
    convo.says(location="calf")
    turn = convo.turns[-1]
    while turn.pending != "trigger":
        turn = convo.no()
    turn = convo.no()  # "nothing really"
    assert turn.attributes["triage"]["facts"]["trigger"] == "none"


# --- answers the person hears ------------------------------------------------------------

def test_why_explains_the_outcome_from_the_persons_own_answers(chat):
    convo = chat()
    convo.says(location="calf", trigger="walking")
    convo.answer_until_outcome({**NO_RED_FLAGS, "claudication": "yes"})
    turn = convo.intent("WhyIntent")
    assert "walking and eases with rest" in turn.text
    assert "not a diagnosis" in turn.text


def test_after_an_urgent_outcome_no_self_care_is_read(chat):
    convo = chat()
    convo.intent("RedFlagIntent", location="calf", symptom="swollen")
    convo.no()
    convo.no()
    turn = convo.intent("RiceIntent")
    assert "Step" not in turn.text
    assert "home care isn't the right next step" in turn.text


@pytest.mark.parametrize("locale, number", [
    ("en-US", "911"), ("en-CA", "911"), ("en-GB", "999"), ("en-AU", "triple zero"),
    ("en-IN", "112"),
])
def test_each_locale_names_its_own_emergency_number(chat, locale, number):
    convo = chat(locale=locale)
    assert number in convo.intent("RedFlagIntent", symptom="cold_pale").text
    turn = convo.confirms()
    assert turn.text.startswith(f"This could be serious. Call {number}")
    assert number.split()[0] in turn.card["title"] + turn.card["content"] or number in turn.text


def test_en_in_also_names_the_ambulance_number(chat):
    turn = chat(locale="en-IN").intent("RedFlagIntent", symptom="breathless")
    assert "108" in turn.text


def test_launch_gives_the_disclaimer_and_shortens_it_for_returning_users(tmp_path):
    convo = Conversation(tmp_path / "s.sqlite3")
    first = convo.launch()
    assert "educational use only" in first.text
    assert first.text.endswith("?")
    again = convo.launch()
    assert "not medical advice" in again.text
    assert len(again.text) < len(first.text)
    helped = convo.intent("AMAZON.HelpIntent")
    assert "educational use only" in helped.text


def test_help_fits_where_the_person_is(chat):
    convo = chat()
    convo.says(location="calf", trigger="exercise")
    during = convo.intent("AMAZON.HelpIntent")
    assert "yes, no, or I don't know" in during.text
    assert during.pending == "pe_signs"
    assert during.text.endswith("feeling faint?")


def test_the_skill_never_claims_it_can_call_for_help(chat):
    phrases = re.compile(r"I'll call|I will call|I can call|calling (911|999)|I've called|"
                         r"contact(ing)? emergency services for you", re.I)
    for symptom in ("breathless", "cold_pale", "both_legs_numb", "swollen", "pop"):
        convo = chat()
        turn = convo.intent("RedFlagIntent", symptom=symptom)
        assert not phrases.search(turn.text)
        assert not phrases.search(str(turn.card))


def test_every_question_ends_the_response(chat):
    convo = chat()
    turn = convo.says(location="calf", trigger="exercise")
    for _ in range(8):
        if not turn.pending:
            break
        assert turn.text.endswith("?")
        turn = convo.no() if turn.pending != "onset" else convo.dont_know()
    assert turn.pending is None
