"""Guided sessions and advice: start RICE or a stretch, move through the steps, resume,
hydration and posture tips."""

from __future__ import annotations

from skill.alexa import guide_flow, prompts, slots, triage_flow
from skill.alexa.base import IntentHandler
from skill.alexa.respond import join
from skill.alexa.state import CHECK, Phase
from skill.alexa.turn import Reply, Turn
from skill.content.guide_id import GuideId

# Inside a guide: how far each intent moves (None = back to the first step).
MOVES: dict[str, int | None] = {
    "AMAZON.NextIntent": 1,
    "AMAZON.YesIntent": 1,
    "AMAZON.PreviousIntent": -1,
    "AMAZON.RepeatIntent": 0,
    "AMAZON.ResumeIntent": 0,
    "AMAZON.StartOverIntent": None,
}


class GuideHandler(IntentHandler):
    """Next / previous / repeat / start over / yes / no inside a guided session."""

    intents = (*MOVES, "AMAZON.NoIntent")
    phases = (Phase.GUIDE,)

    def answer(self, turn: Turn) -> Reply:
        name = turn.intent_name or ""
        if name == "AMAZON.NoIntent":
            text = guide_flow.goodbye(turn, turn.state.guide)
            return Reply(text, end=True)
        return guide_flow.move(turn, MOVES[name])


class GuideTalkHandler(IntentHandler):
    """Mid-stretch talk stays in the stretch: how long, how many, which leg."""

    intents = ("HoldTimeIntent", "RepsIntent", "OtherLegIntent")  # slower: talk.PaceHandler
    phases = (Phase.GUIDE,)

    def answer(self, turn: Turn) -> Reply:
        c = turn.content
        current = turn.state.guide
        assert current is not None
        text = guide_flow.talk(c, current.id, (turn.intent_name or ""))
        prompt = c.say("guide_talk.prompt")
        return Reply(join(text, prompt), reprompt=prompt)


class StretchHurtsHandler(IntentHandler):
    """ "This hurts", "it's sharp": stop the stretch, say why, and offer the checks."""

    intents = ("StretchHurtsIntent",)

    def answer(self, turn: Turn) -> Reply:
        state = turn.state
        if state.guide:
            guide_flow.remember(turn, None)
        state.guide = None
        state.triage.offer = CHECK
        text = turn.content.say("guide_talk.hurts")
        return Reply(text, reprompt=text)


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


class GuideStartHandler(IntentHandler):
    intents = ("RiceIntent", "StretchIntent")

    def answer(self, turn: Turn) -> Reply:
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


class AdviceHandler(IntentHandler):
    intents = ("HydrationIntent", "PostureIntent")

    def answer(self, turn: Turn) -> Reply:
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


class ResumeHandler(IntentHandler):
    intents = ("AMAZON.ResumeIntent",)

    def answer(self, turn: Turn) -> Reply:
        resumed = guide_flow.resume(turn)
        if resumed:
            return resumed
        prompt = prompts.current(turn)
        text = turn.content.say("guides.cues.nothing_to_resume", next=prompt)
        return Reply(text, reprompt=prompt)


class IdleNavigationHandler(IntentHandler):
    """Next / previous with no guided session running: say where we are."""

    intents = ("AMAZON.NextIntent", "AMAZON.PreviousIntent")

    def answer(self, turn: Turn) -> Reply:
        prompt = prompts.current(turn)
        text = turn.content.say("unclear.nothing_to_answer", next=prompt)
        return Reply(text, reprompt=prompt)
