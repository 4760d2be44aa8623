"""Alexa request envelopes, shaped like the ones a real Echo device sends: the one
builder the console and the tests (tests/support.py) share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from skill import clock, config
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


# Alexa calls its APIs in the region that serves the locale: NA, EU (en-GB, en-IN), FE (en-AU).
API_ENDPOINTS = {
    "en-US": "https://api.amazonalexa.com",
    "en-CA": "https://api.amazonalexa.com",
    "en-GB": "https://api.eu.amazonalexa.com",
    "en-IN": "https://api.eu.amazonalexa.com",
    "en-AU": "https://api.fe.amazonalexa.com",
}
# Alexa's apiAccessToken carries what the user has granted; the console's names the
# granted scopes after a "+" ("console-token+scope,scope"), so a fake API can check them.
ACCESS_TOKEN = "console-token"
CONSENT_TOKEN = "console-consent-token"


def skill_id() -> str:
    return config.get().skill_id or DEFAULT_SKILL_ID


@dataclass
class Session:
    """One Alexa session on one device; `attributes` are what the skill set last turn
    (None: none sent back). The ids the console makes from `user` can be given instead
    (`account`, `device`, `token`: the tests' own); `person` is a recognised voice."""

    user: str = "me"
    locale: str = "en-US"
    screen: bool = False
    session_id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    new: bool = True
    attributes: dict[str, Any] | None = field(default_factory=dict)
    api_endpoint: str = ""  # "" = the locale's own region
    permissions: tuple[str, ...] = ()  # scopes the user has granted
    account: str = ""  # the userId; "" = the console's for `user`
    device: str = ""  # the deviceId; "" = the console's for `user`
    token: str = ""  # the apiAccessToken; "" = the console's, naming the granted scopes
    person: str = ""  # a personId (personalization); "" = no recognised voice
    application: str = ""  # the applicationId; "" = skill_id()

    @property
    def user_id(self) -> str:
        return self.account or f"amzn1.ask.account.console-{self.user}"

    @property
    def device_id(self) -> str:
        return self.device or f"amzn1.ask.device.console-{self.user}"

    @property
    def endpoint(self) -> str:
        return self.api_endpoint or API_ENDPOINTS.get(self.locale, API_ENDPOINTS["en-US"])

    @property
    def access_token(self) -> str:
        if self.token:
            return self.token
        return f"{ACCESS_TOKEN}+{','.join(self.permissions)}" if self.permissions else ACCESS_TOKEN

    def user_json(self) -> dict[str, Any]:
        """`session.user` and `context.System.user`: granted permissions ride along with a
        consent token, the way Alexa sends them."""
        user: dict[str, Any] = {"userId": self.user_id}
        if self.permissions:
            user["permissions"] = {
                "consentToken": CONSENT_TOKEN,
                "scopes": {scope: {"status": "GRANTED"} for scope in self.permissions},
            }
        return user


def _now() -> str:
    return clock.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(session: Session, request: dict[str, Any]) -> dict[str, Any]:
    """Wrap a request; marks the session as no longer new. The request's own fields win
    over the ones added here (requestId, timestamp, locale), so a test can send odd ones."""
    application = {"applicationId": session.application or skill_id()}
    user = session.user_json()
    body: dict[str, Any] = {
        "new": session.new,
        "sessionId": session.session_id,
        "application": application,
    }
    if not session.new and session.attributes is not None:
        body["attributes"] = session.attributes
    body["user"] = user
    system: dict[str, Any] = {
        "application": application,
        "user": user,
        "device": {
            "deviceId": session.device_id,
            "supportedInterfaces": dict(APL) if session.screen else {},
        },
        "apiEndpoint": session.endpoint,
        "apiAccessToken": session.access_token,
    }
    if session.person:
        system["person"] = {"personId": session.person}
    context: dict[str, Any] = {"System": system}
    if session.screen:
        context["Viewport"] = VIEWPORT
    session.new = False
    base = {
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": _now(),
        "locale": session.locale,
    }
    first = {"type": request["type"]} if "type" in request else {}  # first, as Alexa has it
    return {
        "version": "1.0",
        "session": body,
        "context": context,
        "request": {**first, **base, **request},
    }


def launch(session: Session) -> dict[str, Any]:
    return envelope(session, {"type": "LaunchRequest", "shouldLinkResultBeReturned": False})


def ended(session: Session, reason: str = "USER_INITIATED") -> dict[str, Any]:
    return envelope(session, {"type": "SessionEndedRequest", "reason": reason})


def _simple(filled: Filled) -> dict[str, Any]:
    """One value: the words heard and, for a custom type, the entity resolution."""
    simple: dict[str, Any] = {"type": "Simple", "value": filled.heard}
    if filled.value is not None:
        authority = f"amzn1.er-authority.echo-sdk.{skill_id()}.{filled.slot_type}"
        match = {"name": filled.value.name, "id": filled.value.id}
        per = {
            "authority": authority,
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": match}],
        }
        simple["resolutions"] = {"resolutionsPerAuthority": [per]}
    elif filled.no_match:
        authority = f"amzn1.er-authority.echo-sdk.{skill_id()}.{filled.slot_type}"
        per = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        simple["resolutions"] = {"resolutionsPerAuthority": [per]}
    return simple


def slot_json(name: str, filled: Filled | None) -> dict[str, Any]:
    """One slot as Alexa sends it: empty slots carry only name and confirmation status.

    A multiple-value slot carries its values only in `slotValue` ({"type": "List",
    "values": [Simple, ...]}, each Simple with its own resolutions): no top-level `value`
    or `resolutions`, which a single-value slot has as well as its Simple `slotValue`."""
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if filled is None:
        return slot
    slot["source"] = "USER"
    if filled.items:
        slot["slotValue"] = {"type": "List", "values": [_simple(f) for f in filled.items]}
        return slot
    simple = _simple(filled)
    slot["value"] = filled.heard
    if "resolutions" in simple:
        slot["resolutions"] = simple["resolutions"]
    slot["slotValue"] = simple
    return slot


def intent_request(
    session: Session,
    intent: Intent | None,
    name: str,
    slots: dict[str, Filled],
    dialog: bool | str,
) -> dict[str, Any]:
    """`intent` is the model's declaration (None for an undeclared built-in like Fallback);
    every declared slot is present, filled or not. `dialog` is the dialogState for intents
    in the dialog model ("STARTED", or "IN_PROGRESS" for the answer to an ElicitSlot;
    True means "STARTED"); False for intents outside it, which Alexa sends without one."""
    declared = [n for n, _ in intent.slots] if intent else []
    request: dict[str, Any] = {"type": "IntentRequest"}
    if dialog:
        request["dialogState"] = "STARTED" if dialog is True else dialog
    request["intent"] = {
        "name": name,
        "confirmationStatus": "NONE",
        "slots": {n: slot_json(n, slots.get(n)) for n in declared},
    }
    return envelope(session, request)
