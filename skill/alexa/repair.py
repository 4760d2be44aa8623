"""A turn not understood, wherever the person is: say so and ask again with a hint, move
on along the ladder, or leave kindly; never a loop. Used for AMAZON.FallbackIntent, intents
this skill does not know, and an intent whose slot is no use (a duration that is no length,
as a client that matches anything to a bare {duration} sample sends)."""

from __future__ import annotations

import logging

from skill.alexa import checkin_flow, guide_flow, prompts, triage_flow
from skill.alexa.respond import join
from skill.alexa.state import Phase
from skill.alexa.turn import Reply, Turn
from skill.speech.render import answer_hint

logger = logging.getLogger(__name__)


def phase_reply(turn: Turn, table: str) -> Reply:
    """Help or "didn't catch that" for where the person is, ending with what they are
    being asked right now (and how to answer it)."""
    c = turn.content
    state = turn.state
    prompt = prompts.current(turn)
    question = triage_flow.current_question(turn)
    hint = answer_hint(c, question) if question else ""
    # Three questions share the confirm phase: deleting data, alerting caregivers, and
    # hearing the rest of a caregiver's alerts.
    which = {"alerts": "confirm_alerts", "more_alerts": "confirm_more_alerts"}.get(
        state.confirm or "", str(state.phase)
    )
    text = c.say(
        f"{table}.{which}",
        state.triage.subject,
        hint=hint,
        question=prompt,
        offer=prompt,
        prompt=prompt,
    )
    return Reply(text, reprompt=prompt)


def not_understood(turn: Turn) -> Reply:
    """Repair, never a loop: the first miss at a prompt says so and asks again with a hint;
    the second moves on. An opening that was not understood goes straight to the checks."""
    c = turn.content
    state = turn.state
    phase = state.phase
    if phase == Phase.START:
        # The first thing said was lost. Say so and give the choices (with the safety
        # net) rather than fire a red-flag question at someone who asked for a check-in;
        # a second miss, or a yes, starts the checks, which then ask what an opening
        # would have named.
        triage_flow.missed_opening(turn)
        if state.missed() < 2:
            options = c.say("repair.opening_options")
            return Reply(join(c.say("repair.opening"), options), reprompt=options)
        return triage_flow.advance(turn, c.say("repair.opening"))
    if phase == Phase.QUESTION:
        question = prompts.pending_question(state)
        if question:
            return triage_flow.ask_again(turn, question)
    if phase == Phase.CHECKIN:
        return checkin_flow.ask_again(turn)
    if state.missed() < 2:
        return phase_reply(turn, "fallback")
    if phase == Phase.CORRECT:
        return triage_flow.settle_lowering(turn, confirmed=False)
    if phase == Phase.GUIDE:
        guide_flow.remember(turn, state.guide)
        return Reply(c.say("repair.guide_leave"), end=True)
    return Reply(c.say("repair.leave"), end=True)


def fallback(turn: Turn) -> Reply:
    """AMAZON.FallbackIntent, and any intent this skill does not know (logged)."""
    name = turn.intent_name
    if name != "AMAZON.FallbackIntent":
        logger.warning("unknown intent %.60s", name)
    return not_understood(turn)
