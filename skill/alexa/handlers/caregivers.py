"""Caregivers: weekly summaries for exactly the person asked about, sharing codes, connecting
to one, naming who a shared person is, and stopping sharing (skill.checkins.sharing and
.people hold the rules; this module only talks)."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type
from ask_sdk_model import Response

from skill import clock
from skill.alexa import checkin_flow, failures, persistence, slots, triage_flow
from skill.alexa.base import Handler, IntentHandler
from skill.alexa.handlers.account import slot_id
from skill.alexa.respond import content, join, reply
from skill.alexa.state import conversation
from skill.checkins import people, records, sharing
from skill.checkins.summary import summarise
from skill.speech.ssml import to_text
from skill.speech.summary import people_list, summary_text

logger = logging.getLogger(__name__)
EXAMPLE = "mother"  # "who is this person to you? Is it your mom, ..." in the locale's words


class SummaryHandler(IntentHandler):
    """ "How has mom been doing this week?" — exactly the people this account calls mom."""

    intents = ("SummaryIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return summary(handler_input, self, slot_id(handler_input, "subject"))


def summary(handler_input: HandlerInput, handler: Handler, subject: str | None) -> Response:
    c = content(handler_input)
    prompt = triage_flow.next_prompt(handler_input)
    user = failures.account_key(handler_input, failures.READ_SUMMARY)
    me = checkin_flow.profile_for(handler_input, None)
    with failures.storage(failures.READ_SUMMARY):
        found = people.find(people.known(handler.store, user, me), subject)
        histories = [sharing.history(handler.store, s) for s in found.sources]
    if found.choices:
        # Several people and none named: ask, and Alexa listens for the person next.
        text = c.say("summary.which", options=people_list(c, found.choices, "or"))
        intent = slots.intent_of(handler_input)
        handler_input.response_builder.add_directive(slots.elicit(intent, "subject"))
        return reply(handler_input, text, reprompt=text)
    if found.unnamed:
        conversation(handler_input).ask_name()
        text = c.say("summary.unnamed", EXAMPLE)
        return reply(handler_input, text, reprompt=c.say("sharing.ask_name", EXAMPLE))
    label = None if found.label == people.SELF else found.label
    if not found.sources:
        key = "summary.not_shared" if label else "summary.none"
        return reply(handler_input, join(c.say(key, label), prompt), reprompt=prompt)
    now = clock.utcnow()
    texts = []
    for source, history in zip(found.sources, histories, strict=True):
        s = summarise(history, now)
        last_day = checkin_flow.local_day(handler_input, s.last_at) if s.last_at else ""
        where = (
            ""
            if len(found.sources) == 1
            else c.say("summary.from_own" if source.own else "summary.from_shared")
        )
        texts.append(join(where, summary_text(c, s, label, last_day)))
    text = join(*texts)
    return reply(
        handler_input,
        join(text, prompt),
        reprompt=prompt,
        card=(c.say("summary.card_title"), to_text(text)),
    )


class ShareHandler(IntentHandler):
    """A code for the speaker's own check-ins and those the account keeps for others."""

    intents = ("ShareIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        user = failures.account_key(handler_input, failures.MAKE_SHARE_CODE)
        me = checkin_flow.profile_for(handler_input, None)
        with failures.storage(failures.MAKE_SHARE_CODE):
            # Exactly the people this speaker checks in for (the voice, or the account's
            # "self" when no voice is recognised): never another voice's or a guest's.
            kept = records.profiles(self.store, user)
            named = sorted(records.people_of(self.store, user, me))
            profiles = [me, *named] if me in kept or not named else named
            epoch = persistence.profile(handler_input).epoch
            code = sharing.create_code(self.store, user, profiles, later=True, by=me, epoch=epoch)
        labels = [people.SELF if p == me else p for p in profiles]
        spoken = f'<say-as interpret-as="digits">{code}</say-as>'
        covers = (
            c.say("sharing.covers_own")
            if labels == [people.SELF]
            else c.say("sharing.covers", names=people_list(c, labels, "and"))
        )
        text = join(c.say("sharing.code", code=spoken), covers)
        # The code is spoken only: the app card can be read by anyone with the phone.
        return reply(
            handler_input, text, card=(c.say("sharing.card_title"), c.say("sharing.card")), end=True
        )


class ConnectHandler(IntentHandler):
    intents = ("ConnectIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        intent = slots.intent_of(handler_input)
        raw = getattr(slots.slot(intent, "code"), "value", None) or ""
        code = "".join(ch for ch in str(raw) if ch.isdigit())
        prompt = triage_flow.next_prompt(handler_input)
        if len(code) != 6:
            # One slot missing: ask for it, and Alexa listens for the number next.
            text = c.say("sharing.ask_code")
            handler_input.response_builder.add_directive(slots.elicit(intent, "code"))
            return reply(handler_input, text, reprompt=text)
        user = failures.account_key(handler_input, failures.CHECK_SHARE_CODE)
        with failures.storage(failures.CHECK_SHARE_CODE):
            result = sharing.redeem(self.store, user, code)
        if not result.ok:
            if result.reason != "wrong":  # wrong guesses are logged by sharing.redeem
                logger.warning("share code refused: %s", result.reason)
            return reply(handler_input, join(c.say(f"sharing.{result.reason}"), prompt), prompt)
        if result.unnamed:
            conversation(handler_input).ask_name()
            ask = c.say("sharing.ask_name", EXAMPLE)
            return reply(handler_input, join(c.say("sharing.connected_ask_name"), ask), ask)
        return reply(handler_input, join(c.say("sharing.connected"), prompt), reprompt=prompt)


class NameHandler(Handler):
    """The answer to "who is this person to you?": "my mom" (or "how is my mom doing?")."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        if not conversation(handler_input).naming:
            return False
        name = get_intent_name(handler_input)
        if name == "SummaryIntent":
            return slot_id(handler_input, "subject") is not None
        if name != "DescribePainIntent":
            return False
        # Only the person: anything said about the pain goes to triage as always.
        filled = slots.intent_of(handler_input).slots or {}
        return slot_id(handler_input, "subject") is not None and not any(
            slot.value for key, slot in filled.items() if key != "subject"
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        state = conversation(handler_input)
        label = slot_id(handler_input, "subject")
        ask = c.say("sharing.ask_name", EXAMPLE)
        if label in (None, people.SELF):
            state.ask_name()
            return reply(handler_input, ask, reprompt=ask)
        state.ask_name(False)
        # On failure they are asked again later, at the next summary.
        user = failures.account_key(handler_input, failures.NAME_SHARED_PERSON)
        with failures.storage(failures.NAME_SHARED_PERSON):
            named = sharing.name(self.store, user, label)
        if get_intent_name(handler_input) == "SummaryIntent":
            return summary(handler_input, self, label)
        prompt = triage_flow.next_prompt(handler_input)
        text = c.say("sharing.named" if named else "sharing.nobody_to_name", label)
        return reply(handler_input, join(text, prompt), reprompt=prompt)


class StopSharingHandler(IntentHandler):
    intents = ("StopSharingIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        prompt = triage_flow.next_prompt(handler_input)
        # On failure, never pretend sharing stopped (failures.STOP_SHARING's words).
        user = failures.account_key(handler_input, failures.STOP_SHARING)
        with failures.storage(failures.STOP_SHARING):
            count = sharing.revoke_all(self.store, user)
        key = "sharing.stopped" if count else "sharing.nothing_to_stop"
        return reply(handler_input, join(c.say(key), prompt), reprompt=prompt)


class ReceiveShareHandler(IntentHandler):
    """ "Can my dad share his progress with me?": how the other person gives a code, never
    this account's own code (that would share the speaker's check-ins the wrong way)."""

    intents = ("ReceiveShareIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        subject = slot_id(handler_input, "subject")
        prompt = triage_flow.next_prompt(handler_input)
        if subject in (None, "self", "other"):
            said = c.say("sharing.how_to_receive_any")
        else:
            said = c.say("sharing.how_to_receive", subject)
        return reply(handler_input, join(said, prompt), reprompt=prompt)
