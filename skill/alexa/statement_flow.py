"""What is said about the pain, whatever the phase, and the yes / no answers of triage:
a call for help, a statement (inside a check-in or a stretch too), a correction, and the
answers to a question, to a correction's check, to an offer after an outcome, and before
anything was asked. Sequences triage_flow with the check-in, the guide and the alerts;
the rules are the engine's, the words content's."""

from __future__ import annotations

import logging

from skill.alexa import alert_flow, checkin_flow, guide_flow, slots, triage_flow
from skill.alexa.base import ANSWERS
from skill.alexa.state import CHECK, WHY, Phase
from skill.alexa.turn import Reply, Turn
from skill.content.guide_id import GuideId
from skill.triage.engine import raises_level
from skill.triage.levels import Disposition

logger = logging.getLogger(__name__)


def help_requested(turn: Turn) -> Reply:
    """ "Call an ambulance", "I've fallen and can't get up": at once, in any phase, the
    number to call, because the skill cannot call for anyone."""
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


def statement(turn: Turn) -> Reply:
    """Describing the pain, stating or denying a symptom, at any point."""
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


def correction(turn: Turn) -> Reply:
    """ "I meant no", "actually it's not swollen": a stretch or check-in stops."""
    state = turn.state
    state.guide, state.checkin = None, None
    return triage_flow.correct(turn, turn.intent)


def lowering_answer(turn: Turn) -> Reply:
    """Yes / no to "just to check: no swelling, after all?"."""
    return triage_flow.settle_lowering(turn, turn.intent_name == "AMAZON.YesIntent")


def question_answer(turn: Turn) -> Reply:
    """Yes / no / I don't know to a triage question."""
    return triage_flow.answer_pending(turn, ANSWERS[(turn.intent_name or "")])


def offer_answer(turn: Turn) -> Reply:
    """Yes / no to what the skill offered after an outcome."""
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


def start_answer(turn: Turn) -> Reply:
    """Yes / no / don't know before anything was asked: begin the questions, or leave."""
    lost = turn.state.triage.facts.get("opening") == "unheard"
    if turn.intent_name == "AMAZON.NoIntent" and not lost:
        return Reply(turn.content.say("goodbye"), end=True)
    # After a lost opening ("if it's an emergency, call 911; otherwise tell me..."),
    # a no is "not an emergency": someone came to talk about pain, so the checks.
    return triage_flow.advance(turn)
