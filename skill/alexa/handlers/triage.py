"""Triage: statements about the pain (at any point), corrections, answers to the
questions, the offers after an outcome, side facts (pain score, duration), "why?",
"tell me more", and a request for help."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa import alert_flow, checkin_flow, guide_flow, prompts, repair, slots, triage_flow
from skill.alexa.base import ANSWERS, IntentHandler
from skill.alexa.respond import join
from skill.alexa.state import CHECK, WHY, Phase
from skill.alexa.turn import Reply, Turn
from skill.content.guide_id import GuideId
from skill.triage.engine import raises_level
from skill.triage.levels import Disposition

logger = logging.getLogger(__name__)
STATEMENTS = ("DescribePainIntent", "RedFlagIntent", "DenySymptomIntent")


class EmergencyHelpHandler(IntentHandler):
    """ "Call an ambulance", "I've fallen and can't get up": at once, in any phase, the
    number to call, because the skill cannot call for anyone."""

    intents = ("EmergencyHelpIntent",)

    def answer(self, turn: Turn) -> Reply:
        c = turn.content
        state = turn.state
        subject = turn.slot_id("subject") or state.triage.subject
        state.interrupt()
        if state.triage.disposition != Disposition.EMERGENCY:
            profile = checkin_flow.profile_for(turn, subject)
            alert_flow.note(turn, Disposition.EMERGENCY, profile, "triage")
            # After a warning the reason stays: "why?" still says what it was about.
            state.triage.reason = "asked_for_help"
        state.triage.disposition = Disposition.EMERGENCY
        state.triage.pending = None
        card = (c.say("help_request.card_title"), c.say("help_request.card"))
        again = c.say("outcomes.emergency.reprompt")  # open a while: "what's the number?"
        return Reply(c.say("help_request.speech"), reprompt=again, card=card)


class StatementHandler(IntentHandler):
    """Describing the pain, stating or denying a symptom, at any point."""

    intents = STATEMENTS

    def answer(self, turn: Turn) -> Reply:
        c = turn.content
        intent = turn.intent
        state = turn.state
        phase = state.phase
        stated = triage_flow.stated_in(intent)
        if phase == Phase.CHECKIN:
            # A warning sign is asked about inside the check-in; "it's really bad" at the
            # pain question is not one: ask for the number.
            inside = checkin_flow.heard(turn, stated)
            if inside is not None:
                return inside
            if not any(raises_level(f) for f in stated):
                return checkin_flow.ask_again(turn)
        if phase == Phase.GUIDE and not stated and not triage_flow.denied_in(intent):
            # "Do I keep my heel on the floor?" heard as a statement naming only a place or
            # a cause: a question about the step, not a reason to stop the stretch.
            return guide_flow.step_again(turn)
        prefix = c.say("guide_talk.stopped") if phase == Phase.GUIDE else ""
        checked_in_for = state.checkin.profile if state.checkin else None
        state.interrupt()  # symptoms come before stretching, check-ins or confirmations
        if checked_in_for is not None:
            # A warning sign said during a check-in is about the person checked in for,
            # and the outcome it leads to is that check-in's (for caregiver alerts).
            alert_flow.from_checkin(turn)
            carried = checkin_flow.subject_of(checked_in_for)
            if carried:
                state.triage.facts.setdefault("subject", carried)
        state.triage.lowering = []
        if not stated and not triage_flow.denied_in(intent):
            heard = [
                s
                for s in ("location", "trigger", "symptom")
                if slots.was_heard_but_unresolved(slots.slot(intent, s))
            ]
            if heard:
                logger.warning("unresolved slot values in %s", ",".join(heard))
        return triage_flow.statement(turn, intent, prefix)


class NothingAnswerHandler(IntentHandler):
    """ "Nothing really" or "nothing in particular" to a yes/no question is a no. Alexa
    hears a statement naming no cause; taking it as one would only repeat the question."""

    intents = STATEMENTS
    phases = (Phase.QUESTION,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return super().can_handle(handler_input) and triage_flow.says_nothing_to_yes_no(
            Turn.of(handler_input)
        )

    def answer(self, turn: Turn) -> Reply:
        return triage_flow.answer_pending(turn, "no")


class CorrectionHandler(IntentHandler):
    intents = ("CorrectionIntent",)

    def answer(self, turn: Turn) -> Reply:
        state = turn.state
        state.guide, state.checkin = None, None
        return triage_flow.correct(turn, turn.intent)


class ConfirmLoweringHandler(IntentHandler):
    """Yes / no to "just to check: no swelling, after all?"."""

    intents = tuple(ANSWERS)
    phases = (Phase.CORRECT,)

    def answer(self, turn: Turn) -> Reply:
        confirmed = turn.intent_name == "AMAZON.YesIntent"
        return triage_flow.settle_lowering(turn, confirmed)


class AnswerHandler(IntentHandler):
    """Yes / no / I don't know to a triage question."""

    intents = tuple(ANSWERS)
    phases = (Phase.QUESTION,)

    def answer(self, turn: Turn) -> Reply:
        return triage_flow.answer_pending(turn, ANSWERS[(turn.intent_name or "")])


class OfferHandler(IntentHandler):
    """Yes / no to what the skill offered after an outcome."""

    intents = tuple(ANSWERS)
    phases = (Phase.OUTCOME,)

    def answer(self, turn: Turn) -> Reply:
        c = turn.content
        offer = turn.state.triage.offer
        if turn.intent_name != "AMAZON.YesIntent" or not offer:
            key = "guide_talk.check_declined" if offer == CHECK else "outcomes.declined"
            return Reply(c.say(key), end=True)
        if isinstance(offer, GuideId):
            return guide_flow.start(turn, offer)
        if offer == WHY:
            return triage_flow.why(turn)
        turn.state.triage.offer = None  # CHECK: run the red-flag checks
        return triage_flow.advance(turn)


class StartAnswerHandler(IntentHandler):
    """Yes / no / don't know before anything was asked: begin the questions, or leave."""

    intents = tuple(ANSWERS)
    phases = (Phase.START,)

    def answer(self, turn: Turn) -> Reply:
        lost = turn.state.triage.facts.get("opening") == "unheard"
        if turn.intent_name == "AMAZON.NoIntent" and not lost:
            return Reply(turn.content.say("goodbye"), end=True)
        # After a lost opening ("if it's an emergency, call 911; otherwise tell me..."),
        # a no is "not an emergency": someone came to talk about pain, so the checks.
        return triage_flow.advance(turn)


class PainScaleHandler(IntentHandler):
    intents = ("PainScaleIntent",)

    def answer(self, turn: Turn) -> Reply:
        c = turn.content
        score = slots.number(slots.slot(turn.intent, "score"))
        if score is None or not 0 <= score <= 10:
            text = c.say("unclear.pain_scale")
            return Reply(text, reprompt=text)
        turn.state.triage.facts["pain_score"] = score
        return carry_on(turn, c.say("unclear.pain_noted", score=score))


class DurationHandler(IntentHandler):
    intents = ("DurationIntent",)

    def answer(self, turn: Turn) -> Reply:
        c = turn.content
        intent = turn.intent
        if not triage_flow.record_duration(turn, intent):
            state = turn.state
            opening = state.phase == Phase.START and not state.triage.described
            if opening or (state.misses and state.missed_at == state.prompt_key):
                # An opening, or not the first turn here without a length: a turn not
                # understood, and the ladder moves on (a client that matches any sentence
                # to the bare {duration} sample sends it whole as the value); never a loop.
                return repair.not_understood(turn)
            # "A long time": ask once for a length the rules can use. It counts as a miss
            # at this prompt, so a second one moves on.
            state.missed()
            text = c.say("unclear.duration")
            return Reply(text, reprompt=text)
        return carry_on(turn, c.say("unclear.duration_noted"))


def carry_on(turn: Turn, prefix: str) -> Reply:
    """After a side fact (pain score, duration): carry on where the person was."""
    if turn.state.phase in (Phase.QUESTION, Phase.START, Phase.OUTCOME):
        return triage_flow.advance(turn, prefix)
    prompt = prompts.current(turn)
    return Reply(join(prefix, prompt), reprompt=prompt)


class WhyHandler(IntentHandler):
    intents = ("WhyIntent",)

    def answer(self, turn: Turn) -> Reply:
        return triage_flow.why(turn)


class DetailsHandler(IntentHandler):
    """ "Tell me more", "what should I do?": the fuller advice on request."""

    intents = ("DetailsIntent",)

    def answer(self, turn: Turn) -> Reply:
        return triage_flow.details(turn)
