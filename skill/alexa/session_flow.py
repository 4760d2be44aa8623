"""The session's frame: opening the skill (the profile read or created in one call, a
caregiver's waiting alerts first, the most serious; more are offered; then the welcome or
a guide to resume), and its end (a guide's place kept)."""

from __future__ import annotations

import logging

from skill.alexa import alert_flow, guide_flow, persistence
from skill.alexa.respond import join
from skill.alexa.turn import NOTHING, Reply, Turn

logger = logging.getLogger(__name__)


def launch(turn: Turn) -> Reply:
    # One call: the profile read, or created for a new account (not written again).
    visits = 1 if persistence.open_profile(turn.handler_input, turn.store) else 2
    # A caregiver hears what happened first (the most serious alerts waiting for
    # them); if more wait, they are offered, and the welcome comes after.
    return after_alerts(turn, alert_flow.announce(turn), visits)


def after_alerts(turn: Turn, heard: alert_flow.Heard, visits: int | None = None) -> Reply:
    """The alerts just read, then the offer of the rest or the welcome."""
    if heard.more:
        turn.state.confirm = "more_alerts"
        offer = alert_flow.more(turn, heard.more)
        prompt = alert_flow.more_prompt(turn, heard.more)
        return Reply(join(heard.text, offer), reprompt=prompt)
    speech, reprompt = welcome(turn, visits)
    return Reply(join(heard.text, speech), reprompt=reprompt)


def welcome(turn: Turn, visits: int | None = None) -> tuple[str, str]:
    """The launch's own words (a guide to resume, or the welcome) and its reprompt."""
    c = turn.content
    saved = guide_flow.resumable(turn)
    if saved:
        speech = c.say("launch.resume", guide=guide_flow.label(turn, saved.id))
        return speech, c.say("launch.reprompt")
    if visits is None:  # later in a session: an account with a profile has been here before
        visits = 2 if persistence.load(turn.handler_input) else 1
    key = "launch.first" if visits <= 1 else "launch.returning"
    return c.say(key), c.say("launch.reprompt")


def ended(turn: Turn) -> Reply:
    """SessionEndedRequest: a guide's place is kept to resume; no speech."""
    request = turn.request
    if getattr(getattr(request, "reason", None), "value", None) == "ERROR":
        error = getattr(getattr(request, "error", None), "object_type", None)
        logger.warning("session ended with error %s", getattr(error, "value", error))
    current = turn.state.guide
    if current:
        guide_flow.remember(turn, current)
    return NOTHING
