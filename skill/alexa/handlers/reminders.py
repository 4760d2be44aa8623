"""Daily check-in reminders: each handler is one call into skill.alexa.reminder_flow."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa import ask_for, reminder_flow
from skill.alexa.base import Group, Handler, IntentHandler
from skill.alexa.turn import Reply, Turn


class ReminderHandler(IntentHandler):
    intents = ("ReminderIntent",)
    group = Group.ACCOUNT
    rank = 110

    def answer(self, turn: Turn) -> Reply:
        return reminder_flow.remind(turn)


class PermissionResponseHandler(Handler):
    """The answer to AskFor. Ranked after the alerts' own (alerts.AlertPermissionHandler),
    it takes any other AskFor answer too (as declined)."""

    group = Group.ACCOUNT
    rank = 130

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return ask_for.is_answer(handler_input)

    def answer(self, turn: Turn) -> Reply:
        return reminder_flow.permission_answer(turn)
