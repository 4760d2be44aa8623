"""The exception handlers, in the order skill.py registers them: an expected failure
(skill/alexa/failures.py) answered in its feature's words, then the catch-all for bugs: a
short spoken apology (with the emergency number, since a person in trouble may be on the
other end), counted as a bug apology, the session kept open.

Both answer through respond.render, as every handler does, which writes the conversation
state back: the SDK skips response interceptors when an exception handler answers, so
nothing may rely on one."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill import logs
from skill.alexa import failures, prompts
from skill.alexa.respond import join, render
from skill.alexa.turn import NOTHING, Reply, Turn

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
        turn = Turn.of(handler_input)
        return render(turn, failed(turn, exception.task))


class ErrorHandler(AbstractExceptionHandler):
    """Anything else is a bug: apologise, and count it."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        logs.bug_apology(logger, "handler failed", exception)
        turn = Turn.of(handler_input)
        if not turn.has_session:
            return render(turn, NOTHING)  # skill events and system requests take no speech
        c = turn.content
        return render(turn, Reply(c.say("error"), reprompt=c.say("error_reprompt")))


def failed(turn: Turn, task: failures.Task) -> Reply:
    """What the person hears when `task` failed: its words, then where they were."""
    if not turn.has_session:
        return NOTHING  # skill events take no speech; the log alarms
    said = turn.content.say(task.words)
    if task.end:
        return Reply(said, end=True)
    prompt = prompts.after_side(turn)
    return Reply(join(said, prompt), reprompt=prompt)
