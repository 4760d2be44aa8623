"""Build the skill around a store. Built once per process by skill.alexa.entry; tests
build as many as they like."""

from __future__ import annotations

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model.services import ApiClient

from skill.alexa.account_handlers import ACCOUNT_HANDLERS
from skill.alexa.errors import ErrorHandler
from skill.alexa.handlers import HANDLERS, IntentHandler
from skill.alexa.interceptors import LocaleInterceptor, RequestLogInterceptor, StoreInterceptor
from skill.alexa.persistence import StoreAdapter
from skill.alexa.reminders import REMINDER_HANDLERS
from skill.store import Store


def build_skill(store: Store, api_client: ApiClient | None = None) -> CustomSkill:
    """api_client: how to reach Alexa service APIs (Reminders); tests pass one that may
    talk to a local fake."""
    builder = CustomSkillBuilder(persistence_adapter=StoreAdapter(store))
    builder.add_global_request_interceptor(LocaleInterceptor())
    builder.add_global_request_interceptor(RequestLogInterceptor())
    builder.add_global_request_interceptor(StoreInterceptor(store, api_client))
    for handler in ALL_HANDLERS:
        builder.add_request_handler(handler())
    builder.add_exception_handler(ErrorHandler())
    return builder.create()


# Statements (red flags) come first, then answers for a pending confirmation or check-in,
# then the general handlers, whose catch-alls stay last.
ALL_HANDLERS = (*HANDLERS[:2], *ACCOUNT_HANDLERS, *REMINDER_HANDLERS, *HANDLERS[2:])


def handled_intents() -> frozenset[str]:
    """Every intent some handler is written for (checked against the interaction model)."""
    names = {name for h in ALL_HANDLERS if issubclass(h, IntentHandler) for name in h.intents}
    return frozenset(names | {"AMAZON.FallbackIntent"})
