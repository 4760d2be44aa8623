"""Talk about the conversation itself, in any phase: "slow down", "speak up", "what do
you mean by blotchy", "I'm scared", and the questions people ask after a warning ("should
I drive myself", "what do I do while I wait"). Each is answered in a sentence and the
person is taken back to where they were; none counts as a turn not understood."""

from __future__ import annotations

from skill.alexa import guide_flow, prompts, slots
from skill.alexa.respond import first_said, join, said_last
from skill.alexa.state import Phase
from skill.alexa.turn import Reply, Turn
from skill.checkins import records
from skill.triage.levels import Disposition


def back_to_where_they_were(turn: Turn, said: str) -> Reply:
    """Say one thing, then the prompt the person was at (the question, the step...)."""
    prompt = prompts.current(turn)
    return Reply(join(said, prompt), reprompt=prompt)


def warned(turn: Turn) -> bool:
    return turn.state.triage.disposition == Disposition.EMERGENCY


def pace(turn: Turn) -> Reply:
    """ "Slow down", "count slower", "speak up": the last thing again, at that pace from now
    on (SSML prosody, for the rest of the session)."""
    c = turn.content
    state = turn.state
    asked = "slow" if turn.intent_name == "SlowerIntent" else "loud"
    state.pace = tuple(p for p in ("slow", "loud") if p in state.pace or p == asked)
    said = c.say("talk.slower" if asked == "slow" else "talk.louder")
    if state.phase == Phase.GUIDE and state.guide and asked == "slow":
        said = guide_flow.talk(c, state.guide.id, "SlowerIntent")
    speech, question = said_last(turn)  # from content keys, never SSML
    if speech is None or question is None:
        return back_to_where_they_were(turn, said)
    return Reply(join(said, speech), reprompt=question, repeat=True)


def explain(turn: Turn) -> Reply:
    """ "What do you mean by blotchy?": what the word means, in a sentence, and the question
    again. A question about a sign is never the sign."""
    finding = slots.resolved_id(slots.slot(turn.intent, "symptom"))
    said = first_said(turn.content, f"talk.explain.{finding}", "talk.explain.any")
    return back_to_where_they_were(turn, said)


def scared(turn: Turn) -> Reply:
    """ "I'm really scared": one calm sentence, then where they were."""
    key = "talk.scared_after_warning" if warned(turn) else "talk.scared"
    return back_to_where_they_were(turn, turn.content.say(key))


def after_warning(turn: Turn) -> Reply:
    """ "Should I drive myself?", "what do I do while I wait?": after a warning, a sentence or
    two with the number again (clinical.md (c); don't drive yourself [NF]); elsewhere, the
    safety net and the place they were at."""
    c = turn.content
    drive = turn.intent_name == "DriveIntent"
    if warned(turn):
        text = c.say("talk.drive_emergency" if drive else "talk.waiting")
        again = c.say("outcomes.emergency.reprompt")
        return Reply(text, reprompt=again)
    guide = turn.state.guide
    if guide is not None and not drive:
        # "What can I do in the meantime?" inside RICE or a stretch: the home care.
        key = "talk.meantime_rice" if guide.id.stretch is None else "talk.meantime_stretch"
        prompt = c.say("guide_talk.prompt")
        return Reply(join(c.say(key), prompt), reprompt=prompt)
    return back_to_where_they_were(
        turn, c.say("talk.drive_other" if drive else "talk.waiting_other")
    )


def privacy(turn: Turn) -> Reply:
    """ "What do you keep?", "who can see it?": what is kept and for how long, then where the
    person was (at the consent question, the short question again)."""
    c = turn.content
    said = c.say("checkin.what_we_keep", retention=records.retention_days())
    record = turn.state.checkin
    if record is not None and record.step == "consent":
        prompt = c.say("checkin.consent_again")
        return Reply(join(said, prompt), reprompt=prompt)
    return back_to_where_they_were(turn, said)


def no_ice(turn: Turn) -> Reply:
    """ "I don't have an ice pack": what works instead (clinical.md, RICE), then where the
    person was. Never a "no" to the question or step at hand."""
    c = turn.content
    if turn.state.guide is not None:
        prompt = c.say("guide_talk.prompt")
        return Reply(join(c.say("talk.no_ice"), prompt), reprompt=prompt)
    return back_to_where_they_were(turn, c.say("talk.no_ice"))
