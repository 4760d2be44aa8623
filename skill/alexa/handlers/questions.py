"""Everyday questions, answered without losing the place: painkillers, heat or ice,
"what is ...", how long it takes, is it serious, thank you, and a stretch question ("how
long do I hold it?") with no stretch running. Each handler is one call into
skill.alexa.question_flow."""

from __future__ import annotations

from skill.alexa import question_flow
from skill.alexa.base import Group, IntentHandler
from skill.alexa.state import Phase
from skill.alexa.turn import Reply, Turn


class MedicineHandler(IntentHandler):
    intents = ("MedicineIntent",)
    group = Group.SIDE
    rank = 70

    def answer(self, turn: Turn) -> Reply:
        return question_flow.medicine(turn)


class HeatIceHandler(IntentHandler):
    intents = ("HeatIceIntent",)
    group = Group.SIDE
    rank = 80

    def answer(self, turn: Turn) -> Reply:
        return question_flow.heat_ice(turn)


class WhatIsHandler(IntentHandler):
    intents = ("WhatIsIntent",)
    group = Group.SIDE
    rank = 90

    def answer(self, turn: Turn) -> Reply:
        return question_flow.what_is(turn)


class HealingTimeHandler(IntentHandler):
    intents = ("HealingTimeIntent",)
    group = Group.SIDE
    rank = 100

    def answer(self, turn: Turn) -> Reply:
        return question_flow.healing_time(turn)


class IsItSeriousHandler(IntentHandler):
    """ "Is it serious?", "should I see a doctor?"."""

    intents = ("IsItSeriousIntent",)
    group = Group.SIDE
    rank = 110

    def answer(self, turn: Turn) -> Reply:
        return question_flow.is_it_serious(turn)


class ThanksHandler(IntentHandler):
    intents = ("ThanksIntent",)
    group = Group.SIDE
    rank = 120

    def answer(self, turn: Turn) -> Reply:
        return question_flow.thanks(turn)


class StretchQuestionHandler(IntentHandler):
    """ "How long do I hold it?", "how many?" with no stretch running (inside one,
    guides.GuideTalkHandler answers from that stretch's own numbers)."""

    intents = ("HoldTimeIntent", "RepsIntent")
    group = Group.SIDE
    rank = 125

    def answer(self, turn: Turn) -> Reply:
        return question_flow.stretching(turn)


class WhichLegQuestionHandler(IntentHandler):
    """ "Which leg?" with no stretch running, once the talk is under way. Not at the
    start: free speech about the leg ("I cut my leg on a fence") can be heard as this
    question, and there the words must go on to be understood, not be answered."""

    intents = ("OtherLegIntent",)
    phases = (Phase.QUESTION, Phase.CHECKIN, Phase.OUTCOME, Phase.CORRECT, Phase.CONFIRM)
    group = Group.SIDE
    rank = 126

    def answer(self, turn: Turn) -> Reply:
        return question_flow.stretching(turn)
