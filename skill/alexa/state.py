"""Conversation state: what the skill remembers between the turns of one session.

It rides in session attributes, which Alexa sends back on the next request, so it stays
small; anything bigger lives in the store. `ConversationState.from_session` reads what
came back (repairing junk rather than failing; only facts skill.triage.facts allows are
kept), `to_session` writes the same shape: `v` (SESSION_VERSION; `migrated` brings an
older shape up to date and drops a newer one), `triage` {facts, asked, pending,
disposition, reason, cause, evidence, offer, last_answered, lowering, wanted},
`misses`/`missed_at` (turns not understood in a row),
`guide` {id, step}, `checkin` {profile, step, pain, flags, stretches, save}, `confirm`
("delete"; "alerts": the owner was asked whether to alert their caregivers;
"more_alerts": a caregiver was asked whether to hear the alerts not yet spoken),
`naming` (the caregiver was just asked who a shared person is to them), `last` {s, r,
hs, hr}: what was said last, as content keys for Repeat (skill.alexa.repeat) and
digests. `sessionAttributes.triage.disposition` is a public contract.

Flows reach the state through the turn (`turn.state`, skill.alexa.turn), parsed once per
request by `conversation(handler_input)` (which handlers' can_handle read too);
`respond.render` writes it back. Requests without a session (skill events) make the SDK's
session_attributes raise, so access is guarded here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Literal, cast, get_args

from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput

from skill.alexa import persistence
from skill.alexa.repeat import digest
from skill.content.guide_id import GuideId
from skill.triage.engine import is_red_flag, raises_level
from skill.triage.facts import allowed as fact_allowed
from skill.triage.levels import Disposition

# "confirm": the direct question about a warning sign heard in passing during a check-in.
CheckinStep = Literal["consent", "pain", "flags_emergency", "flags_urgent", "stretches", "confirm"]
Confirming = Literal["delete", "alerts", "more_alerts"]
logger = logging.getLogger(__name__)
_MAX_FACTS = 64  # a session never needs more; junk sent back is cut, not trusted


class Phase(StrEnum):
    """Where the person is; decides what a bare "yes", "no" or "help" means."""

    CONFIRM = "confirm"  # confirming a deletion, alerts for caregivers, or hearing more
    CORRECT = "correct"  # confirming a correction that lowers a red flag
    CHECKIN = "checkin"  # in a daily check-in
    GUIDE = "guide"  # following RICE or a stretch step by step
    QUESTION = "question"  # a triage question is waiting for its answer
    OUTCOME = "outcome"  # an outcome was given, or something is on offer
    START = "start"  # nothing yet


PACES = ("slow", "loud")  # how the person asked to be spoken to
# A warning-sign question not understood is never answered by the miss: the first miss
# gets a hint, the second "just yes or no", the third the safety net, and the sign is left
# unchecked. The one ladder for triage and check-ins.
JUST_YES_NO_AT, GIVE_UP_AT = 2, 3
WHY: Final = "why"  # the offer to explain an outcome
CHECK: Final = "check"  # the offer to run the red-flag checks (after a stretch hurt)
Offer = GuideId | Literal["why", "check"]


def parse_offer(value: object) -> Offer | None:
    if value in (WHY, CHECK):
        return cast(Offer, value)
    return GuideId.parse(value)


@dataclass
class TriageState:
    facts: dict[str, Any] = field(default_factory=dict)
    asked: int = 0  # questions asked so far (the first one gets the screening intro)
    pending: str | None = None  # the question id waiting for an answer
    disposition: Disposition | None = None
    reason: str | None = None  # red-flag or cause-family id; selects the words
    cause: str | None = None
    evidence: list[str] = field(default_factory=list)  # "name=value" facts behind it
    offer: Offer | None = None
    last_answered: str | None = None  # the question "I meant no" corrects
    lowering: list[str] = field(default_factory=list)  # facts a correction sets to "no",
    # once the person confirms (lowering a red flag is confirmed first)
    wanted: GuideId | None = None  # a stretch asked for before the checks were done
    checking: str | None = None  # the question the person is helped to check ("not sure")

    @property
    def subject(self) -> str | None:
        value = self.facts.get("subject")
        return value if isinstance(value, str) else None

    @property
    def described(self) -> bool:
        """The person has told us about the pain (not only who it is for)."""
        return any(k != "subject" and k != "pain_score" for k in self.facts)

    @classmethod
    def from_session(cls, raw: object) -> TriageState:
        if not isinstance(raw, dict) or not isinstance(raw.get("facts"), dict):
            return cls()
        # Only facts the skill could have stored, each with a value it could take
        # (skill.triage.facts): anything else that comes back is dropped, not trusted.
        facts = {k: v for k, v in list(raw["facts"].items())[:_MAX_FACTS] if fact_allowed(k, v)}
        return cls(
            facts=facts,
            asked=_int(raw.get("asked")),
            pending=_str(raw.get("pending")),
            disposition=Disposition.parse(raw.get("disposition")),
            reason=_str(raw.get("reason")),
            cause=_str(raw.get("cause")),
            evidence=_strings(raw.get("evidence")),
            offer=parse_offer(raw.get("offer")),
            last_answered=_str(raw.get("last_answered")),
            # Only red flags are ever confirmed before lowering: anything else is junk.
            lowering=[f for f in _strings(raw.get("lowering")) if is_red_flag(f)],
            wanted=GuideId.parse(raw.get("wanted")),
            checking=_str(raw.get("checking")),
        )

    def to_session(self) -> dict[str, Any]:
        out: dict[str, Any] = {"facts": self.facts, "asked": self.asked}
        optional = {
            "pending": self.pending,
            "disposition": str(self.disposition) if self.disposition else None,
            "reason": self.reason,
            "cause": self.cause,
            "evidence": self.evidence or None,
            "offer": str(self.offer) if self.offer else None,
            "last_answered": self.last_answered,
            "lowering": self.lowering or None,
            "wanted": str(self.wanted) if self.wanted else None,
            "checking": self.checking,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        return out


@dataclass
class GuideState:
    id: GuideId
    step: int = 0

    @classmethod
    def from_session(cls, raw: object) -> GuideState | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("step"), int):
            return None
        guide = GuideId.parse(raw.get("id"))
        return cls(guide, max(0, raw["step"])) if guide else None

    def to_session(self) -> dict[str, Any]:
        return {"id": str(self.id), "step": self.step}


@dataclass
class CheckinState:
    profile: str
    step: CheckinStep = "pain"
    pain: int | None = None
    flags: list[str] = field(default_factory=list)  # warning-sign levels reported
    stretches: bool | None = None
    save: bool = False  # the person agreed to keep check-ins
    finding: str | None = None  # the sign heard in passing, while step is "confirm"
    answered: list[str] = field(default_factory=list)  # the steps done, in any order

    @classmethod
    def from_session(cls, raw: object) -> CheckinState | None:
        if not isinstance(raw, dict) or raw.get("step") not in get_args(CheckinStep):
            return None
        pain = raw.get("pain")
        stretches = raw.get("stretches")
        step = cast(CheckinStep, raw["step"])
        finding = _str(raw.get("finding"))
        if step == "confirm" and not (finding and raises_level(finding)):
            # Only a warning sign is ever asked about: anything else sent back is junk.
            step, finding = "flags_emergency", None
        return cls(
            profile=_str(raw.get("profile")) or "self",
            step=step,
            pain=pain if isinstance(pain, int) and not isinstance(pain, bool) else None,
            flags=_strings(raw.get("flags")),
            stretches=stretches if isinstance(stretches, bool) else None,
            save=raw.get("save") is True,
            finding=finding if step == "confirm" else None,
            answered=[s for s in _strings(raw.get("answered")) if s in get_args(CheckinStep)],
        )

    def to_session(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "step": self.step,
            "pain": self.pain,
            "flags": self.flags,
            "stretches": self.stretches,
            "save": self.save,
            "finding": self.finding,
            "answered": self.answered,
        }


@dataclass(frozen=True)
class LastSpeech:
    """What was said last, for Repeat: content keys to say it again (skill.alexa.repeat),
    never its SSML, and a fingerprint of each text to tell "the same words again"."""

    speech: list[Any] | None  # None: not made only of content strings (not kept)
    reprompt: list[Any] | None
    said: str  # digest of the speech
    asked: str  # digest of the reprompt

    @classmethod
    def from_session(cls, raw: object) -> LastSpeech | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("hs"), str):
            return None
        said = raw["hs"]
        asked = _str(raw.get("hr")) or said
        speech = raw.get("s") if isinstance(raw.get("s"), list) else None
        reprompt = raw.get("r") if isinstance(raw.get("r"), list) else None
        if "r" not in raw and asked == said:
            reprompt = speech
        return cls(speech, reprompt, said, asked)

    def to_session(self) -> dict[str, Any]:
        out: dict[str, Any] = {"hs": self.said}
        if self.speech is not None:
            out["s"] = self.speech
        if self.asked != self.said:
            out["hr"] = self.asked
            if self.reprompt is not None:
                out["r"] = self.reprompt
        return out


@dataclass
class ConversationState:
    triage: TriageState = field(default_factory=TriageState)
    guide: GuideState | None = None
    checkin: CheckinState | None = None
    confirm: Confirming | None = None  # a yes/no question about the account is waiting
    naming: bool = False  # just asked who a shared person is to the caregiver
    last: LastSpeech | None = None
    repeats: int = 0  # replies in a row that ended on the same prompt as the one before
    pace: tuple[str, ...] = ()  # "slow" and/or "loud", asked for and kept for the session
    misses: int = 0  # turns in a row not understood at the same prompt
    missed_at: str | None = None  # which prompt (phase and step) they were at
    missed_now: bool = field(default=False, compare=False)  # this turn; not stored
    named_now: bool = field(default=False, compare=False)  # the naming question was asked
    # (or answered) this turn; any other turn drops it. Not stored.

    @classmethod
    def from_session(cls, attrs: dict[str, Any]) -> ConversationState:
        attrs = migrated(attrs)
        return cls(
            triage=TriageState.from_session(attrs.get("triage")),
            guide=GuideState.from_session(attrs.get("guide")),
            checkin=CheckinState.from_session(attrs.get("checkin")),
            confirm=cast(Confirming, attrs["confirm"])
            if attrs.get("confirm") in get_args(Confirming)
            else None,
            naming=attrs.get("naming") is True,
            last=LastSpeech.from_session(attrs.get("last")),
            misses=_int(attrs.get("misses")),
            repeats=_int(attrs.get("repeats")),
            pace=tuple(p for p in PACES if p in _strings(attrs.get("pace"))),
            missed_at=_str(attrs.get("missed_at")),
        )

    def to_session(self) -> dict[str, Any]:
        out: dict[str, Any] = {"v": SESSION_VERSION, "triage": self.triage.to_session()}
        if self.guide:
            out["guide"] = self.guide.to_session()
        if self.checkin:
            out["checkin"] = self.checkin.to_session()
        if self.confirm:
            out["confirm"] = self.confirm
        if self.naming:
            out["naming"] = True
        if self.last:
            out["last"] = self.last.to_session()
        if self.misses:
            out["misses"], out["missed_at"] = self.misses, self.missed_at
        if self.repeats:
            out["repeats"] = self.repeats
        if self.pace:
            out["pace"] = list(self.pace)
        return out

    def repeating(self, prompt: str) -> bool:
        """Whether saying `prompt` now would be the third time in a row."""
        return self.last is not None and self.last.asked == digest(prompt) and self.repeats >= 1

    def said(self, prompt: str) -> None:
        """Count replies in a row that end on the same prompt."""
        same = self.last is not None and self.last.asked == digest(prompt)
        self.repeats = self.repeats + 1 if same else 0

    @property
    def prompt_key(self) -> str:
        """Which prompt the person is at, for counting misunderstood turns in a row."""
        step = {
            Phase.QUESTION: self.triage.pending,
            Phase.CHECKIN: self.checkin.step if self.checkin else None,
            Phase.GUIDE: str(self.guide.step) if self.guide else None,
        }.get(self.phase)
        return f"{self.phase}:{step or ''}"

    def missed(self) -> int:
        """Count one more misunderstood turn at this prompt; returns how many in a row."""
        key = self.prompt_key
        self.misses = self.misses + 1 if self.missed_at == key else 1
        self.missed_at = key
        self.missed_now = True
        return self.misses

    @property
    def phase(self) -> Phase:
        if self.confirm:
            return Phase.CONFIRM
        if self.triage.lowering:
            return Phase.CORRECT
        if self.checkin:
            return Phase.CHECKIN
        if self.guide:
            return Phase.GUIDE
        if self.triage.pending:
            return Phase.QUESTION
        if self.triage.disposition or self.triage.offer:
            return Phase.OUTCOME
        return Phase.START

    def start_over(self) -> None:
        """Forget the triage and any guide, but keep who we are talking about."""
        subject = self.triage.subject
        self.guide = None
        self.triage = TriageState(facts={"subject": subject} if subject else {})

    def clear(self) -> None:
        """Forget everything (after the account's data was deleted)."""
        self.triage = TriageState()
        self.guide = None
        self.checkin = None
        self.confirm = None
        self.naming = False
        self.last = None

    def interrupt(self) -> None:
        """A new statement about symptoms comes before a guide, check-in or confirmation."""
        self.guide = None
        self.checkin = None
        self.confirm = None
        self.naming = False

    def ask_name(self, asking: bool = True) -> None:
        """The caregiver is asked (True) or has answered (False) who a shared person is."""
        self.naming, self.named_now = asking, True


# --- versions -------------------------------------------------------------------------------

# The shape to_session writes. A change of shape raises it and adds a step to _MIGRATIONS
# that turns the previous shape into the new one, so a session that began before a deploy
# goes on after it.
SESSION_VERSION = 2


def _last_as_keys(attrs: dict[str, Any]) -> dict[str, Any]:
    """1 → 2: `last` held the speech itself ({speech, reprompt}); Repeat now says content
    keys again (skill.alexa.repeat). The old speech is dropped, never replayed: Repeat then
    asks the pending question."""
    return {k: v for k, v in attrs.items() if k != "last"}


_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _last_as_keys}


def migrated(attrs: dict[str, Any]) -> dict[str, Any]:
    """Session attributes in the current shape; {} (a fresh start) for a version this code
    does not know (a newer deploy's, or junk)."""
    version = attrs.get("v", 1)  # sessions from before versions were kept are version 1
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        logger.warning("session state dropped: unknown version")
        return {}
    if version > SESSION_VERSION:
        logger.warning("session state dropped: from a newer version of the skill")
        return {}
    while version < SESSION_VERSION:
        attrs, version = _MIGRATIONS[version](attrs), version + 1
    return attrs


# --- per-request access -------------------------------------------------------------------

_KEY = "leg_pain_guide.conversation"  # this module's own slot in request attributes


def session_attributes(handler_input: HandlerInput) -> dict[str, Any] | None:
    """The SDK's session attributes, or None for a request without a session."""
    try:
        attrs = handler_input.attributes_manager.session_attributes
    except AttributesManagerException:
        return None
    return attrs if isinstance(attrs, dict) else None


def conversation(handler_input: HandlerInput) -> ConversationState:
    """This request's conversation state, parsed once from the session attributes."""
    attrs = handler_input.attributes_manager.request_attributes
    found = attrs.get(_KEY)
    if not isinstance(found, ConversationState):
        found = ConversationState.from_session(session_attributes(handler_input) or {})
        attrs[_KEY] = found
    return found


def write_back(handler_input: HandlerInput) -> None:
    """Put the state into the session attributes the response carries."""
    attrs = session_attributes(handler_input)
    if attrs is None:
        return
    carried = attrs.get(persistence.SESSION_KEY)
    out = conversation(handler_input).to_session()
    profile = persistence.snapshot(handler_input, carried)
    if profile is not None:
        out[persistence.SESSION_KEY] = profile
    # A new dict, never the request's changed in place: the request's attributes are
    # shared, not copied (skill.alexa.entry._Attributes).
    handler_input.attributes_manager.session_attributes = out


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)][:_MAX_FACTS] if isinstance(value, list) else []
