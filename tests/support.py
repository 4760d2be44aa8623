"""Test support: drive real Alexa request envelopes through the skill and check every
response the way Alexa would (ResponseEnvelope schema, SSML rules, reprompts)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import alexa_fake
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import ResponseEnvelope

from skill.alexa import alert_sender, session_seal
from skill.alexa.api_client import TimedApiClient
from skill.alexa.entry import respond
from skill.alexa.skill import build_skill
from skill.console import envelopes
from skill.console.model import Value
from skill.console.readings import Filled
from skill.content import contract
from skill.speech.ssml import problems, to_text
from skill.store.sqlite import SqliteStore
from skill.triage.engine import load_protocol

SKILL_ID = envelopes.DEFAULT_SKILL_ID
# Slot name -> custom type, from the model's contract (a slot name is one type everywhere).
CONTRACT = contract.load()
SLOT_TYPES = CONTRACT.slot_types()
# "Intent.slot" pairs the dialog model lets the skill elicit (Dialog.ElicitSlot needs them).
ELICITED = set(CONTRACT.elicited)
_serializer = DefaultSerializer()


def check_response(envelope: dict[str, Any]) -> None:
    """Fail if Alexa would reject this response."""
    parsed = _serializer.deserialize(json.dumps(envelope), ResponseEnvelope)
    assert parsed is not None and parsed.response is not None
    assert len(json.dumps(envelope).encode()) <= 24 * 1024, "response over 24 KB"
    response = envelope["response"]
    speech = response.get("outputSpeech")
    if speech:
        assert speech["type"] == "SSML"
        assert problems(speech["ssml"]) == [], problems(speech["ssml"])
    reprompt = response.get("reprompt")
    if reprompt:
        assert problems(reprompt["outputSpeech"]["ssml"]) == []
    if speech and response.get("shouldEndSession") is False:
        assert reprompt, "the session stays open, so a reprompt is required"
    card = response.get("card")
    if card:
        assert len(card.get("title", "")) + len(card.get("content", "")) <= 8000
    for directive in response.get("directives") or []:
        if directive.get("type") == "Dialog.ElicitSlot":
            # Alexa refuses a dialog directive for an intent or slot outside its dialog
            # model, and hears the answer only through that slot's own samples.
            elicited = f"{directive['updatedIntent']['name']}.{directive['slotToElicit']}"
            assert elicited in ELICITED, f"{elicited} is not in the model's dialog model"


@dataclass
class Turn:
    request: dict[str, Any]
    envelope: dict[str, Any]
    took: float = 0.0  # seconds the skill took to answer (not the alert sender after it)

    @property
    def response(self) -> dict[str, Any]:
        return self.envelope.get("response", {})

    @property
    def ssml(self) -> str:
        return self.response.get("outputSpeech", {}).get("ssml", "")

    @property
    def text(self) -> str:
        return to_text(self.ssml)

    @property
    def reprompt(self) -> str:
        return to_text(self.response.get("reprompt", {}).get("outputSpeech", {}).get("ssml", ""))

    @property
    def ended(self) -> bool:
        return bool(self.response.get("shouldEndSession"))

    @property
    def card(self) -> dict[str, Any] | None:
        return self.response.get("card")

    @property
    def attributes(self) -> dict[str, Any]:
        return self.envelope.get("sessionAttributes") or {}

    @property
    def disposition(self) -> str | None:
        return self.attributes.get("triage", {}).get("disposition")

    @property
    def pending(self) -> str | None:
        return self.attributes.get("triage", {}).get("pending")

    @property
    def confirming(self) -> str | None:
        """The red flag heard in passing that the skill is asking about directly."""
        checkin = self.attributes.get("checkin") or {}
        if checkin.get("step") == "confirm":  # asked inside a check-in
            return checkin.get("finding")
        pending = self.pending
        return pending if pending and pending not in load_protocol().questions else None


def slot_json(name: str, value: Any) -> dict[str, Any]:
    """A slot as Alexa sends it (skill.console.envelopes builds it): an id of the slot's
    custom type, ("unresolved", "words Alexa heard"), a built-in's value, or None."""
    if value is None:
        return envelopes.slot_json(name, None)
    slot_type = SLOT_TYPES.get(name)
    if slot_type is None:  # built-in types (AMAZON.NUMBER, AMAZON.DURATION): value only
        return envelopes.slot_json(name, Filled("", str(value)))
    if isinstance(value, tuple):
        return envelopes.slot_json(name, Filled(slot_type, value[1], no_match=True))
    words = value.replace("_", " ")
    return envelopes.slot_json(name, Filled(slot_type, words, Value(value, words)))


class Conversation:
    """One person talking to the skill, turn by turn, with a real SQLite store."""

    def __init__(self, db: Path | None = None, locale: str = "en-US", user: str = "person-1",
                 screen: bool = False, store: Any = None, person: str | None = None,
                 time_zone: str | None = None, permissions: tuple[str, ...] = ()) -> None:
        self.store = store if store is not None else SqliteStore(db or ":memory:")
        # Alexa's APIs (settings, reminders) are a local fake on 127.0.0.1.
        self.api = alexa_fake.start()
        self.skill = build_skill(self.store, api_client=TimedApiClient(allow_loopback_http=True))
        self.device_id = f"amzn1.ask.device.{uuid.uuid4()}"
        if time_zone:
            self.api.zones[self.device_id] = time_zone
        self.person = person
        self.permissions = permissions  # scopes the user has granted (with a consent token)
        self.api_endpoint: str | None = None  # None: the fake's (read each turn)
        self.locale = locale
        self.user_id = f"amzn1.ask.account.{user}"
        self.screen = screen
        self.session_id: str | None = None
        self.attributes: dict[str, Any] | None = None
        self.turns: list[Turn] = []
        # Caregiver alerts are sent by a background thread after the turn; by default a
        # turn returns once that is done too, so a test reads what was delivered.
        self.settle = True

    def envelope(self, request: dict[str, Any]) -> dict[str, Any]:
        """The request in an envelope from this person's device (the console's builder)."""
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        assert self.session_id is not None
        session = envelopes.Session(
            locale=self.locale, screen=self.screen, session_id=self.session_id, new=new,
            attributes=self.attributes, api_endpoint=self.api_endpoint or self.api.url,
            permissions=self.permissions, account=self.user_id, device=self.device_id,
            token=alexa_fake.TOKEN, application=SKILL_ID,
            person=f"amzn1.ask.person.{self.person}" if self.person else "",
        )
        return envelopes.envelope(session, request)

    def send(self, event: dict[str, Any]) -> Turn:
        started = time.monotonic()
        result = respond(lambda: self.skill, event)
        took = time.monotonic() - started
        if self.settle:
            alert_sender.settle_all(60)
        check_response(result)
        turn = Turn(event, result, took)
        self.turns.append(turn)
        if turn.ended:
            self.session_id, self.attributes = None, None
        else:
            self.attributes = result.get("sessionAttributes")
        return turn

    def forge(self, attributes: dict[str, Any]) -> None:
        """Send these session attributes back next, sealed as the skill would seal them:
        a forger who had the skill's secret, to test what parses the state behind the seal
        (skill.alexa.session_seal). Plain `self.attributes = ...` is a forger without it."""
        if self.session_id is None:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        event = {"session": {"sessionId": self.session_id, "user": {"userId": self.user_id}}}
        self.attributes = session_seal.sealed(event, {"sessionAttributes": dict(attributes)})[
            "sessionAttributes"]

    def launch(self) -> Turn:
        self.session_id, self.attributes = None, None
        return self.send(self.envelope({"type": "LaunchRequest"}))

    def intent(self, name: str, **slot_values: Any) -> Turn:
        slots = {k: slot_json(k, v) for k, v in slot_values.items()}
        return self.send(self.envelope({
            "type": "IntentRequest", "dialogState": "STARTED",
            "intent": {"name": name, "confirmationStatus": "NONE", "slots": slots},
        }))

    # Readable shorthands for the conversation tests.
    def yes(self) -> Turn:
        return self.intent("AMAZON.YesIntent")

    def no(self) -> Turn:
        return self.intent("AMAZON.NoIntent")

    def dont_know(self) -> Turn:
        return self.intent("DontKnowIntent")

    def says(self, **slots: Any) -> Turn:
        return self.intent("DescribePainIntent", **slots)

    def confirms(self) -> Turn:
        """Yes to each direct question about a red flag heard in passing ("If your foot is
        cold, pale or blue, call 911 now. Is it?"), as a person who has it would say."""
        turn = self.turns[-1]
        for _ in range(4):
            if not turn.confirming:
                return turn
            turn = self.yes()
        raise AssertionError("still confirming after four answers")

    def answer_until_outcome(self, answers: dict[str, str], limit: int = 10) -> Turn:
        """Answer each question from `answers` (question id → yes/no/unknown/slot id)."""
        turn = self.turns[-1]
        for _ in range(limit):
            if turn.pending is None:
                return turn
            value = answers[turn.pending]
            if value in ("yes", "no", "unknown"):
                turn = {"yes": self.yes, "no": self.no, "unknown": self.dont_know}[value]()
            else:
                turn = self.says(**{turn.pending: value})
        raise AssertionError("no outcome reached")
