"""Everyday questions, answered in two or three sentences without losing the place:
painkillers, heat or ice, "what is ...", how long it takes, is it serious, thank you, and
stretch questions with no stretch running.
The answer depends on where the conversation is (the cause found, the level given);
the words are content's (clinical.md (b))."""

from __future__ import annotations

from skill.alexa import prompts, triage_flow
from skill.alexa.respond import first_said, join
from skill.alexa.state import ConversationState, Phase
from skill.alexa.turn import Reply, Turn
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


def answer_then_carry_on(turn: Turn, answer: str) -> Reply:
    prompt = prompts.current(turn)
    return Reply(join(answer, prompt), reprompt=prompt)


def medicine(turn: Turn) -> Reply:
    c = turn.content
    if cause_of(turn.state) == "seen_first":
        return answer_then_carry_on(turn, c.say("answers.medicine.seen_first"))
    name = turn.slot_id("medicine") or "painkiller"
    text = first_said(c, f"answers.medicine.{name}", "answers.medicine.other")
    return answer_then_carry_on(turn, text)


def heat_ice(turn: Turn) -> Reply:
    c = turn.content
    key = f"answers.heat_ice.{cause_of(turn.state)}"
    return answer_then_carry_on(turn, c.say(key if c.has(key) else "answers.heat_ice.any"))


def what_is(turn: Turn) -> Reply:
    c = turn.content
    condition = turn.slot_id("condition") or "unknown"
    key = f"answers.what_is.{condition}"
    return answer_then_carry_on(turn, c.say(key if c.has(key) else "answers.what_is.unknown"))


STRETCH_QUESTIONS = {"HoldTimeIntent": "hold", "RepsIntent": "reps", "OtherLegIntent": "leg"}


def stretching(turn: Turn) -> Reply:
    """A stretch question asked with no stretch running: the general answer (clinical.md
    (b) stretching), then back to where the person was."""
    key = STRETCH_QUESTIONS.get(turn.intent_name or "", "hold")
    return answer_then_carry_on(turn, turn.content.say(f"answers.stretching.{key}"))


def healing_time(turn: Turn) -> Reply:
    c = turn.content
    key = f"answers.healing.{cause_of(turn.state)}"
    return answer_then_carry_on(turn, c.say(key if c.has(key) else "answers.healing.any"))


def is_it_serious(turn: Turn) -> Reply:
    """ "Is it serious?", "should I see a doctor?": from the outcome given, or run the
    checks that can tell."""
    c = turn.content
    state = turn.state
    triage = state.triage
    level = triage.disposition
    if level is None or not triage.reason:
        if state.phase in (Phase.START, Phase.QUESTION):
            return triage_flow.advance(turn, c.say("answers.serious.unknown"))
        return answer_then_carry_on(turn, c.say("answers.serious.unknown"))
    safety = (
        c.say(f"outcomes.safety_net.{triage.reason}")
        if c.has(f"outcomes.safety_net.{triage.reason}")
        else ""
    )
    text = c.say(f"answers.serious.{level}", triage.subject, safety_net=safety)
    if level == "emergency":
        return Reply(text, reprompt=c.say("outcomes.emergency.reprompt"))
    return answer_then_carry_on(turn, text)


def thanks(turn: Turn) -> Reply:
    return answer_then_carry_on(turn, turn.content.say("answers.thanks"))
