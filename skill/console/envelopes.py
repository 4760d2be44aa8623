"""Alexa request envelopes, shaped like the ones a real Echo device sends."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from skill.console.model import Intent
from skill.console.readings import Filled

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
APL = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}}}
# An Echo Show 8-ish screen: enough for handlers that size APL documents.
VIEWPORT = {
    "experiences": [
        {"arcMinuteWidth": 346, "arcMinuteHeight": 216, "canRotate": False, "canResize": False}
    ],
    "mode": "HUB",
    "shape": "RECTANGLE",
    "pixelWidth": 1280,
    "pixelHeight": 800,
    "dpi": 160,
    "currentPixelWidth": 1280,
    "currentPixelHeight": 800,
    "touch": ["SINGLE"],
    "keyboard": [],
}


def skill_id() -> str:
    return os.environ.get("SKILL_ID") or DEFAULT_SKILL_ID


@dataclass
class Session:
    """One Alexa session on one device; `attributes` are what the skill set last turn."""

    user: str = "me"
    locale: str = "en-US"
    screen: bool = False
    session_id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    new: bool = True
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        return f"amzn1.ask.account.console-{self.user}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(session: Session, request: dict[str, Any]) -> dict[str, Any]:
    """Wrap a request; marks the session as no longer new."""
    application = {"applicationId": skill_id()}
    user = {"userId": session.user_id}
    body: dict[str, Any] = {
        "new": session.new,
        "sessionId": session.session_id,
        "application": application,
    }
    if not session.new:
        body["attributes"] = session.attributes
    body["user"] = user
    system = {
        "application": application,
        "user": user,
        "device": {
            "deviceId": f"amzn1.ask.device.console-{session.user}",
            "supportedInterfaces": dict(APL) if session.screen else {},
        },
        "apiEndpoint": "https://api.amazonalexa.com",
        "apiAccessToken": "console-token",
    }
    context: dict[str, Any] = {"System": system}
    if session.screen:
        context["Viewport"] = VIEWPORT
    session.new = False
    base = {
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": _now(),
        "locale": session.locale,
    }
    return {"version": "1.0", "session": body, "context": context, "request": {**request, **base}}


def launch(session: Session) -> dict[str, Any]:
    return envelope(session, {"type": "LaunchRequest", "shouldLinkResultBeReturned": False})


def ended(session: Session, reason: str = "USER_INITIATED") -> dict[str, Any]:
    return envelope(session, {"type": "SessionEndedRequest", "reason": reason})


def slot_json(name: str, filled: Filled | None) -> dict[str, Any]:
    """One slot as Alexa sends it: empty slots carry only name and confirmation status."""
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if filled is None:
        return slot
    slot.update(value=filled.heard, source="USER")
    simple: dict[str, Any] = {"type": "Simple", "value": filled.heard}
    if filled.value is not None:
        authority = f"amzn1.er-authority.echo-sdk.{skill_id()}.{filled.slot_type}"
        match = {"name": filled.value.name, "id": filled.value.id}
        per = {
            "authority": authority,
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": match}],
        }
        slot["resolutions"] = simple["resolutions"] = {"resolutionsPerAuthority": [per]}
    slot["slotValue"] = simple
    return slot


def intent_request(
    session: Session, intent: Intent | None, name: str, slots: dict[str, Filled], dialog: bool
) -> dict[str, Any]:
    """`intent` is the model's declaration (None for an undeclared built-in like Fallback);
    every declared slot is present, filled or not."""
    declared = [n for n, _ in intent.slots] if intent else []
    request: dict[str, Any] = {"type": "IntentRequest"}
    if dialog:
        request["dialogState"] = "STARTED"
    request["intent"] = {
        "name": name,
        "confirmationStatus": "NONE",
        "slots": {n: slot_json(n, slots.get(n)) for n in declared},
    }
    return envelope(session, request)
