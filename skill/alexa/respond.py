"""Build responses: SSML wrapped and bounded, a reprompt whenever the session stays open,
cards for outcomes, and the last speech kept for Repeat (saved in session attributes
directly, since response interceptors are skipped when the exception handler answers)."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill.alexa import state
from skill.alexa.screen import add_screen
from skill.content import Content, for_locale
from skill.speech.ssml import speak


def content(handler_input: HandlerInput) -> Content:
    found = handler_input.attributes_manager.request_attributes.get("content")
    if isinstance(found, Content):
        return found
    request = handler_input.request_envelope.request
    return for_locale(getattr(request, "locale", None))


def join(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def reply(
    handler_input: HandlerInput,
    speech: str,
    reprompt: str | None = None,
    card: tuple[str, str] | None = None,
    end: bool = False,
    screen: dict[str, Any] | None = None,
) -> Response:
    builder = handler_input.response_builder
    if screen:
        add_screen(handler_input, screen)
    builder.speak(speak(speech))
    if not end:
        reprompt = reprompt or speech
        builder.ask(speak(reprompt))
        state.session(handler_input)["last"] = {"speech": speech, "reprompt": reprompt}
    if card:
        builder.set_card(SimpleCard(title=card[0], content=card[1]))
    builder.set_should_end_session(end)
    return builder.response


def empty(handler_input: HandlerInput) -> Response:
    """For requests that take no speech (SessionEnded, skill events, exceptions)."""
    return handler_input.response_builder.response
