"""Talk about the conversation itself, in any phase: "slow down", "speak up", "what do
you mean by blotchy", "I'm scared", and the questions people ask after a warning ("should
I drive myself", "what do I do while I wait"). Each handler is one call into
skill.alexa.talk_flow (or guide_flow, for a question about the step)."""

from __future__ import annotations

from skill.alexa import guide_flow, talk_flow
from skill.alexa.base import Group, IntentHandler
from skill.alexa.turn import Reply, Turn


class PaceHandler(IntentHandler):
    """ "Slow down", "count slower", "speak up": the last thing again, at that pace."""

    intents = ("SlowerIntent", "LouderIntent")
    group = Group.FIRST
    rank = 30

    def answer(self, turn: Turn) -> Reply:
        return talk_flow.pace(turn)


class ExplainHandler(IntentHandler):
    """ "What do you mean by blotchy?": never the sign itself."""

    intents = ("ExplainIntent",)
    group = Group.SIDE
    rank = 130

    def answer(self, turn: Turn) -> Reply:
        return talk_flow.explain(turn)


class ScaredHandler(IntentHandler):
    intents = ("ScaredIntent",)
    group = Group.SIDE
    rank = 140

    def answer(self, turn: Turn) -> Reply:
        return talk_flow.scared(turn)


class AfterWarningHandler(IntentHandler):
    """ "Should I drive myself?", "what do I do while I wait?"."""

    intents = ("DriveIntent", "WhileWaitingIntent")
    group = Group.SIDE
    rank = 150

    def answer(self, turn: Turn) -> Reply:
        return talk_flow.after_warning(turn)


class StepHelpHandler(IntentHandler):
    """ "Do I keep my heel down?", "can I hold onto a chair?"."""

    intents = ("StepHelpIntent",)
    group = Group.SIDE
    rank = 160

    def answer(self, turn: Turn) -> Reply:
        return guide_flow.step_again(turn)


class PrivacyHandler(IntentHandler):
    """ "What do you keep?", "who can see it?"."""

    intents = ("PrivacyIntent",)
    group = Group.SIDE
    rank = 170

    def answer(self, turn: Turn) -> Reply:
        return talk_flow.privacy(turn)


class NoIceHandler(IntentHandler):
    """ "I don't have an ice pack": never a "no" to the question or step at hand."""

    intents = ("NoIceIntent",)
    group = Group.SIDE
    rank = 180

    def answer(self, turn: Turn) -> Reply:
        return talk_flow.no_ice(turn)
