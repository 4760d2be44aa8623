"""What every request handler shares: the services it was built with, and (for intent
handlers) the intents and conversation phases it answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

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


class Handler(AbstractRequestHandler):
    """A request handler: `can_handle` reads the request, `answer` gives the turn's Reply
    (one call into a flow); `handle` renders it, the same way for every handler."""

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
