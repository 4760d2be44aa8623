"""Things said on the side, at any point: a pain score, how long it has hurt, asking for
RICE, a stretch or advice. Each carries on where the person was, except that after an
emergency or urgent outcome self-care is not read out (`blocked`)."""

from __future__ import annotations

from skill.alexa import guide_flow, prompts, repair, slots, triage_flow
from skill.alexa.respond import join
from skill.alexa.state import Phase
from skill.alexa.turn import Reply, Turn
from skill.content.guide_id import GuideId


def carry_on(turn: Turn, prefix: str) -> Reply:
    """After a side fact (pain score, duration): carry on where the person was."""
    if turn.state.phase in (Phase.QUESTION, Phase.START, Phase.OUTCOME):
        return triage_flow.advance(turn, prefix)
    prompt = prompts.current(turn)
    return Reply(join(prefix, prompt), reprompt=prompt)


def pain_score(turn: Turn) -> Reply:
    c = turn.content
    score = slots.number(slots.slot(turn.intent, "score"))
    if score is None or not 0 <= score <= 10:
        text = c.say("unclear.pain_scale")
        return Reply(text, reprompt=text)
    turn.state.triage.facts["pain_score"] = score
    return carry_on(turn, c.say("unclear.pain_noted", score=score))


def duration(turn: Turn) -> Reply:
    c = turn.content
    if not triage_flow.record_duration(turn, turn.intent):
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


def blocked(turn: Turn) -> Reply | None:
    """After an emergency or urgent outcome, self-care is not read: repeat the advice."""
    triage = turn.state.triage
    level = triage.disposition
    if not level or not level.blocks_self_care or not triage.reason:
        return None
    c = turn.content
    subject = triage.subject
    lead = c.say(f"outcomes.{level}.lead", subject)
    reason = c.say(f"outcomes.reasons.{triage.reason}", subject)
    end = level == "emergency"
    prompt = c.say("outcomes.after")
    speech = join(c.say("outcomes.blocked"), lead, reason, "" if end else prompt)
    return Reply(speech, reprompt=prompt, end=end)


def guide_start(turn: Turn) -> Reply:
    """ "Start RICE", "the calf stretch": the guide, after the red-flag checks if pain was
    described; a stretch not named is asked for."""
    stop = blocked(turn)
    if stop:
        return stop
    intent = turn.intent
    if turn.intent_name == "RiceIntent":
        wanted: GuideId | None = GuideId.rice()
    else:
        wanted = guide_flow.chosen(turn, intent)
    triage = turn.state.triage
    if wanted and triage.described and not triage.disposition:
        # Pain was described: the red-flag checks come before any stretch.
        triage.wanted = wanted
        return triage_flow.advance(turn, turn.content.say("guide_talk.screen_first"))
    if wanted:
        return guide_flow.start(turn, wanted)
    # One slot missing: ask for it, and Alexa listens for a stretch next.
    text = turn.content.say("guides.cues.unknown_stretch")
    return Reply(text, reprompt=text, directives=(slots.elicit(intent, "stretch"),))


def advice(turn: Turn) -> Reply:
    """Hydration or posture tips (posture offers the desk routine)."""
    stop = blocked(turn)
    if stop:
        return stop
    c = turn.content
    if turn.intent_name == "PostureIntent":
        turn.state.triage.offer = GuideId("desk_routine")
        prompt = c.say("guides.advice_offer")
        return Reply(join(c.say("guides.advice.posture"), prompt), reprompt=prompt)
    prompt = prompts.current(turn)
    text = join(c.say("guides.advice.hydration"), prompt)
    return Reply(text, reprompt=prompt)
