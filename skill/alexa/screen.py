"""Screens: an APL document for outcomes and guided steps on devices that support APL.

A view is a small dict built by flow: {"kind": "outcome"|"step", "title", "text",
"disposition"?, "step"?, "total"?, "hold_seconds"?}. Devices without APL get no directive
(and never import the APL models). The datasource carries ready-made labels so the
document needs no string logic.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces

from skill.content import Content

DOCUMENT = Path(__file__).with_name("apl") / "screen.json"
TOKEN = "legPainGuideScreen"
MAX_TEXT = 2000  # the datasource rides inside the 24 KB response


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return doc


def supports_apl(handler_input: HandlerInput) -> bool:
    try:
        interfaces = get_supported_interfaces(handler_input)
    except (AttributeError, TypeError):
        return False
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def datasource(view: dict[str, Any], content: Content) -> dict[str, Any]:
    disposition = view.get("disposition") or ""
    hold = int(view.get("hold_seconds") or 0)
    step, total = view.get("step"), view.get("total")
    return {
        "kind": view.get("kind", ""),
        "title": str(view.get("title", "")),
        "text": str(view.get("text", ""))[:MAX_TEXT],
        "disposition": disposition,
        "warning": disposition in ("emergency", "urgent"),
        "step": step or 0,
        "total": total or 0,
        "holdSeconds": hold,
        "stepLabel": content.say("screen.step", n=step, total=total) if step and total else "",
        "holdLabel": content.say("screen.hold", seconds=hold) if hold else "",
    }


def add_screen(handler_input: HandlerInput, view: dict[str, Any], content: Content) -> None:
    """Attach the APL document for this view when the device has a screen."""
    if not supports_apl(handler_input):
        return
    # Imported only for a device with a screen: the APL models cost a cold start 10-50 ms.
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    data: dict[str, object] = {"payload": {"screen": datasource(view, content)}}
    handler_input.response_builder.add_directive(
        RenderDocumentDirective(token=TOKEN, document=document(), datasources=data)
    )
