"""Screens: an APL document for outcomes and guided steps on devices that support APL.

A view is a small dict: {"kind": "outcome"|"step", "title", "text", "disposition"?,
"step"?, "total"?, "hold_seconds"?}. Devices without APL get no directive.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces


def supports_apl(handler_input: HandlerInput) -> bool:
    try:
        interfaces = get_supported_interfaces(handler_input)
    except (AttributeError, TypeError):
        return False
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def add_screen(handler_input: HandlerInput, view: dict[str, Any]) -> None:
    """Attach the APL document for this view when the device has a screen (stub)."""
    return None
