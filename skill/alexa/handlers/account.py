"""The account's own features: check-ins, caregiver summaries, sharing, deleting data."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import Response
from ask_sdk_model.dialog import ElicitSlotDirective

from skill.alexa import checkin_flow, persistence, slots
from skill.alexa.base import ANSWERS, IntentHandler
from skill.alexa.respond import content, join, reply
from skill.alexa.state import Phase, conversation
from skill.checkins import records, sharing
from skill.checkins.summary import summarise
from skill.speech.ssml import to_text
from skill.speech.summary import summary_text

logger = logging.getLogger(__name__)


def slot_id(handler_input: HandlerInput, name: str) -> str | None:
    return slots.resolved_id(slots.slot(handler_input.request_envelope.request.intent, name))


def user_of(handler_input: HandlerInput) -> str | None:
    return persistence.user_key(handler_input.request_envelope)


class CheckInStartHandler(IntentHandler):
    intents = ("CheckInIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return checkin_flow.start(handler_input, slot_id(handler_input, "subject"))


class CheckInAnswerHandler(IntentHandler):
    """Answers during a check-in: yes / no / don't know, or a pain score."""

    intents = (*ANSWERS, "PainScaleIntent")
    phases = (Phase.CHECKIN,)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = get_intent_name(handler_input)
        if name == "PainScaleIntent":
            score = slots.number(slots.slot(handler_input.request_envelope.request.intent, "score"))
            value: str | int = score if score is not None else -1
        else:
            value = ANSWERS[name]
        return checkin_flow.answer(handler_input, self.store, value)


class SummaryHandler(IntentHandler):
    """ "How has mom been doing this week?" — own profiles first, then shared accounts."""

    intents = ("SummaryIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        subject = slot_id(handler_input, "subject")
        user = user_of(handler_input)
        profile = checkin_flow.profile_for(handler_input, subject)
        prompt = c.say("checkin.next")
        if user is None:
            return reply(handler_input, join(c.say("summary.none", subject), prompt))
        try:
            history = records.history(self.store, user, profile)
            if not history:
                for owner in sharing.shared_with_me(self.store, user):
                    history = records.history(
                        self.store, owner, subject or "self"
                    ) or records.history(self.store, owner, "self")
                    if history:
                        break
        except Exception as exc:  # noqa: BLE001 - say so rather than crash
            logger.warning("storage failure: could not read a summary (%s)", type(exc).__name__)
            return reply(handler_input, join(c.say("error"), prompt), reprompt=prompt)
        if not history:
            key = "summary.not_shared" if subject and subject != "self" else "summary.none"
            return reply(handler_input, join(c.say(key, subject), prompt), reprompt=prompt)
        s = summarise(history, datetime.now(UTC))
        last_day = checkin_flow.local_day(handler_input, s.last_at) if s.last_at else ""
        text = summary_text(c, s, subject, last_day)
        return reply(
            handler_input,
            join(text, prompt),
            reprompt=prompt,
            card=(c.say("summary.card_title"), to_text(text)),
        )


class ShareHandler(IntentHandler):
    intents = ("ShareIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        user = user_of(handler_input)
        if user is None:
            return reply(handler_input, c.say("error"), reprompt=c.say("error_reprompt"))
        code = sharing.create_code(self.store, user)
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
            # One slot missing: ask for it, and Alexa listens for the number next.
            text = c.say("sharing.ask_code")
            handler_input.response_builder.add_directive(
                ElicitSlotDirective(slot_to_elicit="code", updated_intent=intent)
            )
            return reply(handler_input, text, reprompt=text)
        user = user_of(handler_input)
        if user is None:
            return reply(handler_input, c.say("sharing.wrong"), reprompt=prompt)
        result = sharing.redeem(self.store, user, code)
        if not result.ok:
            logger.warning("share code refused: %s", result.reason)
        text = join(c.say(f"sharing.{result.reason}"), prompt)
        return reply(handler_input, text, reprompt=prompt)


class StopSharingHandler(IntentHandler):
    intents = ("StopSharingIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        user = user_of(handler_input)
        count = sharing.revoke_all(self.store, user) if user else 0
        prompt = c.say("checkin.next")
        key = "sharing.stopped" if count else "sharing.nothing_to_stop"
        return reply(handler_input, join(c.say(key), prompt), reprompt=prompt)


class DeleteDataHandler(IntentHandler):
    intents = ("DeleteDataIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        text = content(handler_input).say("deletion.confirm")
        conversation(handler_input).confirm_delete = True
        return reply(handler_input, text, reprompt=text)


class ConfirmDeleteHandler(IntentHandler):
    """Yes deletes everything for the account; anything else keeps it."""

    intents = (*ANSWERS, "AMAZON.CancelIntent", "AMAZON.StopIntent")
    phases = (Phase.CONFIRM,)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        state = conversation(handler_input)
        state.confirm_delete = False
        if get_intent_name(handler_input) != "AMAZON.YesIntent":
            return reply(handler_input, c.say("deletion.kept"), end=True)
        try:
            handler_input.attributes_manager.delete_persistent_attributes()
        except Exception as exc:  # noqa: BLE001 - tell the person; never pretend it worked
            logger.error("storage failure: could not delete data (%s)", type(exc).__name__)
            return reply(handler_input, c.say("deletion.failed"), end=True)
        state.clear()
        return reply(handler_input, c.say("deletion.done"), end=True)
