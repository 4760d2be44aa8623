"""A conversation with the skill: utterance -> request envelope -> handler -> response,
carrying session attributes and opening a new session after the skill ends one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from skill.console import envelopes
from skill.console.envelopes import Session
from skill.console.model import Model, load
from skill.console.nlu import Elicit, Match, understand
from skill.console.text import normalise

LAUNCH_UTTERANCE = "open leg pain guide"
# Answers to Alexa's own permission question (AskFor); anything else is NOT_ANSWERED.
ASK_FOR_YES = {"yes", "yeah", "yep", "sure", "ok", "okay", "alright", "allow", "yes please"}
ASK_FOR_NO = {"no", "nope", "no thanks", "no thank you", "don't allow", "deny"}
# What Alexa asks, by scope.
ASK_FOR_WORDS = {
    "alexa::alerts:reminders:skill:readwrite": "send you reminders",
    "alexa::devices:all:notifications:write": "send you notifications",
}
Handler = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Turn:
    utterance: str
    request: dict[str, Any]
    response: dict[str, Any]
    error: str = ""

    def as_json(self) -> dict[str, Any]:
        line = {"utterance": self.utterance, "request": self.request, "response": self.response}
        return {**line, "error": self.error} if self.error else line


@dataclass
class AskFor:
    """A Connections.SendRequest "AskFor" in the last response: Alexa now asks the person
    itself, and the next words answer it."""

    scopes: tuple[str, ...]
    token: str

    def question(self) -> str:
        wanted = " and ".join(ASK_FOR_WORDS.get(s, f"use {s}") for s in self.scopes)
        return f"allow Leg Pain Guide to {wanted or 'do that'}?"


@lru_cache(maxsize=1)
def _console_skill() -> Any:
    """The skill as Lambda builds it, except that its calls to Alexa's APIs may go to a
    local fake on http://127.0.0.1 (`--api-endpoint`, and LWA_TOKEN_URL for the token)."""
    from skill.alexa.api_client import TimedApiClient
    from skill.alexa.skill import build_skill
    from skill.store import open_store

    return build_skill(open_store(), api_client=TimedApiClient(allow_loopback_http=True))


def skill_handler(event: dict[str, Any]) -> dict[str, Any]:
    # Imported on first use so `--help` and the matcher tests never build the skill.
    from skill.alexa.entry import respond

    return respond(_console_skill, event)


def person_id(user: str, voice: str) -> str:
    """The personId Alexa would send for this voice on this account ("" = none). Voice
    ids are per account, as Alexa's are: "alice" on two accounts is two people."""
    return f"amzn1.ask.person.console-{user}-{voice}" if voice else ""


class Conversation:
    """`nlu` is "generous" (default) or "strict" (see skill.console.nlu); `api_endpoint`
    and `permissions` (granted scopes) go into every envelope, so local fakes of Alexa's
    APIs receive the skill's calls; `voice` names a recognised speaker on the account
    ("" = none, as for a guest)."""

    def __init__(
        self,
        locale: str = "en-US",
        user: str = "me",
        screen: bool = False,
        handler: Handler = skill_handler,
        model: Model | None = None,
        nlu: str = "generous",
        api_endpoint: str = "",
        permissions: tuple[str, ...] | list[str] = (),
        voice: str = "",
    ) -> None:
        self.locale, self.user, self.screen = locale, user, screen
        self.voice = voice
        self.handler = handler
        self.model = model or load(locale)
        self.nlu = nlu
        self.api_endpoint, self.permissions = api_endpoint, tuple(permissions)
        self.session: Session | None = None
        # The slot the skill asked for with Dialog.ElicitSlot, and the intent's slots so far.
        self.elicit: tuple[Elicit, dict[str, Any]] | None = None
        # The permission Alexa is asking for on the skill's behalf (answered next turn).
        self.asking: AskFor | None = None

    @property
    def is_open(self) -> bool:
        return self.session is not None

    def _new_session(self) -> Session:
        self.session = Session(
            user=self.user,
            locale=self.locale,
            screen=self.screen,
            api_endpoint=self.api_endpoint,
            permissions=self.permissions,
            person=person_id(self.user, self.voice),
        )
        self.elicit = None
        return self.session

    def start(self, utterance: str = LAUNCH_UTTERANCE) -> Turn:
        return self._send(utterance, envelopes.launch(self._new_session()))

    def say(self, text: str) -> Turn:
        if self.asking is not None:
            return self._answer_ask_for(text, self.asking)
        elicit = self.elicit[0] if self.elicit and self.session else None
        match = understand(text, self.model, nlu=self.nlu, elicit=elicit)
        if match.kind == "launch" or (not match.one_shot and self.session is None):
            return self.start(text)  # Alexa starts the skill afresh after it ended
        session = self._new_session() if match.one_shot else self.session
        assert session is not None
        return self._send(text, self._intent(session, match))

    def end(self, utterance: str = "") -> Turn | None:
        """The user leaves an open session ("exit", end of input)."""
        if self.session is None:
            return None
        return self._send(utterance, envelopes.ended(self.session))

    def _answer_ask_for(self, text: str, asking: AskFor) -> Turn:
        """Alexa's answer to AskFor, as a fresh session: ACCEPTED for yes (and the scopes
        are granted from now on), DENIED for no, NOT_ANSWERED for anything else."""
        words = normalise(text).removesuffix(" please").strip(" .!")
        status = "ACCEPTED" if words in ASK_FOR_YES else "DENIED" if words in ASK_FOR_NO else ""
        status = status or "NOT_ANSWERED"
        if status == "ACCEPTED":
            self.permissions += tuple(s for s in asking.scopes if s not in self.permissions)
        payload = {
            "status": status,
            "permissionScopes": [
                {"permissionScope": scope, "status": status} for scope in asking.scopes
            ],
        }
        request = {
            "type": "Connections.Response",
            "name": "AskFor",
            "status": {"code": "200", "message": "OK"},
            "payload": payload,
            "token": asking.token,
        }
        return self._send(text, envelopes.envelope(self._new_session(), request))

    def _intent(self, session: Session, match: Match) -> dict[str, Any]:
        declared = self.model.intent(match.intent)
        state: bool | str = False  # no dialogState for intents outside the dialog model
        carried: dict[str, Any] = {}
        if match.intent in self.model.dialog_intents:
            state = "STARTED"
            if self.elicit and match.elicited and self.elicit[0].intent == match.intent:
                # Alexa answers an ElicitSlot with the intent as the skill last set it
                # (updatedIntent), plus what was just said.
                state, carried = "IN_PROGRESS", self.elicit[1]
        request = envelopes.intent_request(session, declared, match.intent, match.slots, state)
        slots = request["request"]["intent"]["slots"]
        for name, slot in carried.items():
            filled = isinstance(slot, dict) and (slot.get("value") or slot.get("slotValue"))
            if name in slots and name not in match.slots and filled:
                slots[name] = slot
        return request

    def _send(self, utterance: str, request: dict[str, Any]) -> Turn:
        from skill.alexa.entry import RequestRejected

        try:
            response = self.handler(request) or {}
        except RequestRejected as exc:
            self.session = None
            return Turn(utterance, request, {}, f"request rejected: {exc}")
        body = response.get("response") or {}
        if (
            request["request"]["type"] == "SessionEndedRequest"
            or body.get("shouldEndSession") is True
        ):
            self.session = None
        elif self.session is not None:
            self.session.attributes = response.get("sessionAttributes") or {}
        asked = (request["request"].get("intent") or {}).get("name", "")
        self.elicit = _elicitation(body, asked) if self.session is not None else None
        self.asking = _ask_for(body)
        return Turn(utterance, request, response)


def _elicitation(body: dict[str, Any], asked: str) -> tuple[Elicit, dict[str, Any]] | None:
    """A Dialog.ElicitSlot directive in the response: which slot the next words answer
    (of the updatedIntent, or else of the intent just handled)."""
    directives = body.get("directives") if isinstance(body, dict) else None
    for directive in directives if isinstance(directives, list) else []:
        if isinstance(directive, dict) and directive.get("type") == "Dialog.ElicitSlot":
            intent = directive.get("updatedIntent")
            intent = intent if isinstance(intent, dict) else {}
            name, slot = intent.get("name") or asked, directive.get("slotToElicit")
            if isinstance(name, str) and isinstance(slot, str):
                slots = intent.get("slots")
                return Elicit(name, slot), slots if isinstance(slots, dict) else {}
    return None


def _ask_for(body: dict[str, Any]) -> AskFor | None:
    """A Connections.SendRequest named AskFor in the response: the scopes and the token."""
    directives = body.get("directives") if isinstance(body, dict) else None
    for directive in directives if isinstance(directives, list) else []:
        if (
            isinstance(directive, dict)
            and directive.get("type") == "Connections.SendRequest"
            and directive.get("name") == "AskFor"
        ):
            payload = directive.get("payload")
            payload = payload if isinstance(payload, dict) else {}
            listed = payload.get("permissionScopes")
            scopes = [
                s.get("permissionScope")
                for s in (listed if isinstance(listed, list) else [])
                if isinstance(s, dict)
            ]
            if isinstance(payload.get("permissionScope"), str):  # AskFor version 1
                scopes.append(payload["permissionScope"])
            named = tuple(s for s in scopes if isinstance(s, str) and s)
            return AskFor(named, str(directive.get("token") or ""))
    return None
