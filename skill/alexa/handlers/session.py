"""The session's frame: launch, help, fallback, repeat, start over, stop, session end,
skill events and anything else Alexa may send."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type, is_request_type

from skill.alexa import account_flow, repair, session_flow
from skill.alexa.base import Group, Handler, IntentHandler
from skill.alexa.turn import Reply, Turn


class LaunchHandler(Handler):
    group = Group.FIRST
    rank = 10

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def answer(self, turn: Turn) -> Reply:
        return session_flow.launch(turn)


class HelpHandler(IntentHandler):
    intents = ("AMAZON.HelpIntent",)
    group = Group.NAVIGATION
    rank = 50

    def answer(self, turn: Turn) -> Reply:
        return repair.phase_reply(turn, "help")


class WaitHandler(IntentHandler):
    """ "Wait", "hang on", "one moment", "pause": the session stays open in every phase."""

    intents = ("WaitIntent", "AMAZON.PauseIntent")
    group = Group.PHASE
    rank = 120

    def answer(self, turn: Turn) -> Reply:
        return session_flow.wait(turn)


class FallbackHandler(Handler):
    """AMAZON.FallbackIntent, and any intent this skill does not know (logged).

    Repair, never a loop: the first miss at a prompt says so and asks again with a hint;
    the second moves on. An opening that was not understood goes straight to the checks."""

    group = Group.CATCH_ALL
    rank = 10

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def answer(self, turn: Turn) -> Reply:
        return repair.fallback(turn)


class RepeatHandler(IntentHandler):
    intents = ("AMAZON.RepeatIntent",)
    group = Group.NAVIGATION
    rank = 10

    def answer(self, turn: Turn) -> Reply:
        return session_flow.repeat(turn)


class StartOverHandler(IntentHandler):
    intents = ("AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent")
    group = Group.NAVIGATION
    rank = 20

    def answer(self, turn: Turn) -> Reply:
        return session_flow.start_over(turn)


class StopHandler(IntentHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")
    group = Group.NAVIGATION
    rank = 60

    def answer(self, turn: Turn) -> Reply:
        return session_flow.stop(turn)


class SessionEndedHandler(Handler):
    group = Group.NAVIGATION
    rank = 70

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def answer(self, turn: Turn) -> Reply:
        return session_flow.ended(turn)


class SkillEventHandler(Handler):
    """Skill events have no session and take no speech (disabling the skill may delete
    the account's data: account_flow.skill_event)."""

    group = Group.NAVIGATION
    rank = 90

    def can_handle(self, handler_input: HandlerInput) -> bool:
        kind = get_request_type(handler_input)  # typed AnyStr by the SDK; a str at run time
        return isinstance(kind, str) and kind.startswith("AlexaSkillEvent.")

    def answer(self, turn: Turn) -> Reply:
        return account_flow.skill_event(turn)


class OtherRequestHandler(Handler):
    """Anything else (System.ExceptionEncountered, APL events, ...): log, no speech."""

    group = Group.CATCH_ALL
    rank = 20

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def answer(self, turn: Turn) -> Reply:
        return session_flow.unhandled(turn)
