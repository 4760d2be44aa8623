"""The daily check-in conversation: consent first, then pain 0-10, warning signs since
last time (a yes goes straight to the warning), stretches; then the trend and, when the
rules say so, advice to see a doctor. Storage failures never hide a warning."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa import persistence, state
from skill.alexa.respond import content, join, reply
from skill.checkins import records
from skill.checkins.trends import trend
from skill.store import Store

logger = logging.getLogger(__name__)
QUESTIONS = {
    "consent": "checkin.consent",
    "pain": "checkin.pain",
    "flags_emergency": "checkin.flags_emergency",
    "flags_urgent": "checkin.flags_urgent",
    "stretches": "checkin.stretches",
}


def store_of(handler_input: HandlerInput) -> Store:
    return handler_input.attributes_manager.request_attributes["store"]  # type: ignore[no-any-return]


def user_of(handler_input: HandlerInput) -> str | None:
    return persistence.user_key(handler_input.request_envelope)


def profile_for(handler_input: HandlerInput, subject: str | None) -> str:
    """A named person ("mother") has their own history; "me" is the recognised voice when
    Alexa knows who is speaking, so two people in one household keep separate histories."""
    if subject and subject != "self":
        return subject
    person = getattr(
        getattr(handler_input.request_envelope.context, "system", None), "person", None
    )
    person_id = getattr(person, "person_id", None)
    if person_id:
        return "voice-" + hashlib.sha256(person_id.encode()).hexdigest()[:12]
    return "self"


def subject_of(profile: str) -> str | None:
    return None if profile == "self" or profile.startswith("voice-") else profile


def start(handler_input: HandlerInput, subject: str | None) -> Response:
    profile = profile_for(handler_input, subject)
    record: dict[str, Any] = {"profile": profile, "step": "pain", "flags": []}
    state.session(handler_input)["checkin"] = record
    state.session(handler_input).pop("guide", None)
    consent = persistence.load(handler_input).get("consent")
    record["save"] = consent is True
    if consent is None:
        record["step"] = "consent"
    return ask_step(handler_input)


def ask_step(handler_input: HandlerInput, *prefix: str) -> Response:
    c = content(handler_input)
    record = state.checkin(handler_input)
    assert record is not None
    text = c.say(
        QUESTIONS[record["step"]], subject_of(record["profile"]), retention=records.RETENTION_DAYS
    )
    return reply(handler_input, join(*prefix, text), reprompt=text)


def answer(handler_input: HandlerInput, value: str | int | None) -> Response:
    """value: "yes"/"no"/"unknown" for yes-no steps, an int (or None) for pain."""
    c = content(handler_input)
    record = state.checkin(handler_input)
    assert record is not None
    step = record["step"]
    if step == "consent":
        if value not in ("yes", "no"):
            return ask_step(handler_input)
        attrs = persistence.load(handler_input)
        attrs["consent"] = value == "yes"
        persistence.save(handler_input)
        record["save"] = value == "yes"
        record["step"] = "pain"
        said = "checkin.consent_given" if value == "yes" else "checkin.consent_declined"
        return ask_step(handler_input, c.say(said))
    if step == "pain":
        if value in ("yes", "no") or (isinstance(value, int) and not 0 <= value <= 10):
            return ask_step(handler_input, c.say("checkin.pain_hint"))
        record["pain"] = value if isinstance(value, int) else None
        record["step"] = "flags_emergency"
        return ask_step(handler_input)
    if step in ("flags_emergency", "flags_urgent"):
        if value not in ("yes", "no", "unknown"):
            return ask_step(handler_input, c.say("answer_hints.yes_no"))
        if value in ("yes", "unknown"):  # "I don't know" on a warning sign counts as yes
            level = "emergency" if step == "flags_emergency" else "urgent"
            record["flags"].append(level)
            return finish(handler_input, disposition=level)
        record["step"] = "flags_urgent" if step == "flags_emergency" else "stretches"
        return ask_step(handler_input)
    record["stretches"] = {"yes": True, "no": False}.get(str(value))
    return finish(handler_input)


def finish(handler_input: HandlerInput, disposition: str | None = None) -> Response:
    c = content(handler_input)
    record = state.session(handler_input).pop("checkin")
    profile = record["profile"]
    subject = subject_of(profile)
    user = user_of(handler_input)
    store = store_of(handler_input)
    earlier: list[records.CheckIn] = []
    history_ok = True
    if user:
        try:
            earlier = records.history(store, user, profile)
        except Exception as exc:  # noqa: BLE001 - history is a nicety; the warning is not
            logger.warning("could not read check-in history: %s", type(exc).__name__)
            history_ok = False
    current = records.CheckIn(
        at=records.now_iso(),
        profile=profile,
        pain=record.get("pain"),
        red_flags=tuple(record.get("flags", ())),
        stretches=record.get("stretches"),
        disposition=disposition,
    )
    if disposition in ("emergency", "urgent"):
        speech = warning(handler_input, disposition, subject)
        saved = save(handler_input, store, user, current, record.get("save", False))
        note = "" if saved or not record.get("save") else c.say("storage_failed")
        card = (c.say("checkin.card_title"), speech)
        return reply(
            handler_input,
            join(speech, note),
            end=disposition == "emergency",
            reprompt=c.say("outcomes.after"),
            card=card,
        )
    t = trend(earlier, current)
    escalate = t.escalate
    current = records.CheckIn(
        **{**current.__dict__, "disposition": "doctor" if escalate else "self_care"}
    )
    saved = save(handler_input, store, user, current, record.get("save", False))
    parts = [] if history_ok else [c.say("checkin.not_saved")]
    parts.append(trend_text(handler_input, t, subject))
    parts.append(c.say(f"checkin.{escalate}" if escalate else "checkin.steady", subject))
    if record.get("save") and not saved:
        parts.append(c.say("storage_failed"))
    elif not record.get("save"):
        parts.append(c.say("checkin.not_kept"))
    if escalate:
        parts.append(c.say("outcomes.doctor_escalate", subject))
    prompt = c.say("checkin.next")
    speech = join(*parts)
    return reply(
        handler_input,
        join(speech, prompt),
        reprompt=prompt,
        card=(c.say("checkin.card_title"), speech),
    )


def warning(handler_input: HandlerInput, disposition: str, subject: str | None) -> str:
    c = content(handler_input)
    if disposition == "emergency":
        return join(
            c.say("outcomes.emergency.lead"),
            c.say("checkin.reason_emergency"),
            c.say("outcomes.emergency.close"),
        )
    return join(
        c.say("outcomes.urgent.lead", subject),
        c.say("checkin.reason_urgent", subject),
        c.say("outcomes.urgent_escalate", subject),
    )


def save(
    handler_input: HandlerInput,
    store: Store,
    user: str | None,
    current: records.CheckIn,
    allowed: bool,
) -> bool:
    if not allowed or not user:
        return False
    try:
        records.add(store, user, current)
    except Exception as exc:  # noqa: BLE001 - a failed save is reported, never fatal
        logger.warning("could not save check-in: %s", type(exc).__name__)
        return False
    return True


def trend_text(handler_input: HandlerInput, t: Any, subject: str | None) -> str:
    c = content(handler_input)
    pain = t.current.pain
    if t.change in ("first", "unknown"):
        return c.say(f"checkin.{t.change}", subject, pain=pain)
    return c.say(
        f"checkin.{t.change}",
        subject,
        pain=pain,
        previous=t.previous.pain,
        day=day_name(handler_input, t.previous.when),
    )


def day_name(handler_input: HandlerInput, when: datetime, now: float | None = None) -> str:
    c = content(handler_input)
    today = datetime.fromtimestamp(now if now is not None else time.time(), UTC).date()
    days = (today - when.date()).days
    if days <= 0:
        return c.say("checkin.days.today")
    if days == 1:
        return c.say("checkin.days.yesterday")
    if days < 7:
        return c.say("checkin.days.weekday", weekday=when.strftime("%A"))
    return c.say("checkin.days.older", date=f"{when.strftime('%B')} {when.day}")
