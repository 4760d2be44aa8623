"""The session's frame: launch, help, fallback, repeat, start over, stop, session end,
skill events and anything else Alexa may send."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type, is_request_type

from skill.alexa import account_flow, guide_flow, prompts, repair, session_flow
from skill.alexa.base import Handler, IntentHandler
from skill.alexa.respond import join, said_last
from skill.alexa.state import Phase
from skill.alexa.turn import NOTHING, Reply, Turn

logger = logging.getLogger(__name__)


class LaunchHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def answer(self, turn: Turn) -> Reply:
        return session_flow.launch(turn)


class HelpHandler(IntentHandler):
    intents = ("AMAZON.HelpIntent",)

    def answer(self, turn: Turn) -> Reply:
        return repair.phase_reply(turn, "help")


class WaitHandler(IntentHandler):
    """ "Wait", "hang on", "one moment", "pause": the session stays open in every phase;
    only stop, cancel and "that's all" end it."""

    intents = ("WaitIntent", "AMAZON.PauseIntent")

    def answer(self, turn: Turn) -> Reply:
        c = turn.content
        phase = turn.state.phase
        if phase == Phase.GUIDE:
            return Reply(c.say("wait.guide"), reprompt=c.say("guides.cues.prompt"))
        prompt = prompts.current(turn)
        return Reply(c.say("wait.question", prompt=prompt), reprompt=prompt)


class FallbackHandler(Handler):
    """AMAZON.FallbackIntent, and any intent this skill does not know (logged).

    Repair, never a loop: the first miss at a prompt says so and asks again with a hint;
    the second moves on. An opening that was not understood goes straight to the checks."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def answer(self, turn: Turn) -> Reply:
        name = turn.intent_name
        if name != "AMAZON.FallbackIntent":
            logger.warning("unknown intent %.60s", name)
        return repair.not_understood(turn)


class RepeatHandler(IntentHandler):
    intents = ("AMAZON.RepeatIntent",)

    def answer(self, turn: Turn) -> Reply:
        state = turn.state
        last = state.last
        # Said again from content keys (skill.alexa.repeat), never from stored SSML.
        speech, question = said_last(turn)
        if last and question:
            if speech is None or (state.repeats >= 1 and last.asked != last.said):
                # Heard twice already (or the reply was not kept): the question (or the
                # number) on its own, rather than the whole reply a third time.
                return Reply(question, reprompt=question, repeat=True)
            if state.repeats >= 1:  # the same question a third time: say that it is
                speech = join(turn.content.say("talk.once_more"), speech)
            return Reply(speech, reprompt=question, repeat=True)
        prompt = prompts.current(turn)
        text = turn.content.say("unclear.nothing_to_repeat", next=prompt)
        return Reply(text, reprompt=prompt)


class StartOverHandler(IntentHandler):
    intents = ("AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent")

    def answer(self, turn: Turn) -> Reply:
        c = turn.content
        turn.state.start_over()
        again = c.say("launch.reprompt")
        if turn.intent_name == "AMAZON.NavigateHomeIntent":
            return Reply(c.say("home"), reprompt=again)
        return Reply(join(c.say("start_over"), again), reprompt=again)


class StopHandler(IntentHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def answer(self, turn: Turn) -> Reply:
        c = turn.content
        current = turn.state.guide
        if current:
            return Reply(guide_flow.goodbye(turn, current), end=True)
        return Reply(c.say("goodbye"), end=True)


class SessionEndedHandler(Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def answer(self, turn: Turn) -> Reply:
        return session_flow.ended(turn)


class SkillEventHandler(Handler):
    """Skill events have no session and take no speech (disabling the skill may delete
    the account's data: account_flow.skill_event)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        kind = get_request_type(handler_input)  # typed AnyStr by the SDK; a str at run time
        return isinstance(kind, str) and kind.startswith("AlexaSkillEvent.")

    def answer(self, turn: Turn) -> Reply:
        return account_flow.skill_event(turn)


class OtherRequestHandler(Handler):
    """Anything else (System.ExceptionEncountered, APL events, ...): log, no speech."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def answer(self, turn: Turn) -> Reply:
        logger.warning("unhandled request type %.60s", turn.request_type)
        return NOTHING
