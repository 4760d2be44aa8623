"""Alexa's voice permission request (AskFor), used for reminders and caregiver alerts.

Alexa asks the person itself, then answers with Connections.Response as a fresh turn, so
whatever the skill was doing travels in the token ("reminder:09:00", "alerts:mom").
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model.interfaces.connections import SendRequestDirective

from skill.alexa.turn import Reply, Turn


def ask(scope: str, token: str) -> Reply:
    """The AskFor request: no speech of the skill's own, and no bookkeeping (Alexa asks,
    and its answer comes as a new turn)."""
    directive = SendRequestDirective(
        name="AskFor",
        token=token,
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": scope, "consentLevel": "ACCOUNT"}],
        },
    )
    return Reply(bare=True, directives=(directive,))


def is_answer(handler_input: HandlerInput, prefix: str = "") -> bool:
    """An AskFor answer whose token starts with `prefix`."""
    request = handler_input.request_envelope.request
    return (
        is_request_type("Connections.Response")(handler_input)
        and getattr(request, "name", None) == "AskFor"
        and _token(request).startswith(prefix)
    )


def token(turn: Turn) -> str:
    return _token(turn.request)


def _token(request: Any) -> str:
    return str(getattr(request, "token", "") or "")


def accepted(turn: Turn) -> bool:
    """The person said yes (the answer's status, or any scope's)."""
    payload = getattr(turn.request, "payload", None)
    payload = payload if isinstance(payload, dict) else {}
    statuses = {payload.get("status")} | {
        s.get("status") for s in payload.get("permissionScopes", []) if isinstance(s, dict)
    }
    return "ACCEPTED" in statuses
