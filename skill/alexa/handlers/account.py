"""The account's own features: check-ins and deleting data (caregivers: caregivers.py).
Each handler is one call into a flow."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa import account_flow, checkin_flow
from skill.alexa.base import ANSWERS, Group, IntentHandler
from skill.alexa.state import Phase, conversation
from skill.alexa.turn import Reply, Turn


class CheckInStartHandler(IntentHandler):
    intents = ("CheckInIntent",)
    group = Group.ACCOUNT
    rank = 10

    def answer(self, turn: Turn) -> Reply:
        return checkin_flow.start(turn, turn.slot_id("subject"))


class CheckInAnswerHandler(IntentHandler):
    """Answers during a check-in: yes / no / don't know, or a pain score."""

    intents = (*ANSWERS, "PainScaleIntent", "StretchesDoneIntent")
    phases = (Phase.CHECKIN,)
    group = Group.PHASE
    rank = 50

    def answer(self, turn: Turn) -> Reply:
        return checkin_flow.answer_said(turn)


class DeleteDataHandler(IntentHandler):
    intents = ("DeleteDataIntent",)
    group = Group.ACCOUNT
    rank = 100

    def answer(self, turn: Turn) -> Reply:
        return account_flow.ask_delete(turn)


class ConfirmDeleteHandler(IntentHandler):
    """Yes deletes everything for the account; anything else keeps it."""

    intents = (*ANSWERS, "AMAZON.CancelIntent", "AMAZON.StopIntent")
    phases = (Phase.CONFIRM,)
    group = Group.PHASE
    rank = 40

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return super().can_handle(handler_input) and conversation(handler_input).confirm == "delete"

    def answer(self, turn: Turn) -> Reply:
        return account_flow.confirm_delete(turn)
