"""The one exception handler: a short spoken apology (with the emergency number, since a
person in trouble may be on the other end), the error logged, the session kept open."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill import logs
from skill.alexa.respond import content, empty, reply

logger = logging.getLogger(__name__)


class ErrorHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        logger.error("%s: handler failed: %s", logs.BUG_APOLOGY, logs.describe(exception))
        if handler_input.request_envelope.session is None:
            return empty(handler_input)  # skill events and system requests take no speech
        c = content(handler_input)
        return reply(handler_input, c.say("error"), reprompt=c.say("error_reprompt"))
