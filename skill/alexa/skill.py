"""Build the skill around a store, with every handler in its declared order.

Built once per process by skill.alexa.entry; tests build as many as they like."""

from __future__ import annotations

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model.services import ApiClient

from skill.alexa import alert_sender
from skill.alexa.api_client import TimedApiClient
from skill.alexa.base import Handler, IntentHandler, Services
from skill.alexa.dispatch import IntentIndexedMapper
from skill.alexa.errors import ErrorHandler, FailureHandler
from skill.alexa.handlers import ordered
from skill.alexa.interceptors import RecordSpeechInterceptor, RequestLogInterceptor
from skill.alexa.persistence import StoreAdapter
from skill.alexa.turn import TurnInterceptor
from skill.store import Store

# The first handler whose can_handle is true answers, so order matters. Each handler
# declares its place (group, then rank: skill.alexa.base.Group); the list is built from
# the handler modules, so a new handler needs nothing here (tests/test_turn.py pins it).
HANDLERS: tuple[type[Handler], ...] = ordered()


def build_skill(store: Store, api_client: ApiClient | None = None) -> CustomSkill:
    """api_client: how to reach Alexa's service APIs (reminders, settings, proactive
    events); tests and the console pass one allowed to talk to a local fake on 127.0.0.1."""
    api_client = api_client or TimedApiClient()
    builder = CustomSkillBuilder(persistence_adapter=StoreAdapter(store), api_client=api_client)
    sender = None
    if alert_sender.in_process():
        # Caregiver alerts are delivered by this process (on AWS, by the table's stream):
        # its own client, with a sender's longer deadline per call; what is left in the
        # outbox from an earlier run goes now.
        loopback = bool(getattr(api_client, "allow_loopback_http", False))
        sender = alert_sender.LocalSender(store, alert_sender.sender_client(loopback))
        sender.wake()
    services = Services(store=store, api_client=api_client, alert_sender=sender)
    # First, every request's Turn (skill.alexa.turn) with these services: flows read the
    # store, the sender and the rest through it (alert_flow.note queues with them).
    builder.add_global_request_interceptor(TurnInterceptor(services))
    builder.add_global_request_interceptor(RequestLogInterceptor())
    builder.add_global_request_interceptor(RecordSpeechInterceptor())
    for handler in HANDLERS:
        builder.add_request_handler(handler(services))
    # Expected failures first, in their feature's words; the catch-all for bugs last.
    builder.add_exception_handler(FailureHandler())
    builder.add_exception_handler(ErrorHandler())
    configuration = builder.skill_configuration
    # The same handlers in the same order, asked only when they could answer (dispatch).
    chains = [c for m in configuration.request_mappers for c in m.request_handler_chains]
    configuration.request_mappers = [IntentIndexedMapper(chains)]
    return CustomSkill(skill_configuration=configuration)


def handled_intents() -> frozenset[str]:
    """Every intent some handler is written for (checked against the interaction model)."""
    names = {n for h in HANDLERS if issubclass(h, IntentHandler) for n in h.intents}
    return frozenset(names | {"AMAZON.FallbackIntent"})
