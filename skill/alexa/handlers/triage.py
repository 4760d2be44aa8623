"""Triage: statements about the pain (at any point), answers to the questions, the
offers after an outcome, side facts (pain score, duration) and "why?"."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import Response

from skill.alexa import guide_flow, slots, triage_flow
from skill.alexa.base import ANSWERS, IntentHandler
from skill.alexa.handlers.session import phase_reply
from skill.alexa.respond import content, join, reply
from skill.alexa.state import WHY, Phase, conversation
from skill.speech.render import answer_hint

logger = logging.getLogger(__name__)


class StatementHandler(IntentHandler):
    """Describing the pain or stating a red flag, at any point of the conversation."""

    intents = ("DescribePainIntent", "RedFlagIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        intent = handler_input.request_envelope.request.intent
        state = conversation(handler_input)
        state.interrupt()  # symptoms come before stretching, check-ins or confirmations
        before = triage_flow.current_question(handler_input)
        learned, caregiver = triage_flow.take_statement(handler_input, intent)
        prefix = c.say("caregiver_ack", state.triage.subject) if caregiver else ""
        if not learned:
            heard = [
                s
                for s in ("location", "trigger", "symptom")
                if slots.was_heard_but_unresolved(slots.slot(intent, s))
            ]
            if heard:
                logger.warning("unresolved slot values in %s", ",".join(heard))
            if before is not None:
                hint = c.say("unclear.slot", hint=answer_hint(c, before), question="")
                return triage_flow.ask(handler_input, before, hint)
        return triage_flow.advance(handler_input, prefix)


class AnswerHandler(IntentHandler):
    """Yes / no / I don't know to a triage question."""

    intents = tuple(ANSWERS)
    phases = (Phase.QUESTION,)

    def handle(self, handler_input: HandlerInput) -> Response:
        return triage_flow.answer_pending(handler_input, ANSWERS[get_intent_name(handler_input)])


class OfferHandler(IntentHandler):
    """Yes / no to what the skill offered after an outcome."""

    intents = tuple(ANSWERS)
    phases = (Phase.OUTCOME,)

    def handle(self, handler_input: HandlerInput) -> Response:
        offer = conversation(handler_input).triage.offer
        if get_intent_name(handler_input) != "AMAZON.YesIntent" or not offer:
            return reply(handler_input, content(handler_input).say("outcomes.declined"), end=True)
        if offer == WHY:
            return triage_flow.why(handler_input)
        return guide_flow.start(handler_input, offer)


class StartAnswerHandler(IntentHandler):
    """Yes / no / don't know before anything was asked: begin the questions, or leave."""

    intents = tuple(ANSWERS)
    phases = (Phase.START,)

    def handle(self, handler_input: HandlerInput) -> Response:
        if get_intent_name(handler_input) == "AMAZON.NoIntent":
            return reply(handler_input, content(handler_input).say("goodbye"), end=True)
        return triage_flow.advance(handler_input)


class PainScaleHandler(IntentHandler):
    intents = ("PainScaleIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        score = slots.number(slots.slot(handler_input.request_envelope.request.intent, "score"))
        if score is None or not 0 <= score <= 10:
            text = c.say("unclear.pain_scale")
            return reply(handler_input, text, reprompt=text)
        conversation(handler_input).triage.facts["pain_score"] = score
        return carry_on(handler_input, c.say("unclear.pain_noted", score=score))


class DurationHandler(IntentHandler):
    intents = ("DurationIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        intent = handler_input.request_envelope.request.intent
        days = slots.duration_days(slots.slot(intent, "duration"))
        if days is None:
            return phase_reply(handler_input, "fallback")
        conversation(handler_input).triage.facts["duration_days"] = days
        return carry_on(handler_input, c.say("unclear.duration_noted"))


def carry_on(handler_input: HandlerInput, prefix: str) -> Response:
    """After a side fact (pain score, duration): carry on where the person was."""
    if conversation(handler_input).phase in (Phase.QUESTION, Phase.START):
        return triage_flow.advance(handler_input, prefix)
    prompt = triage_flow.current_prompt(handler_input)
    return reply(handler_input, join(prefix, prompt), reprompt=prompt)


class WhyHandler(IntentHandler):
    intents = ("WhyIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return triage_flow.why(handler_input)
