"""The session's frame: opening the skill (the profile read or created in one call, a
caregiver's waiting alerts first, the most serious; more are offered; then the welcome or
a guide to resume), "wait", "repeat", "start over", "stop", its end (a guide's place
kept), and any other request (no speech)."""

from __future__ import annotations

import logging

from skill.alexa import alert_flow, guide_flow, prompts
from skill.alexa.respond import join, said_last
from skill.alexa.state import Phase
from skill.alexa.turn import NOTHING, Reply, Turn

logger = logging.getLogger(__name__)


def launch(turn: Turn) -> Reply:
    # One call: the profile read, or created for a new account (not written again).
    visits = 1 if turn.open_profile() else 2
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
        visits = 2 if turn.profile_item() else 1
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


def wait(turn: Turn) -> Reply:
    """ "Wait", "hang on", "one moment", "pause": the session stays open in every phase;
    only stop, cancel and "that's all" end it."""
    c = turn.content
    if turn.state.phase == Phase.GUIDE:
        return Reply(c.say("wait.guide"), reprompt=c.say("guides.cues.prompt"))
    prompt = prompts.current(turn)
    return Reply(c.say("wait.question", prompt=prompt), reprompt=prompt)


def repeat(turn: Turn) -> Reply:
    """The last reply again, said from content keys (skill.alexa.repeat), never from
    stored SSML; never the whole reply a third time."""
    state = turn.state
    last = state.last
    speech, question = said_last(turn)
    if last and question:
        if speech is None or (state.repeats >= 1 and last.asked != last.said):
            # Heard twice already (or the reply was not kept): the question (or the
            # number) on its own, rather than the whole reply a third time.
            return Reply(question, reprompt=question, repeat=True)
        if state.repeats >= 1:  # the same question a third time: say that it is
            speech = join(turn.content.say("talk.once_more"), speech)
        return Reply(speech, reprompt=question, repeat=True)
    prompt = prompts.current(turn)
    text = turn.content.say("unclear.nothing_to_repeat", next=prompt)
    return Reply(text, reprompt=prompt)


def start_over(turn: Turn) -> Reply:
    """ "Start over" or "go home": everything said so far is dropped."""
    c = turn.content
    turn.state.start_over()
    again = c.say("launch.reprompt")
    if turn.intent_name == "AMAZON.NavigateHomeIntent":
        return Reply(c.say("home"), reprompt=again)
    return Reply(join(c.say("start_over"), again), reprompt=again)


def stop(turn: Turn) -> Reply:
    """Stop or cancel: goodbye (inside a guide, its place kept)."""
    current = turn.state.guide
    if current:
        return Reply(guide_flow.goodbye(turn, current), end=True)
    return Reply(turn.content.say("goodbye"), end=True)


def unhandled(turn: Turn) -> Reply:
    """Anything else (System.ExceptionEncountered, APL events, ...): log, no speech."""
    logger.warning("unhandled request type %.60s", turn.request_type)
    return NOTHING
