"""What every request handler shares: the services it was built with, and (for intent
handlers) the intents and conversation phases it answers."""

from __future__ import annotations

from dataclasses import dataclass

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type
from ask_sdk_model.services import ApiClient

from skill.alexa.state import Phase, conversation
from skill.store import Store


@dataclass(frozen=True)
class Services:
    """Dependencies handed to every handler when the skill is built. Alexa's own APIs
    (reminders, settings) come through the SDK's service client factory instead; the
    Proactive Events API, which needs no request token, through `api_client` itself."""

    store: Store
    api_client: ApiClient | None = None


class Handler(AbstractRequestHandler):  # type: ignore[misc]
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def store(self) -> Store:
        return self.services.store


class IntentHandler(Handler):
    """Handles the named intents, optionally only in some phases of the conversation."""

    intents: tuple[str, ...] = ()
    phases: tuple[Phase, ...] | None = None

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        if get_intent_name(handler_input) not in self.intents:
            return False
        return self.phases is None or conversation(handler_input).phase in self.phases


# Loose answers to a yes/no question, by the intent Alexa matched.
ANSWERS = {"AMAZON.YesIntent": "yes", "AMAZON.NoIntent": "no", "DontKnowIntent": "unknown"}
