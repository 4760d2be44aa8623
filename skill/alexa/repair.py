"""A turn not understood, wherever the person is: say so and ask again with a hint, move
on along the ladder, or leave kindly; never a loop. Used for AMAZON.FallbackIntent, intents
this skill does not know, and an intent whose slot is no use (a duration that is no length,
as a client that matches anything to a bare {duration} sample sends)."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa import checkin_flow, guide_flow, triage_flow
from skill.alexa.respond import content, join, reply
from skill.alexa.state import Phase, conversation
from skill.speech.render import answer_hint
from skill.store import Store


def phase_reply(handler_input: HandlerInput, table: str) -> Response:
    """Help or "didn't catch that" for where the person is, ending with what they are
    being asked right now (and how to answer it)."""
    c = content(handler_input)
    state = conversation(handler_input)
    prompt = triage_flow.current_prompt(handler_input)
    question = triage_flow.current_question(handler_input)
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
    return reply(handler_input, text, reprompt=prompt)


def not_understood(handler_input: HandlerInput, store: Store) -> Response:
    """Repair, never a loop: the first miss at a prompt says so and asks again with a hint;
    the second moves on. An opening that was not understood goes straight to the checks."""
    c = content(handler_input)
    state = conversation(handler_input)
    phase = state.phase
    if phase == Phase.START:
        # The first thing said was lost. Say so and give the choices (with the safety
        # net) rather than fire a red-flag question at someone who asked for a check-in;
        # a second miss, or a yes, starts the checks, which then ask what an opening
        # would have named.
        triage_flow.missed_opening(handler_input)
        if state.missed() < 2:
            options = c.say("repair.opening_options")
            return reply(handler_input, join(c.say("repair.opening"), options), reprompt=options)
        return triage_flow.advance(handler_input, c.say("repair.opening"))
    if phase == Phase.QUESTION:
        question = triage_flow.pending_question(state)
        if question:
            return triage_flow.ask_again(handler_input, question)
    if phase == Phase.CHECKIN:
        return checkin_flow.ask_again(handler_input, store)
    if state.missed() < 2:
        return phase_reply(handler_input, "fallback")
    if phase == Phase.CORRECT:
        return triage_flow.settle_lowering(handler_input, confirmed=False)
    if phase == Phase.GUIDE:
        guide_flow.remember(handler_input, state.guide)
        return reply(handler_input, c.say("repair.guide_leave"), end=True)
    return reply(handler_input, c.say("repair.leave"), end=True)
