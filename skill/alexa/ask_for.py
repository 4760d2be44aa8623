"""Alexa's voice permission request (AskFor), used for reminders and caregiver alerts.

Alexa asks the person itself, then answers with Connections.Response as a fresh turn, so
whatever the skill was doing travels in the token ("reminder:09:00", "alerts:mom").
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.interfaces.connections import SendRequestDirective


def ask(handler_input: HandlerInput, scope: str, token: str) -> Response:
    handler_input.response_builder.add_directive(
        SendRequestDirective(
            name="AskFor",
            token=token,
            payload={
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [{"permissionScope": scope, "consentLevel": "ACCOUNT"}],
            },
        )
    )
    return handler_input.response_builder.response


def is_answer(handler_input: HandlerInput, prefix: str = "") -> bool:
    """An AskFor answer whose token starts with `prefix`."""
    request = handler_input.request_envelope.request
    return (
        is_request_type("Connections.Response")(handler_input)
        and getattr(request, "name", None) == "AskFor"
        and token(handler_input).startswith(prefix)
    )


def token(handler_input: HandlerInput) -> str:
    return str(getattr(handler_input.request_envelope.request, "token", "") or "")


def accepted(handler_input: HandlerInput) -> bool:
    """The person said yes (the answer's status, or any scope's)."""
    payload = getattr(handler_input.request_envelope.request, "payload", None)
    payload = payload if isinstance(payload, dict) else {}
    statuses = {payload.get("status")} | {
        s.get("status") for s in payload.get("permissionScopes", []) if isinstance(s, dict)
    }
    return "ACCEPTED" in statuses
