"""The account's own features: check-ins and deleting data (caregivers: caregivers.py)."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import Response

from skill.alexa import checkin_flow, failures, persistence, slots
from skill.alexa.base import ANSWERS, IntentHandler, matched_intent
from skill.alexa.respond import content, reply
from skill.alexa.state import Phase, conversation

logger = logging.getLogger(__name__)


def slot_id(handler_input: HandlerInput, name: str) -> str | None:
    return slots.resolved_id(slots.slot(slots.intent_of(handler_input), name))


def user_of(handler_input: HandlerInput) -> str | None:
    return persistence.user_key(handler_input.request_envelope)


class CheckInStartHandler(IntentHandler):
    intents = ("CheckInIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return checkin_flow.start(handler_input, slot_id(handler_input, "subject"))


class CheckInAnswerHandler(IntentHandler):
    """Answers during a check-in: yes / no / don't know, or a pain score."""

    intents = (*ANSWERS, "PainScaleIntent", "StretchesDoneIntent")
    phases = (Phase.CHECKIN,)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = matched_intent(handler_input)
        if name == "StretchesDoneIntent":
            # "He did them this morning", "only the calf one": the stretches were done (at
            # the stretches question; anywhere else in a check-in it answers nothing).
            state = conversation(handler_input)
            if state.checkin is not None and state.checkin.step == "stretches":
                return checkin_flow.answer(handler_input, self.store, "yes")
            return checkin_flow.ask_again(handler_input, self.store)
        if name == "PainScaleIntent":
            score = slots.number(slots.slot(slots.intent_of(handler_input), "score"))
            value: str | int = score if score is not None else -1
        else:
            value = ANSWERS[name]
        return checkin_flow.answer(handler_input, self.store, value)


class DeleteDataHandler(IntentHandler):
    intents = ("DeleteDataIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        text = content(handler_input).say("deletion.confirm")
        conversation(handler_input).confirm = "delete"
        return reply(handler_input, text, reprompt=text)


class ConfirmDeleteHandler(IntentHandler):
    """Yes deletes everything for the account; anything else keeps it."""

    intents = (*ANSWERS, "AMAZON.CancelIntent", "AMAZON.StopIntent")
    phases = (Phase.CONFIRM,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return super().can_handle(handler_input) and conversation(handler_input).confirm == "delete"

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        state = conversation(handler_input)
        state.confirm = None
        if get_intent_name(handler_input) != "AMAZON.YesIntent":
            return reply(handler_input, c.say("deletion.kept"), end=True)
        # On failure, never pretend it worked (failures.DELETE_DATA's words).
        with failures.storage(failures.DELETE_DATA):
            handler_input.attributes_manager.delete_persistent_attributes()
        state.clear()
        return reply(handler_input, c.say("deletion.done"), end=True)
