"""Everyday questions, answered in two or three sentences without losing the place:
painkillers, heat or ice, "what is ...", how long it takes, is it serious, thank you.
The answer depends on where the conversation is (the cause found, the level given);
the words are content's (clinical.md (b))."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa import slots, triage_flow
from skill.alexa.base import IntentHandler
from skill.alexa.respond import content, join, reply
from skill.alexa.state import ConversationState, Phase, conversation
from skill.content import Content
from skill.triage.engine import family_of


def cause_of(state: ConversationState) -> str:
    """The cause family the triage found (or is pointing at), for cause-specific answers."""
    triage = state.triage
    if triage.disposition and triage.disposition.blocks_self_care:
        return "seen_first"
    if triage.reason:
        return triage.reason
    said = {k: v for k, v in triage.facts.items() if k not in ("subject", "opening")}
    return family_of(said) if said else "any"


def first_said(c: Content, *keys: str) -> str:
    """The words under the first key that exists (a specific answer, then the general)."""
    return c.say(next(k for k in keys if c.has(k)))


def answer_then_carry_on(handler_input: HandlerInput, answer: str) -> Response:
    prompt = triage_flow.current_prompt(handler_input)
    return reply(handler_input, join(answer, prompt), reprompt=prompt)


def _slot_id(handler_input: HandlerInput, name: str) -> str | None:
    return slots.resolved_id(slots.slot(slots.intent_of(handler_input), name))


class MedicineHandler(IntentHandler):
    intents = ("MedicineIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        if cause_of(conversation(handler_input)) == "seen_first":
            return answer_then_carry_on(handler_input, c.say("answers.medicine.seen_first"))
        medicine = _slot_id(handler_input, "medicine") or "painkiller"
        text = first_said(c, f"answers.medicine.{medicine}", "answers.medicine.other")
        return answer_then_carry_on(handler_input, text)


class HeatIceHandler(IntentHandler):
    intents = ("HeatIceIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        cause = cause_of(conversation(handler_input))
        key = f"answers.heat_ice.{cause}"
        return answer_then_carry_on(
            handler_input, c.say(key if c.has(key) else "answers.heat_ice.any")
        )


class WhatIsHandler(IntentHandler):
    intents = ("WhatIsIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        condition = _slot_id(handler_input, "condition") or "unknown"
        key = f"answers.what_is.{condition}"
        return answer_then_carry_on(
            handler_input, c.say(key if c.has(key) else "answers.what_is.unknown")
        )


class HealingTimeHandler(IntentHandler):
    intents = ("HealingTimeIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        key = f"answers.healing.{cause_of(conversation(handler_input))}"
        return answer_then_carry_on(
            handler_input, c.say(key if c.has(key) else "answers.healing.any")
        )


class IsItSeriousHandler(IntentHandler):
    """ "Is it serious?", "should I see a doctor?": from the outcome given, or run the
    checks that can tell."""

    intents = ("IsItSeriousIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        state = conversation(handler_input)
        triage = state.triage
        level = triage.disposition
        if level is None or not triage.reason:
            if state.phase in (Phase.START, Phase.QUESTION):
                return triage_flow.advance(handler_input, c.say("answers.serious.unknown"))
            return answer_then_carry_on(handler_input, c.say("answers.serious.unknown"))
        safety = (
            c.say(f"outcomes.safety_net.{triage.reason}")
            if c.has(f"outcomes.safety_net.{triage.reason}")
            else ""
        )
        text = c.say(f"answers.serious.{level}", triage.subject, safety_net=safety)
        if level == "emergency":
            return reply(handler_input, text, reprompt=c.say("outcomes.emergency.reprompt"))
        return answer_then_carry_on(handler_input, text)


class ThanksHandler(IntentHandler):
    intents = ("ThanksIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return answer_then_carry_on(handler_input, content(handler_input).say("answers.thanks"))
