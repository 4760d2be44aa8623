"""Handlers for check-ins, caregiver summaries, sharing and deleting data."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import Response

from skill.alexa import checkin_flow, slots, state
from skill.alexa.handlers import IntentHandler
from skill.alexa.respond import content, join, reply
from skill.checkins import records, sharing
from skill.checkins.summary import summarise
from skill.speech.ssml import to_text

logger = logging.getLogger(__name__)
YES_NO = {"AMAZON.YesIntent": "yes", "AMAZON.NoIntent": "no", "DontKnowIntent": "unknown"}


def _intent_slot(handler_input: HandlerInput, name: str) -> str | None:
    return slots.resolved_id(slots.slot(handler_input.request_envelope.request.intent, name))


class CheckInStartHandler(IntentHandler):
    intents = ("CheckInIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return checkin_flow.start(handler_input, _intent_slot(handler_input, "subject"))


class CheckInAnswerHandler(IntentHandler):
    """Answers during a check-in: yes / no / don't know, or a pain score."""

    intents = ("AMAZON.YesIntent", "AMAZON.NoIntent", "DontKnowIntent", "PainScaleIntent")
    phases = ("checkin",)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = get_intent_name(handler_input)
        if name == "PainScaleIntent":
            score = slots.number(slots.slot(handler_input.request_envelope.request.intent, "score"))
            return checkin_flow.answer(handler_input, score if score is not None else -1)
        return checkin_flow.answer(handler_input, YES_NO[name])


class SummaryHandler(IntentHandler):
    """ "How has mom been doing this week?" — own profiles first, then shared accounts."""

    intents = ("SummaryIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        subject = _intent_slot(handler_input, "subject")
        store = checkin_flow.store_of(handler_input)
        user = checkin_flow.user_of(handler_input)
        profile = checkin_flow.profile_for(handler_input, subject)
        prompt = c.say("checkin.next")
        if user is None:
            return reply(handler_input, join(c.say("summary.none", subject), prompt))
        try:
            history = records.history(store, user, profile)
            if not history:
                for owner in sharing.shared_with_me(store, user):
                    history = records.history(store, owner, subject or "self") or records.history(
                        store, owner, "self"
                    )
                    if history:
                        break
        except Exception as exc:  # noqa: BLE001 - say so rather than crash
            logger.warning("could not read summary: %s", type(exc).__name__)
            return reply(handler_input, join(c.say("error"), prompt), reprompt=prompt)
        if not history:
            key = "summary.not_shared" if subject and subject != "self" else "summary.none"
            return reply(handler_input, join(c.say(key, subject), prompt), reprompt=prompt)
        text = summary_text(handler_input, history, subject)
        return reply(
            handler_input,
            join(text, prompt),
            reprompt=prompt,
            card=(c.say("summary.card_title"), to_text(text)),
        )


def summary_text(
    handler_input: HandlerInput, history: list[records.CheckIn], subject: str | None
) -> str:
    c = content(handler_input)
    s = summarise(history, datetime.now(UTC))
    if s.count == 0:
        return c.say("summary.none", subject)
    parts = [
        c.say("summary.count_one" if s.count == 1 else "summary.count", subject, count=s.count)
    ]
    if s.first_pain is not None and s.count > 1:
        parts.append(c.say("summary.pain", first=s.first_pain, last=s.last_pain))
    parts.append(
        c.say("summary.flags", days=s.red_flag_days)
        if s.red_flag_days
        else c.say("summary.flags_none")
    )
    if s.stretch_answers:
        parts.append(c.say("summary.stretches", done=s.stretch_days, answered=s.stretch_answers))
    if s.last_outcome:
        parts.append(c.say("summary.last", outcome=c.get("summary.outcomes")[s.last_outcome]))
    return join(*parts)


class ShareHandler(IntentHandler):
    intents = ("ShareIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        user = checkin_flow.user_of(handler_input)
        if user is None:
            return reply(handler_input, c.say("error"), reprompt=c.say("error_reprompt"))
        code = sharing.create_code(checkin_flow.store_of(handler_input), user)
        spoken = f'<say-as interpret-as="digits">{code}</say-as>'
        return reply(
            handler_input,
            c.say("sharing.code", code=spoken),
            card=(c.say("sharing.card_title"), code),
            end=True,
        )


class ConnectHandler(IntentHandler):
    intents = ("ConnectIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        intent = handler_input.request_envelope.request.intent
        raw = getattr(slots.slot(intent, "code"), "value", None) or ""
        code = "".join(ch for ch in str(raw) if ch.isdigit())
        prompt = c.say("checkin.next")
        if len(code) != 6:
            text = c.say("sharing.missing")
            return reply(handler_input, text, reprompt=text)
        user = checkin_flow.user_of(handler_input)
        if user is None:
            return reply(handler_input, c.say("sharing.wrong"), reprompt=prompt)
        result = sharing.redeem(checkin_flow.store_of(handler_input), user, code)
        if not result.ok:
            logger.warning("share code refused: %s", result.reason)
        return reply(
            handler_input, join(c.say(f"sharing.{result.reason}"), prompt), reprompt=prompt
        )


class StopSharingHandler(IntentHandler):
    intents = ("StopSharingIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        user = checkin_flow.user_of(handler_input)
        count = sharing.revoke_all(checkin_flow.store_of(handler_input), user) if user else 0
        prompt = c.say("checkin.next")
        key = "sharing.stopped" if count else "sharing.nothing_to_stop"
        return reply(handler_input, join(c.say(key), prompt), reprompt=prompt)


class DeleteDataHandler(IntentHandler):
    intents = ("DeleteDataIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        text = content(handler_input).say("deletion.confirm")
        state.session(handler_input)["confirm"] = "delete"
        return reply(handler_input, text, reprompt=text)


class ConfirmDeleteHandler(IntentHandler):
    """Yes deletes everything for the account; anything else keeps it."""

    intents = (
        "AMAZON.YesIntent",
        "AMAZON.NoIntent",
        "DontKnowIntent",
        "AMAZON.CancelIntent",
        "AMAZON.StopIntent",
    )
    phases = ("confirm",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        state.session(handler_input).pop("confirm", None)
        if get_intent_name(handler_input) != "AMAZON.YesIntent":
            return reply(handler_input, c.say("deletion.kept"), end=True)
        try:
            handler_input.attributes_manager.delete_persistent_attributes()
        except Exception as exc:  # noqa: BLE001 - tell the person; never pretend it worked
            logger.error("could not delete data: %s", type(exc).__name__)
            return reply(handler_input, c.say("deletion.failed"), end=True)
        state.session(handler_input).clear()
        return reply(handler_input, c.say("deletion.done"), end=True)


ACCOUNT_HANDLERS = (
    ConfirmDeleteHandler,
    CheckInAnswerHandler,
    CheckInStartHandler,
    SummaryHandler,
    ShareHandler,
    ConnectHandler,
    StopSharingHandler,
    DeleteDataHandler,
)
