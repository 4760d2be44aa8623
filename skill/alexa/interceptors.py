"""Cross-cutting work: pick the locale's words, and log each request without health details."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model.services import ApiClient

from skill.alexa.persistence import user_key
from skill.content import for_locale
from skill.store import Store

logger = logging.getLogger("skill.requests")


class LocaleInterceptor(AbstractRequestInterceptor):  # type: ignore[misc]
    def process(self, handler_input: HandlerInput) -> None:
        # Skill events carry no locale: fall back to the default rather than failing.
        locale = getattr(handler_input.request_envelope.request, "locale", None)
        handler_input.attributes_manager.request_attributes["content"] = for_locale(locale)


class RequestLogInterceptor(AbstractRequestInterceptor):  # type: ignore[misc]
    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        key = user_key(handler_input.request_envelope)
        logger.info(
            "request type=%s intent=%s locale=%s user=%s",
            get_request_type(handler_input),
            intent or "-",
            getattr(request, "locale", None) or "-",
            key[:10] if key else "-",
        )


class StoreInterceptor(AbstractRequestInterceptor):  # type: ignore[misc]
    """Hands the skill's store (check-ins, sharing) and API client (reminders) to handlers."""

    def __init__(self, store: Store, api_client: ApiClient | None = None) -> None:
        self.store = store
        self.api_client = api_client

    def process(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes["store"] = self.store
        handler_input.attributes_manager.request_attributes["api_client"] = self.api_client
