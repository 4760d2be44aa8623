"""Cross-cutting work: log each request, without health details or raw user ids (the user
is a keyed tag, skill.keys); note what each request says, for Repeat (skill.alexa.repeat)."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type

from skill import content
from skill.alexa.persistence import log_tag

logger = logging.getLogger("skill.requests")


class RequestLogInterceptor(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        logger.info(
            "request type=%.60s intent=%.60s locale=%.10s user=%s",
            get_request_type(handler_input),
            intent or "-",
            getattr(request, "locale", None) or "-",
            log_tag(handler_input.request_envelope),
        )


class RecordSpeechInterceptor(AbstractRequestInterceptor):
    """Each request notes the content strings it says, afresh (skill.content.record): a
    reply is kept for Repeat as the keys that make it up."""

    def process(self, handler_input: HandlerInput) -> None:
        content.record()
