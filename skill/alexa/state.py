"""Conversation state in session attributes (small; they ride in every response).

Requests without a session (skill events, System.ExceptionEncountered) make the SDK's
session_attributes raise, so every access goes through here and is guarded.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput


def session(handler_input: HandlerInput) -> dict[str, Any]:
    try:
        attrs = handler_input.attributes_manager.session_attributes
    except AttributesManagerException:
        return {}
    return attrs if isinstance(attrs, dict) else {}


def triage(handler_input: HandlerInput) -> dict[str, Any]:
    """The triage record, created on first use; repaired if a client sent junk back."""
    attrs = session(handler_input)
    record = attrs.get("triage")
    if not isinstance(record, dict) or not isinstance(record.get("facts"), dict):
        record = {"facts": {}, "asked": 0}
        attrs["triage"] = record
    return record


def facts(handler_input: HandlerInput) -> dict[str, Any]:
    return triage(handler_input)["facts"]  # type: ignore[no-any-return]


def pending(handler_input: HandlerInput) -> str | None:
    value = session(handler_input).get("triage", {}).get("pending")
    return value if isinstance(value, str) else None


def offer(handler_input: HandlerInput) -> str | None:
    value = session(handler_input).get("triage", {}).get("offer")
    return value if isinstance(value, str) else None


def guide(handler_input: HandlerInput) -> dict[str, Any] | None:
    value = session(handler_input).get("guide")
    if (
        isinstance(value, dict)
        and isinstance(value.get("id"), str)
        and isinstance(value.get("step"), int)
    ):
        return value
    return None


def checkin(handler_input: HandlerInput) -> dict[str, Any] | None:
    value = session(handler_input).get("checkin")
    return value if isinstance(value, dict) and isinstance(value.get("step"), str) else None


def phase(handler_input: HandlerInput) -> str:
    """Where the person is: confirm, checkin, guide, question, outcome or start (drives
    help, fallback and what a bare yes or no means)."""
    if session(handler_input).get("confirm") == "delete":
        return "confirm"
    if checkin(handler_input):
        return "checkin"
    if guide(handler_input):
        return "guide"
    if pending(handler_input):
        return "question"
    if session(handler_input).get("triage", {}).get("disposition"):
        return "outcome"
    return "start"


def reset(handler_input: HandlerInput) -> None:
    attrs = session(handler_input)
    subject = attrs.get("triage", {}).get("facts", {}).get("subject")
    attrs.pop("guide", None)
    attrs["triage"] = {"facts": {"subject": subject} if subject else {}, "asked": 0}
