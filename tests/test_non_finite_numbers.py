"""Numbers that are not finite ("inf", "1e309", "nan") are no number: a slot holding one is
read as nothing, and a pain score of infinity is asked again, in triage and at a check-in."""

from __future__ import annotations

import logging

import pytest
from ask_sdk_model import Slot

from skill.alexa import slots


@pytest.mark.parametrize("value", ["inf", "-inf", "1e309", "nan", "Infinity"])
def test_a_number_that_is_not_finite_is_no_number(value):
    assert slots.number(Slot(name="score", value=value)) is None


@pytest.mark.parametrize("value", ["inf", "1e309", "nan"])
def test_a_pain_score_of_infinity_is_asked_again(convo, value, caplog):
    with caplog.at_level(logging.WARNING):
        turn = convo.intent("PainScaleIntent", score=value)
    assert "something went wrong" not in turn.text
    assert "zero to ten" in turn.text
    convo.launch()
    convo.intent("CheckInIntent")
    convo.yes()
    turn = convo.intent("PainScaleIntent", score=value)
    assert "something went wrong" not in turn.text and "zero to ten" in turn.text
