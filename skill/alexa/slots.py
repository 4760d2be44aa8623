"""Read what Alexa resolved: slot ids (never raw words), numbers and durations."""

from __future__ import annotations

import logging
import math
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import (
    Intent,
    IntentConfirmationStatus,
    IntentRequest,
    Slot,
    SlotConfirmationStatus,
)
from ask_sdk_model.dialog import ElicitSlotDirective
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.triage.durations import iso_days

logger = logging.getLogger(__name__)


MAX_ECHO_CHARS = 100  # a slot value longer than this is not sent back in a directive


def intent_of(handler_input: HandlerInput) -> Intent:
    """The request's intent. The SDK types `request` as the union of every request type;
    only an IntentRequest carries an intent (entry.py gives every one a named intent), so
    any other request reads as an intent with no name and no slots."""
    request = handler_input.request_envelope.request
    intent = request.intent if isinstance(request, IntentRequest) else None
    return intent if intent is not None else Intent(slots={})


def elicit(intent: Intent, name: str) -> ElicitSlotDirective:
    """Ask Alexa to listen for one slot next. The intent goes back with each slot's name and
    short value only: a forged 20 KB value (or its resolutions) is never echoed into the
    response, which must stay under 24 KB."""
    kept = {}
    for key, heard in (intent.slots or {}).items():
        value = getattr(heard, "value", None)
        if not isinstance(key, str) or len(key) > MAX_ECHO_CHARS:
            continue
        short = value if isinstance(value, str) and len(value) <= MAX_ECHO_CHARS else None
        kept[key] = Slot(name=key, value=short, confirmation_status=SlotConfirmationStatus.NONE)
    name_of = intent.name if isinstance(intent.name, str) else None
    return ElicitSlotDirective(
        slot_to_elicit=name,
        updated_intent=Intent(
            name=name_of, slots=kept, confirmation_status=IntentConfirmationStatus.NONE
        ),
    )


def slot(intent: Intent | None, name: str) -> Slot | None:
    if intent is None or not intent.slots:
        return None
    return intent.slots.get(name)


def filled(intent: Intent | None) -> set[str]:
    """The names of the slots that heard something."""
    if intent is None or not intent.slots:
        return set()
    return {name for name, s in intent.slots.items() if s is not None and s.value is not None}


def resolved_ids(s: Slot | None) -> list[str]:
    """Every resolved id in a slot (one, or several for a multi-value slot)."""
    if s is None:
        return []
    simple = [s]
    slot_value = getattr(s, "slot_value", None)
    values = getattr(slot_value, "values", None)
    if values:  # a "List" slot value: each item carries its own resolutions
        simple = list(values)
    ids: list[str] = []
    for item in simple:
        found = _first_match(getattr(item, "resolutions", None))
        if found:
            ids.append(found)
    return ids


def resolved_id(s: Slot | None) -> str | None:
    ids = resolved_ids(s)
    return ids[0] if ids else None


def _first_match(resolutions: Any) -> str | None:
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        status = getattr(getattr(authority, "status", None), "code", None)
        if status != StatusCode.ER_SUCCESS_MATCH:
            continue
        for item in getattr(authority, "values", None) or []:  # `[{}]` is not a match
            found = getattr(getattr(item, "value", None), "id", None)
            if isinstance(found, str) and found:
                return found
    return None


def was_heard_but_unresolved(s: Slot | None) -> bool:
    return s is not None and bool(s.value) and not resolved_ids(s)


def number(s: Slot | None) -> int | None:
    """AMAZON.NUMBER as an int; None for anything that is not a finite number ("?",
    "inf", "nan", "1e309", which float() reads as infinity)."""
    if s is None or s.value is None:
        return None
    try:
        value = float(s.value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value):
        logger.warning("number slot is not a finite number")
        return None
    return int(value)


def duration_days(s: Slot | None) -> float | None:
    """AMAZON.DURATION (ISO-8601, e.g. P3D, P2W, PT5H) as days."""
    return iso_days(s.value if s is not None else None)
