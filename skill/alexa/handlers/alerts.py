"""Caregiver alerts, agreed by voice on both sides: each handler is one call into
skill.alexa.alert_choice_flow."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type

from skill.alexa import alert_choice_flow, ask_for
from skill.alexa.base import ANSWERS, Group, Handler, IntentHandler
from skill.alexa.state import Phase, conversation
from skill.alexa.turn import Reply, Turn

ANSWERS_TO_CONFIRM = (*ANSWERS, "AMAZON.CancelIntent", "AMAZON.StopIntent")


class AlertCaregiversHandler(IntentHandler):
    """ "Alert my caregivers": ask first, in plain words, what they will be told."""

    intents = ("AlertCaregiversIntent",)
    group = Group.ACCOUNT
    rank = 70

    def answer(self, turn: Turn) -> Reply:
        return alert_choice_flow.ask_owner(turn)


class ConfirmAlertsHandler(IntentHandler):
    """Yes turns the owner's alerts on; anything else leaves them off."""

    intents = ANSWERS_TO_CONFIRM
    phases = (Phase.CONFIRM,)
    group = Group.PHASE
    rank = 20

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return super().can_handle(handler_input) and conversation(handler_input).confirm == "alerts"

    def answer(self, turn: Turn) -> Reply:
        return alert_choice_flow.owner_answer(turn)


class MoreAlertsHandler(IntentHandler):
    """Yes / no to hearing the rest of a caregiver's alerts."""

    intents = ANSWERS_TO_CONFIRM
    phases = (Phase.CONFIRM,)
    group = Group.PHASE
    rank = 30

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            super().can_handle(handler_input)
            and conversation(handler_input).confirm == "more_alerts"
        )

    def answer(self, turn: Turn) -> Reply:
        return alert_choice_flow.more_answer(turn)


class SendMeAlertsHandler(IntentHandler):
    """ "Send me alerts" / "send me alerts about mom", said by the caregiver."""

    intents = ("SendMeAlertsIntent",)
    group = Group.ACCOUNT
    rank = 80

    def answer(self, turn: Turn) -> Reply:
        return alert_choice_flow.send_me(turn)


class AlertPermissionHandler(Handler):
    """The answer to the notifications AskFor."""

    group = Group.ACCOUNT
    rank = 120

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return ask_for.is_answer(handler_input, alert_choice_flow.TOKEN)

    def answer(self, turn: Turn) -> Reply:
        return alert_choice_flow.permission_answer(turn)


class StopAlertsHandler(IntentHandler):
    """ "Stop alerts": this account neither alerts its caregivers nor gets alerts."""

    intents = ("StopAlertsIntent",)
    group = Group.ACCOUNT
    rank = 90

    def answer(self, turn: Turn) -> Reply:
        return alert_choice_flow.stop(turn)


class NotificationsOffHandler(Handler):
    """Skill events: notifications turned off, or the permission taken back."""

    group = Group.NAVIGATION
    rank = 80

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) in alert_choice_flow.NOTIFICATION_EVENTS

    def answer(self, turn: Turn) -> Reply:
        return alert_choice_flow.notifications_changed(turn)
