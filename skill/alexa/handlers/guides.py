"""Guided sessions and advice: start RICE or a stretch, move through the steps, resume,
hydration and posture tips."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import Response

from skill.alexa import guide_flow, slots, triage_flow
from skill.alexa.base import IntentHandler, matched_intent
from skill.alexa.respond import content, join, reply
from skill.alexa.state import CHECK, Phase, conversation
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

    def handle(self, handler_input: HandlerInput) -> Response:
        name = matched_intent(handler_input)
        if name == "AMAZON.NoIntent":
            text = guide_flow.goodbye(handler_input, conversation(handler_input).guide)
            return reply(handler_input, text, end=True)
        return guide_flow.move(handler_input, MOVES[name])


class GuideTalkHandler(IntentHandler):
    """Mid-stretch talk stays in the stretch: how long, how many, which leg."""

    intents = ("HoldTimeIntent", "RepsIntent", "OtherLegIntent")  # slower: talk.PaceHandler
    phases = (Phase.GUIDE,)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        current = conversation(handler_input).guide
        assert current is not None
        text = guide_flow.talk(c, current.id, matched_intent(handler_input))
        prompt = c.say("guide_talk.prompt")
        return reply(handler_input, join(text, prompt), reprompt=prompt)


class StretchHurtsHandler(IntentHandler):
    """ "This hurts", "it's sharp": stop the stretch, say why, and offer the checks."""

    intents = ("StretchHurtsIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        state = conversation(handler_input)
        if state.guide:
            guide_flow.remember(handler_input, None)
        state.guide = None
        state.triage.offer = CHECK
        text = content(handler_input).say("guide_talk.hurts")
        return reply(handler_input, text, reprompt=text)


def blocked(handler_input: HandlerInput) -> Response | None:
    """After an emergency or urgent outcome, self-care is not read: repeat the advice."""
    triage = conversation(handler_input).triage
    level = triage.disposition
    if not level or not level.blocks_self_care or not triage.reason:
        return None
    c = content(handler_input)
    subject = triage.subject
    lead = c.say(f"outcomes.{level}.lead", subject)
    reason = c.say(f"outcomes.reasons.{triage.reason}", subject)
    end = level == "emergency"
    prompt = c.say("outcomes.after")
    speech = join(c.say("outcomes.blocked"), lead, reason, "" if end else prompt)
    return reply(handler_input, speech, reprompt=prompt, end=end)


class GuideStartHandler(IntentHandler):
    intents = ("RiceIntent", "StretchIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        stop = blocked(handler_input)
        if stop:
            return stop
        intent = slots.intent_of(handler_input)
        if get_intent_name(handler_input) == "RiceIntent":
            wanted: GuideId | None = GuideId.rice()
        else:
            wanted = guide_flow.chosen(handler_input, intent)
        triage = conversation(handler_input).triage
        if wanted and triage.described and not triage.disposition:
            # Pain was described: the red-flag checks come before any stretch.
            triage.wanted = wanted
            return triage_flow.advance(
                handler_input, content(handler_input).say("guide_talk.screen_first")
            )
        if wanted:
            return guide_flow.start(handler_input, wanted)
        # One slot missing: ask for it, and Alexa listens for a stretch next.
        text = content(handler_input).say("guides.cues.unknown_stretch")
        handler_input.response_builder.add_directive(slots.elicit(intent, "stretch"))
        return reply(handler_input, text, reprompt=text)


class AdviceHandler(IntentHandler):
    intents = ("HydrationIntent", "PostureIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        stop = blocked(handler_input)
        if stop:
            return stop
        c = content(handler_input)
        if get_intent_name(handler_input) == "PostureIntent":
            conversation(handler_input).triage.offer = GuideId("desk_routine")
            prompt = c.say("guides.advice_offer")
            return reply(
                handler_input, join(c.say("guides.advice.posture"), prompt), reprompt=prompt
            )
        prompt = triage_flow.current_prompt(handler_input)
        text = join(c.say("guides.advice.hydration"), prompt)
        return reply(handler_input, text, reprompt=prompt)


class ResumeHandler(IntentHandler):
    intents = ("AMAZON.ResumeIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        resumed = guide_flow.resume(handler_input)
        if resumed:
            return resumed
        prompt = triage_flow.current_prompt(handler_input)
        text = content(handler_input).say("guides.cues.nothing_to_resume", next=prompt)
        return reply(handler_input, text, reprompt=prompt)


class IdleNavigationHandler(IntentHandler):
    """Next / previous with no guided session running: say where we are."""

    intents = ("AMAZON.NextIntent", "AMAZON.PreviousIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        prompt = triage_flow.current_prompt(handler_input)
        text = content(handler_input).say("unclear.nothing_to_answer", next=prompt)
        return reply(handler_input, text, reprompt=prompt)
