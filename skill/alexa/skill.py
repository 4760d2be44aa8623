"""Placeholder skill (being replaced by the real handlers)."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import Response


class _Any(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return (
            handler_input.response_builder.speak("Welcome to leg pain guide. Where is the pain?")
            .ask("Where is the pain?")
            .response
        )


class _Errors(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        return handler_input.response_builder.speak("Sorry, something went wrong.").response


def build_skill(store: Any) -> CustomSkill:
    sb = SkillBuilder()
    sb.add_request_handler(_Any())
    sb.add_exception_handler(_Errors())
    return sb.create()
