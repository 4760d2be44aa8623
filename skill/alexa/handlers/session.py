"""The session's frame: launch, help, fallback, repeat, start over, stop, session end,
skill events and anything else Alexa may send."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type, is_request_type
from ask_sdk_model import Response

from skill import metrics
from skill.alexa import alert_flow, guide_flow, persistence, repair, triage_flow
from skill.alexa.base import Handler, IntentHandler
from skill.alexa.respond import content, empty, join, reply, said_last
from skill.alexa.state import Phase, conversation
from skill.store import StoreError

logger = logging.getLogger(__name__)


class LaunchHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        # One call: the profile read, or created for a new account (not written again).
        visits = 1 if persistence.open_profile(handler_input, self.store) else 2
        # A caregiver hears what happened first (the most serious alerts waiting for
        # them); if more wait, they are offered, and the welcome comes after.
        heard = alert_flow.announce(handler_input, self.store)
        if heard.more:
            conversation(handler_input).confirm = "more_alerts"
            offer = alert_flow.more(handler_input, heard.more)
            prompt = alert_flow.more_prompt(handler_input, heard.more)
            return reply(handler_input, join(heard.text, offer), reprompt=prompt)
        speech, reprompt = welcome(handler_input, visits)
        return reply(handler_input, join(heard.text, speech), reprompt=reprompt)


def welcome(handler_input: HandlerInput, visits: int | None = None) -> tuple[str, str]:
    """The launch's own words (a guide to resume, or the welcome) and its reprompt."""
    c = content(handler_input)
    saved = guide_flow.resumable(handler_input)
    if saved:
        speech = c.say("launch.resume", guide=guide_flow.label(handler_input, saved.id))
        return speech, c.say("launch.reprompt")
    if visits is None:  # later in a session: an account with a profile has been here before
        visits = 2 if persistence.load(handler_input) else 1
    key = "launch.first" if visits <= 1 else "launch.returning"
    return c.say(key), c.say("launch.reprompt")


class HelpHandler(IntentHandler):
    intents = ("AMAZON.HelpIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return repair.phase_reply(handler_input, "help")


class WaitHandler(IntentHandler):
    """ "Wait", "hang on", "one moment", "pause": the session stays open in every phase;
    only stop, cancel and "that's all" end it."""

    intents = ("WaitIntent", "AMAZON.PauseIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        phase = conversation(handler_input).phase
        if phase == Phase.GUIDE:
            return reply(handler_input, c.say("wait.guide"), reprompt=c.say("guides.cues.prompt"))
        prompt = triage_flow.current_prompt(handler_input)
        return reply(handler_input, c.say("wait.question", prompt=prompt), reprompt=prompt)


class FallbackHandler(Handler):
    """AMAZON.FallbackIntent, and any intent this skill does not know (logged).

    Repair, never a loop: the first miss at a prompt says so and asks again with a hint;
    the second moves on. An opening that was not understood goes straight to the checks."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = get_intent_name(handler_input)
        if name != "AMAZON.FallbackIntent":
            logger.warning("unknown intent %.60s", name)
        return repair.not_understood(handler_input, self.store)


class RepeatHandler(IntentHandler):
    intents = ("AMAZON.RepeatIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        state = conversation(handler_input)
        last = state.last
        # Said again from content keys (skill.alexa.repeat), never from stored SSML.
        speech, question = said_last(handler_input)
        if last and question:
            if speech is None or (state.repeats >= 1 and last.asked != last.said):
                # Heard twice already (or the reply was not kept): the question (or the
                # number) on its own, rather than the whole reply a third time.
                return reply(handler_input, question, reprompt=question, repeat=True)
            if state.repeats >= 1:  # the same question a third time: say that it is
                speech = join(content(handler_input).say("talk.once_more"), speech)
            return reply(handler_input, speech, reprompt=question, repeat=True)
        prompt = triage_flow.current_prompt(handler_input)
        text = content(handler_input).say("unclear.nothing_to_repeat", next=prompt)
        return reply(handler_input, text, reprompt=prompt)


class StartOverHandler(IntentHandler):
    intents = ("AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        conversation(handler_input).start_over()
        again = c.say("launch.reprompt")
        if get_intent_name(handler_input) == "AMAZON.NavigateHomeIntent":
            return reply(handler_input, c.say("home"), reprompt=again)
        return reply(handler_input, join(c.say("start_over"), again), reprompt=again)


class StopHandler(IntentHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        current = conversation(handler_input).guide
        if current:
            return reply(handler_input, guide_flow.goodbye(handler_input, current), end=True)
        return reply(handler_input, c.say("goodbye"), end=True)


class SessionEndedHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        if getattr(getattr(request, "reason", None), "value", None) == "ERROR":
            error = getattr(getattr(request, "error", None), "object_type", None)
            logger.warning("session ended with error %s", getattr(error, "value", error))
        current = conversation(handler_input).guide
        if current:
            guide_flow.remember(handler_input, current)
        return empty(handler_input)


class SkillEventHandler(Handler):
    """Skill events have no session and take no speech. Disabling the skill without
    asking to keep data deletes everything stored for the account."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        kind = get_request_type(handler_input)  # typed AnyStr by the SDK; a str at run time
        return isinstance(kind, str) and kind.startswith("AlexaSkillEvent.")

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        # persistence_status is set by skill.alexa.entry from the raw event.
        if (
            get_request_type(handler_input) == "AlexaSkillEvent.SkillDisabled"
            and getattr(request, "persistence_status", None) != "PERSISTED"
        ):
            try:
                handler_input.attributes_manager.delete_persistent_attributes()
            except StoreError as exc:  # events take no speech; the metric alarms
                metrics.count(
                    logger,
                    metrics.Metric.STORAGE_FAILURES,
                    "could not delete data (%s)",
                    type(exc).__name__,
                    level=logging.ERROR,
                )
        return empty(handler_input)


class OtherRequestHandler(Handler):
    """Anything else (System.ExceptionEncountered, APL events, ...): log, no speech."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        logger.warning("unhandled request type %.60s", get_request_type(handler_input))
        return empty(handler_input)
