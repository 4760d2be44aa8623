"""The exception handlers, in the order skill.py registers them: an expected failure
(skill/alexa/failures.py) answered in its feature's words, then the catch-all for bugs: a
short spoken apology (with the emergency number, since a person in trouble may be on the
other end), counted as a bug apology, the session kept open.

Both answer through respond.reply, which writes the conversation state back: the SDK
skips response interceptors when an exception handler answers, so nothing may rely on
one."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill import logs
from skill.alexa import failures, triage_flow
from skill.alexa.respond import content, empty, join, reply

logger = logging.getLogger(__name__)


class FailureHandler(AbstractExceptionHandler):
    """A feature could not do what was asked (storage out, no account key): say so in
    that feature's words, then carry on where the person was. Not a bug: no apology
    counted; a storage failure is counted as one (metrics.Metric.STORAGE_FAILURES)."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return isinstance(exception, failures.Failure)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        assert isinstance(exception, failures.Failure)  # can_handle checked it
        failures.count(exception)
        task = exception.task
        if handler_input.request_envelope.session is None:
            return empty(handler_input)  # skill events take no speech; the log alarms
        said = content(handler_input).say(task.words)
        if task.end:
            return reply(handler_input, said, end=True)
        prompt = triage_flow.next_prompt(handler_input)
        return reply(handler_input, join(said, prompt), reprompt=prompt)


class ErrorHandler(AbstractExceptionHandler):
    """Anything else is a bug: apologise, and count it."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        logs.bug_apology(logger, "handler failed", exception)
        if handler_input.request_envelope.session is None:
            return empty(handler_input)  # skill events and system requests take no speech
        c = content(handler_input)
        return reply(handler_input, c.say("error"), reprompt=c.say("error_reprompt"))
