"""A red-flag question asks about one finding (or findings that lead to the same action
and that nothing benign commonly says yes to), so an honest yes to something benign
cannot escalate: "Where items touch" in docs/clinical.md."""

from __future__ import annotations

from support import Conversation

from skill.triage.engine import load_protocol


def reach(talk: Conversation, question: str, limit: int = 12):
    for _ in range(limit):
        if talk.turns[-1].pending == question:
            return talk.turns[-1]
        talk.no()
    raise AssertionError(f"{question} never asked")


def test_the_saddle_and_bladder_question_and_the_both_legs_question_are_apart():
    covers = load_protocol().covers
    assert covers("cauda_equina") == ("saddle_numb", "bladder_bowel")
    assert covers("both_legs") == ("both_legs_numb",)


def test_sciatica_is_asked_about_both_legs_on_its_own_and_yes_is_an_emergency(convo):
    convo.says(location="buttock_down", symptom="shooting")
    asked = reach(convo, "both_legs")
    assert "both legs" in asked.text and "bladder" not in asked.text
    assert convo.yes().disposition == "emergency"


def test_numb_feet_with_night_cramps_are_not_asked_the_both_legs_question(convo):
    convo.says(location="calf", trigger="night", symptom="cramp", other_symptom="numb_tingling")
    asked = [t.pending for t in convo.turns]
    while convo.turns[-1].pending:
        asked.append(convo.no().pending)
    assert "both_legs" not in asked and "cauda_equina" in asked
    assert convo.turns[-1].disposition != "emergency"


def test_an_injury_is_asked_about_pale_or_blotchy_skin_not_a_strange_colour(convo):
    convo.says(location="calf", trigger="injury")
    asked = reach(convo, "injury_signs")
    assert "strange colour" not in asked.text and "pale, white or blotchy" in asked.text


def test_the_skin_question_is_about_the_painful_leg_and_feeling_unwell_is_asked_apart(convo):
    convo.says(location="calf", symptom="wound", other_symptom="hot_red")
    skin = reach(convo, "necrotising")
    assert skin.text.startswith("On the painful leg") and "unwell" not in skin.text
    unwell = convo.no()
    assert unwell.pending == "unwell" and "very unwell" in unwell.text
    assert convo.yes().disposition == "emergency"
