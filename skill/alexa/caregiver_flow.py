"""Caregivers in the conversation: weekly summaries for exactly the person asked about,
share codes, connecting to one, naming who a shared person is, and stopping sharing.
skill.checkins.sharing and .people hold the rules and what is stored; this module only
sequences the talk. Failures are typed (skill.alexa.failures): the exception handler
answers in the feature's words."""

from __future__ import annotations

import logging

from skill.alexa import checkin_flow, failures, prompts, slots
from skill.alexa.respond import join
from skill.alexa.turn import Reply, Turn
from skill.checkins import people, records, sharing
from skill.checkins.summary import summarise
from skill.speech.ssml import to_text
from skill.speech.summary import people_list, summary_text

logger = logging.getLogger(__name__)
EXAMPLE = "mother"  # "who is this person to you? Is it your mom, ..." in the locale's words


def summary(turn: Turn, subject: str | None) -> Reply:
    """ "How has mom been doing this week?" — exactly the people this account calls mom."""
    c = turn.content
    prompt = prompts.after_side(turn)
    user = failures.account_key(turn, failures.READ_SUMMARY)
    me = checkin_flow.profile_for(turn, None)
    with failures.storage(failures.READ_SUMMARY):
        found = people.find(people.known(turn.store, user, me), subject)
        histories = [sharing.history(turn.store, s) for s in found.sources]
    if found.choices:
        # Several people and none named: ask, and Alexa listens for the person next.
        text = c.say("summary.which", options=people_list(c, found.choices, "or"))
        return Reply(text, reprompt=text, directives=(slots.elicit(turn.intent, "subject"),))
    if found.unnamed:
        turn.state.ask_name()
        text = c.say("summary.unnamed", EXAMPLE)
        return Reply(text, reprompt=c.say("sharing.ask_name", EXAMPLE))
    label = None if found.label == people.SELF else found.label
    if not found.sources:
        key = "summary.not_shared" if label else "summary.none"
        return Reply(join(c.say(key, label), prompt), reprompt=prompt)
    texts = []
    for source, history in zip(found.sources, histories, strict=True):
        s = summarise(history, turn.now)
        last_day = checkin_flow.local_day(turn, s.last_at) if s.last_at else ""
        where = (
            ""
            if len(found.sources) == 1
            else c.say("summary.from_own" if source.own else "summary.from_shared")
        )
        texts.append(join(where, summary_text(c, s, label, last_day)))
    text = join(*texts)
    return Reply(
        join(text, prompt), reprompt=prompt, card=(c.say("summary.card_title"), to_text(text))
    )


def share(turn: Turn) -> Reply:
    """A code for the speaker's own check-ins and those the account keeps for others."""
    c = turn.content
    user = failures.account_key(turn, failures.MAKE_SHARE_CODE)
    me = checkin_flow.profile_for(turn, None)
    with failures.storage(failures.MAKE_SHARE_CODE):
        # Exactly the people this speaker checks in for (the voice, or the account's
        # "self" when no voice is recognised): never another voice's or a guest's.
        kept = records.profiles(turn.store, user)
        named = sorted(records.people_of(turn.store, user, me))
        profiles = [me, *named] if me in kept or not named else named
        epoch = turn.profile().epoch
        code = sharing.create_code(turn.store, user, profiles, later=True, by=me, epoch=epoch)
    labels = [people.SELF if p == me else p for p in profiles]
    spoken = f'<say-as interpret-as="digits">{code}</say-as>'
    covers = (
        c.say("sharing.covers_own")
        if labels == [people.SELF]
        else c.say("sharing.covers", names=people_list(c, labels, "and"))
    )
    text = join(c.say("sharing.code", code=spoken), covers)
    # The code is spoken only: the app card can be read by anyone with the phone.
    return Reply(text, card=(c.say("sharing.card_title"), c.say("sharing.card")), end=True)


def connect(turn: Turn) -> Reply:
    """ "Connect to code 123456": redeem another account's code."""
    c = turn.content
    code = "".join(ch for ch in turn.slot_value("code") or "" if ch.isdigit())
    prompt = prompts.after_side(turn)
    if len(code) != 6:
        # One slot missing: ask for it, and Alexa listens for the number next.
        text = c.say("sharing.ask_code")
        return Reply(text, reprompt=text, directives=(slots.elicit(turn.intent, "code"),))
    user = failures.account_key(turn, failures.CHECK_SHARE_CODE)
    with failures.storage(failures.CHECK_SHARE_CODE):
        result = sharing.redeem(turn.store, user, code)
    if not result.ok:
        if result.reason != "wrong":  # wrong guesses are logged by sharing.redeem
            logger.warning("share code refused: %s", result.reason)
        return Reply(join(c.say(f"sharing.{result.reason}"), prompt), prompt)
    if result.unnamed:
        turn.state.ask_name()
        ask = c.say("sharing.ask_name", EXAMPLE)
        return Reply(join(c.say("sharing.connected_ask_name"), ask), ask)
    return Reply(join(c.say("sharing.connected"), prompt), reprompt=prompt)


def naming_answer(turn: Turn) -> bool:
    """Whether this turn answers "who is this person to you?": "my mom", or "how is my
    mom doing?" (anything said about the pain goes to triage as always)."""
    if not turn.state.naming or turn.slot_id("subject") is None:
        return False
    if turn.intent_name == "SummaryIntent":
        return True
    if turn.intent_name != "DescribePainIntent":
        return False
    filled = turn.intent.slots or {}
    return not any(slot.value for key, slot in filled.items() if key != "subject")


def name(turn: Turn) -> Reply:
    """The caregiver names a shared person: "my mom"."""
    c = turn.content
    state = turn.state
    label = turn.slot_id("subject")
    ask = c.say("sharing.ask_name", EXAMPLE)
    if label in (None, people.SELF):
        state.ask_name()
        return Reply(ask, reprompt=ask)
    state.ask_name(False)
    # On failure they are asked again later, at the next summary.
    user = failures.account_key(turn, failures.NAME_SHARED_PERSON)
    with failures.storage(failures.NAME_SHARED_PERSON):
        named = sharing.name(turn.store, user, label)
    if turn.intent_name == "SummaryIntent":
        return summary(turn, label)
    prompt = prompts.after_side(turn)
    text = c.say("sharing.named" if named else "sharing.nobody_to_name", label)
    return Reply(join(text, prompt), reprompt=prompt)


def stop_sharing(turn: Turn) -> Reply:
    c = turn.content
    prompt = prompts.after_side(turn)
    # On failure, never pretend sharing stopped (failures.STOP_SHARING's words).
    user = failures.account_key(turn, failures.STOP_SHARING)
    with failures.storage(failures.STOP_SHARING):
        count = sharing.revoke_all(turn.store, user)
    key = "sharing.stopped" if count else "sharing.nothing_to_stop"
    return Reply(join(c.say(key), prompt), reprompt=prompt)


def how_to_receive(turn: Turn) -> Reply:
    """ "Can my dad share his progress with me?": how the other person gives a code, never
    this account's own code (that would share the speaker's check-ins the wrong way)."""
    c = turn.content
    subject = turn.slot_id("subject")
    prompt = prompts.after_side(turn)
    if subject in (None, "self", "other"):
        said = c.say("sharing.how_to_receive_any")
    else:
        said = c.say("sharing.how_to_receive", subject)
    return Reply(join(said, prompt), reprompt=prompt)
