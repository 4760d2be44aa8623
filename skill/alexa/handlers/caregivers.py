"""Caregivers: weekly summaries, sharing codes, connecting to one, naming who a shared
person is, and stopping sharing. Each handler is one call into skill.alexa.caregiver_flow."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type

from skill.alexa import caregiver_flow
from skill.alexa.base import Group, Handler, IntentHandler
from skill.alexa.turn import Reply, Turn


class SummaryHandler(IntentHandler):
    """ "How has mom been doing this week?" — exactly the people this account calls mom."""

    intents = ("SummaryIntent",)
    group = Group.ACCOUNT
    rank = 20

    def answer(self, turn: Turn) -> Reply:
        return caregiver_flow.summary(turn, turn.slot_id("subject"))


class ShareHandler(IntentHandler):
    """A code for the speaker's own check-ins and those the account keeps for others."""

    intents = ("ShareIntent",)
    group = Group.ACCOUNT
    rank = 30

    def answer(self, turn: Turn) -> Reply:
        return caregiver_flow.share(turn)


class ConnectHandler(IntentHandler):
    intents = ("ConnectIntent",)
    group = Group.ACCOUNT
    rank = 40

    def answer(self, turn: Turn) -> Reply:
        return caregiver_flow.connect(turn)


class NameHandler(Handler):
    """The answer to "who is this person to you?": "my mom" (or "how is my mom doing?")."""

    group = Group.FIRST
    rank = 40

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input) and caregiver_flow.naming_answer(
            Turn.of(handler_input)
        )

    def answer(self, turn: Turn) -> Reply:
        return caregiver_flow.name(turn)


class StopSharingHandler(IntentHandler):
    intents = ("StopSharingIntent",)
    group = Group.ACCOUNT
    rank = 60

    def answer(self, turn: Turn) -> Reply:
        return caregiver_flow.stop_sharing(turn)


class ReceiveShareHandler(IntentHandler):
    """ "Can my dad share his progress with me?": how the other person gives a code."""

    intents = ("ReceiveShareIntent",)
    group = Group.ACCOUNT
    rank = 50

    def answer(self, turn: Turn) -> Reply:
        return caregiver_flow.how_to_receive(turn)
