"""What every request handler shares: the services it was built with, and (for intent
handlers) the intents and conversation phases it answers."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.services import ApiClient

from skill.alexa.respond import render
from skill.alexa.state import Phase, conversation
from skill.alexa.turn import Reply, Turn
from skill.store import Store

if TYPE_CHECKING:
    from skill.alexa.alert_sender import LocalSender


class Services(NamedTuple):
    """Dependencies handed to every handler when the skill is built. Alexa's own APIs
    (reminders, settings) come through the SDK's service client factory instead; the
    Proactive Events API, which needs no request token, through `api_client` itself.
    `alert_sender`: this process's own sender of caregiver alerts (None where the table's
    stream delivers them, skill.alexa.alert_sender)."""

    store: Store
    api_client: ApiClient | None = None
    alert_sender: LocalSender | None = None


class Group(IntEnum):
    """Where a handler stands. The first handler whose can_handle is true answers, so
    what must win whatever the phase comes first, answers tied to a phase next, catch-alls
    last. skill.alexa.handlers.ordered() sorts every handler by (group, rank)."""

    # Opening the skill; a call for help; "slow down"; the answer to "who is this person
    # to you?" (only a bare "my mom": anything about the pain goes on to triage);
    # statements of pain, red flags or corrections, heard whatever the phase.
    FIRST = 1
    # Answers that belong to the phase the person is in (a bare yes / no / wait...).
    PHASE = 2
    # Account features: check-ins, summaries, sharing, caregiver alerts, deleting data,
    # reminders (each AskFor answer goes back to the feature that asked, by its token).
    ACCOUNT = 3
    # Side facts, guides and advice, explanations and everyday questions.
    SIDE = 4
    # Navigation and the session's frame.
    NAVIGATION = 5
    # Catch-alls, last: any intent not handled above, then any request at all.
    CATCH_ALL = 6


class Handler(AbstractRequestHandler):
    """A request handler: `can_handle` reads the request, `answer` gives the turn's Reply
    (one call into a flow); `handle` renders it, the same way for every handler.

    Each concrete handler declares its place: `group`, and `rank` within the group
    (lower first; unique in the group, so the order is total). Rank only matters among
    handlers that could take the same request; spaced by ten to leave room."""

    group: ClassVar[Group | None] = None
    rank: ClassVar[int] = 0

    def __init__(self, services: Services) -> None:
        self.services = services

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        return render(turn, self.answer(turn))

    def answer(self, turn: Turn) -> Reply:
        raise NotImplementedError(f"{type(self).__name__} answers nothing")

    @property
    def store(self) -> Store:
        return self.services.store


class IntentHandler(Handler):
    """Handles the named intents, optionally only in some phases of the conversation."""

    intents: tuple[str, ...] = ()
    phases: tuple[Phase, ...] | None = None

    def can_handle(self, handler_input: HandlerInput) -> bool:
        # Asked of most handlers on every turn, so read straight from the request.
        request = handler_input.request_envelope.request
        if getattr(request, "object_type", None) != "IntentRequest":
            return False
        if getattr(getattr(request, "intent", None), "name", None) not in self.intents:
            return False
        return self.phases is None or conversation(handler_input).phase in self.phases


# Loose answers to a yes/no question, by the intent Alexa matched.
ANSWERS = {"AMAZON.YesIntent": "yes", "AMAZON.NoIntent": "no", "DontKnowIntent": "unknown"}
