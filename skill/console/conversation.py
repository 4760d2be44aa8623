"""A conversation with the skill: utterance -> request envelope -> handler -> response,
carrying session attributes and opening a new session after the skill ends one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from skill.console import envelopes
from skill.console.envelopes import Session
from skill.console.model import Model, load
from skill.console.nlu import Match, understand

LAUNCH_UTTERANCE = "open leg pain guide"
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


def skill_handler(event: dict[str, Any]) -> dict[str, Any]:
    # Imported on first use so `--help` and the matcher tests never build the skill.
    from skill.alexa.entry import handle_event

    return handle_event(event)


class Conversation:
    def __init__(
        self,
        locale: str = "en-US",
        user: str = "me",
        screen: bool = False,
        handler: Handler = skill_handler,
        model: Model | None = None,
    ) -> None:
        self.locale, self.user, self.screen = locale, user, screen
        self.handler = handler
        self.model = model or load(locale)
        self.session: Session | None = None

    @property
    def is_open(self) -> bool:
        return self.session is not None

    def _new_session(self) -> Session:
        self.session = Session(user=self.user, locale=self.locale, screen=self.screen)
        return self.session

    def start(self, utterance: str = LAUNCH_UTTERANCE) -> Turn:
        return self._send(utterance, envelopes.launch(self._new_session()))

    def say(self, text: str) -> Turn:
        match = understand(text, self.model)
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

    def _intent(self, session: Session, match: Match) -> dict[str, Any]:
        declared = self.model.intent(match.intent)
        dialog = match.intent in self.model.dialog_intents
        return envelopes.intent_request(session, declared, match.intent, match.slots, dialog)

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
        return Turn(utterance, request, response)
