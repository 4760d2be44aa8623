"""Finding the handler for a request, in registration order, without asking every one.

The SDK's request mapper asks each handler's can_handle in turn until one says yes: some
sixty handlers here, most of them only for named intents. `IntentHandler`s declare those
names (`intents`), and their can_handle is never true for any other request (a subclass
that adds conditions calls the base's first: tests/test_dispatch.py checks it). So this
mapper asks, in the same order, only the handlers that could say yes: those for the
request's intent name, and every handler that decides for itself (`Handler`s without
declared intents). Which handler answers is exactly what the SDK's mapper would choose.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_runtime.dispatch_components.request_components import (
    GenericRequestHandlerChain,
    GenericRequestMapper,
)

from skill.alexa.base import IntentHandler


class IntentIndexedMapper(GenericRequestMapper):
    def __init__(self, chains: list[GenericRequestHandlerChain]) -> None:
        super().__init__(request_handler_chains=chains)

        def declared(chain: GenericRequestHandlerChain) -> tuple[str, ...] | None:
            handler = chain.request_handler
            return handler.intents if isinstance(handler, IntentHandler) else None

        names_of = [(chain, declared(chain)) for chain in chains]
        # Per intent name: the chains that may take it, in order. Any other request
        # (another request type, or an intent no handler names) goes to the chains
        # that decide for themselves; names are never added, so a forged name grows
        # nothing.
        self._by_intent: dict[str, list[GenericRequestHandlerChain]] = {}
        for _, names in names_of:
            for name in names or ():
                self._by_intent.setdefault(name, [])
        for chain, names in names_of:
            for name, found in self._by_intent.items():
                if names is None or name in names:
                    found.append(chain)
        self._undeclared = [chain for chain, names in names_of if names is None]

    def get_request_handler_chain(  # type: ignore[override]  # the SDK's generic Input is a HandlerInput in a custom skill
        self, handler_input: HandlerInput
    ) -> GenericRequestHandlerChain | None:
        request = handler_input.request_envelope.request
        name = None
        if getattr(request, "object_type", None) == "IntentRequest":
            name = getattr(getattr(request, "intent", None), "name", None)
        chains = self._by_intent.get(name, self._undeclared) if isinstance(name, str) else None
        for chain in self._undeclared if chains is None else chains:
            if chain.request_handler.can_handle(handler_input=handler_input):
                return chain
        return None
