"""Guided sessions and advice: start RICE or a stretch, move through the steps, resume,
hydration and posture tips. Each handler is one call into skill.alexa.guide_flow (or
side_flow, for asking for a guide or advice at any point)."""

from __future__ import annotations

from skill.alexa import guide_flow, side_flow
from skill.alexa.base import Group, IntentHandler
from skill.alexa.state import Phase
from skill.alexa.turn import Reply, Turn


class GuideHandler(IntentHandler):
    """Next / previous / repeat / start over / yes / no inside a guided session."""

    intents = (*guide_flow.MOVES, "AMAZON.NoIntent")
    phases = (Phase.GUIDE,)
    group = Group.PHASE
    rank = 80

    def answer(self, turn: Turn) -> Reply:
        return guide_flow.navigate(turn)


class GuideTalkHandler(IntentHandler):
    """Mid-stretch talk stays in the stretch: how long, how many, which leg."""

    intents = ("HoldTimeIntent", "RepsIntent", "OtherLegIntent")  # slower: talk.PaceHandler
    phases = (Phase.GUIDE,)
    group = Group.PHASE
    rank = 60

    def answer(self, turn: Turn) -> Reply:
        return guide_flow.mid_stretch(turn)


class StretchHurtsHandler(IntentHandler):
    """ "This hurts", "it's sharp": stop the stretch, say why, and offer the checks."""

    intents = ("StretchHurtsIntent",)
    group = Group.PHASE
    rank = 70

    def answer(self, turn: Turn) -> Reply:
        return guide_flow.hurts(turn)


class GuideStartHandler(IntentHandler):
    intents = ("RiceIntent", "StretchIntent")
    group = Group.SIDE
    rank = 30

    def answer(self, turn: Turn) -> Reply:
        return side_flow.guide_start(turn)


class AdviceHandler(IntentHandler):
    intents = ("HydrationIntent", "PostureIntent")
    group = Group.SIDE
    rank = 40

    def answer(self, turn: Turn) -> Reply:
        return side_flow.advice(turn)


class ResumeHandler(IntentHandler):
    intents = ("AMAZON.ResumeIntent",)
    group = Group.NAVIGATION
    rank = 30

    def answer(self, turn: Turn) -> Reply:
        return guide_flow.resume_asked(turn)


class IdleNavigationHandler(IntentHandler):
    """Next / previous with no guided session running: say where we are."""

    intents = ("AMAZON.NextIntent", "AMAZON.PreviousIntent")
    group = Group.NAVIGATION
    rank = 40

    def answer(self, turn: Turn) -> Reply:
        return guide_flow.idle_navigation(turn)
