"""Request handlers: small classes with can_handle / handle, registered in order.

They stay thin: read the request, call flow (triage engine, guides) and reply. Phase
checks route loose answers ("yeah", "not really", "no idea") to what was just asked.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type, is_request_type
from ask_sdk_model import Response

from skill.alexa import flow, persistence, slots, state
from skill.alexa.respond import content, empty, join, reply

logger = logging.getLogger(__name__)

BLOCKING = ("emergency", "urgent")  # after these, no self-care is read (clinical.md (a))


class IntentHandler(AbstractRequestHandler):  # type: ignore[misc]
    """Handles the named intents, optionally only in some phases of the conversation."""

    intents: tuple[str, ...] = ()
    phases: tuple[str, ...] | None = None

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        if get_intent_name(handler_input) not in self.intents:
            return False
        return self.phases is None or state.phase(handler_input) in self.phases


class LaunchHandler(AbstractRequestHandler):  # type: ignore[misc]
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        attrs = persistence.load(handler_input)
        visits = int(attrs.get("visits", 0)) + 1
        attrs["visits"] = visits
        persistence.save(handler_input)
        saved = flow.resumable_guide(handler_input)
        if saved:
            speech = c.say("launch.resume", guide=flow.guide_label(handler_input, saved["id"]))
            return reply(handler_input, speech, reprompt=c.say("launch.reprompt"))
        key = "launch.first" if visits == 1 else "launch.returning"
        return reply(handler_input, c.say(key), reprompt=c.say("launch.reprompt"))


class StatementHandler(IntentHandler):
    """Describing the pain or stating a red flag, at any point of the conversation."""

    intents = ("DescribePainIntent", "RedFlagIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        intent = handler_input.request_envelope.request.intent
        # Symptoms come before stretching, check-ins or confirmations: drop those.
        for interrupted in ("guide", "checkin", "confirm"):
            state.session(handler_input).pop(interrupted, None)
        before = flow.current_question(handler_input)
        learned, caregiver = flow.take_statement(handler_input, intent)
        subject = state.facts(handler_input).get("subject")
        prefix = c.say("caregiver_ack", subject) if caregiver else ""
        if not learned:
            heard = [
                s
                for s in ("location", "trigger", "symptom")
                if slots.was_heard_but_unresolved(slots.slot(intent, s))
            ]
            if heard:
                logger.warning("unresolved slot values in %s", ",".join(heard))
            if before is not None:
                return flow.ask(
                    handler_input,
                    before,
                    c.say("unclear.slot", hint=flow.answer_hint(c, before), question=""),
                )
        return flow.advance(handler_input, prefix)


class GuideHandler(IntentHandler):
    """Next / previous / repeat / start over / yes / pause inside a guided session."""

    intents = (
        "AMAZON.NextIntent",
        "AMAZON.PreviousIntent",
        "AMAZON.RepeatIntent",
        "AMAZON.StartOverIntent",
        "AMAZON.YesIntent",
        "AMAZON.ResumeIntent",
        "AMAZON.PauseIntent",
        "AMAZON.NoIntent",
    )
    phases = ("guide",)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = get_intent_name(handler_input)
        c = content(handler_input)
        if name == "AMAZON.PauseIntent":
            flow.remember_guide(handler_input, state.guide(handler_input))
            return reply(handler_input, c.guides["cues"]["paused"], end=True)
        if name == "AMAZON.NoIntent":
            flow.remember_guide(handler_input, state.guide(handler_input))
            return reply(handler_input, c.say("goodbye_guide"), end=True)
        delta = {
            "AMAZON.NextIntent": 1,
            "AMAZON.YesIntent": 1,
            "AMAZON.PreviousIntent": -1,
            "AMAZON.StartOverIntent": None,
        }.get(name, 0)
        return flow.move(handler_input, delta)


class AnswerHandler(IntentHandler):
    """Yes / no / I don't know to a triage question."""

    intents = ("AMAZON.YesIntent", "AMAZON.NoIntent", "DontKnowIntent")
    phases = ("question",)

    def handle(self, handler_input: HandlerInput) -> Response:
        value = {"AMAZON.YesIntent": "yes", "AMAZON.NoIntent": "no"}.get(
            get_intent_name(handler_input), "unknown"
        )
        return flow.answer_pending(handler_input, value)


class OfferHandler(IntentHandler):
    """Yes / no to what the skill offered after an outcome."""

    intents = ("AMAZON.YesIntent", "AMAZON.NoIntent", "DontKnowIntent")
    phases = ("outcome",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        offer = state.offer(handler_input)
        if get_intent_name(handler_input) != "AMAZON.YesIntent" or not offer:
            return reply(handler_input, c.say("outcomes.declined"), end=True)
        if offer == "why":
            return flow.why(handler_input)
        return flow.start_guide(handler_input, offer)


class StartAnswerHandler(IntentHandler):
    """Yes / no / don't know before anything was asked: begin the questions, or leave."""

    intents = ("AMAZON.YesIntent", "AMAZON.NoIntent", "DontKnowIntent")
    phases = ("start",)

    def handle(self, handler_input: HandlerInput) -> Response:
        if get_intent_name(handler_input) == "AMAZON.NoIntent":
            return reply(handler_input, content(handler_input).say("goodbye"), end=True)
        return flow.advance(handler_input)


class PainScaleHandler(IntentHandler):
    intents = ("PainScaleIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        score = slots.number(slots.slot(handler_input.request_envelope.request.intent, "score"))
        if score is None or not 0 <= score <= 10:
            text = c.say("unclear.pain_scale")
            return reply(handler_input, text, reprompt=text)
        state.facts(handler_input)["pain_score"] = score
        return _continue(handler_input, c.say("unclear.pain_noted", score=score))


class DurationHandler(IntentHandler):
    intents = ("DurationIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        intent = handler_input.request_envelope.request.intent
        days = slots.duration_days(slots.slot(intent, "duration"))
        if days is None:
            return _fallback(handler_input)
        state.facts(handler_input)["duration_days"] = days
        return _continue(handler_input, c.say("unclear.duration_noted"))


def _continue(handler_input: HandlerInput, prefix: str) -> Response:
    """After a side fact (pain score, duration): carry on where the person was."""
    if state.phase(handler_input) in ("question", "start"):
        return flow.advance(handler_input, prefix)
    prompt = flow.current_prompt(handler_input)
    return reply(handler_input, join(prefix, prompt), reprompt=prompt)


def _blocked(handler_input: HandlerInput) -> Response | None:
    """After an emergency or urgent outcome, self-care is not read: repeat the advice."""
    record = state.session(handler_input).get("triage", {})
    if record.get("disposition") not in BLOCKING:
        return None
    c = content(handler_input)
    subject = record.get("facts", {}).get("subject")
    lead = c.say(f"outcomes.{record['disposition']}.lead", subject)
    reason = c.say(f"outcomes.reasons.{record['reason']}", subject)
    end = record["disposition"] == "emergency"
    prompt = c.say("outcomes.after")
    speech = join(c.say("outcomes.blocked"), lead, reason, "" if end else prompt)
    return reply(handler_input, speech, reprompt=prompt, end=end)


class GuideStartHandler(IntentHandler):
    intents = ("RiceIntent", "StretchIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        blocked = _blocked(handler_input)
        if blocked:
            return blocked
        if get_intent_name(handler_input) == "RiceIntent":
            return flow.start_guide(handler_input, "rice")
        intent = handler_input.request_envelope.request.intent
        stretch = slots.resolved_id(slots.slot(intent, "stretch"))
        if stretch is None:
            text = content(handler_input).guides["cues"]["unknown_stretch"]
            return reply(handler_input, text, reprompt=text)
        return flow.start_guide(handler_input, f"stretch:{stretch}")


class AdviceHandler(IntentHandler):
    intents = ("HydrationIntent", "PostureIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        blocked = _blocked(handler_input)
        if blocked:
            return blocked
        c = content(handler_input)
        topic = "hydration" if get_intent_name(handler_input) == "HydrationIntent" else "posture"
        text = c.guides["advice"][topic]
        if topic == "posture":
            state.triage(handler_input)["disposition"] = (
                state.triage(handler_input).get("disposition") or "advice"
            )
            state.triage(handler_input)["offer"] = "stretch:desk_routine"
            prompt = c.guides["advice_offer"]
        else:
            prompt = flow.current_prompt(handler_input)
        return reply(handler_input, join(text, prompt), reprompt=prompt)


class WhyHandler(IntentHandler):
    intents = ("WhyIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return flow.why(handler_input)


class RepeatHandler(IntentHandler):
    intents = ("AMAZON.RepeatIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        last = state.session(handler_input).get("last")
        if isinstance(last, dict) and isinstance(last.get("speech"), str):
            return reply(handler_input, last["speech"], reprompt=last.get("reprompt"))
        c = content(handler_input)
        prompt = flow.current_prompt(handler_input)
        return reply(
            handler_input, c.say("unclear.nothing_to_repeat", next=prompt), reprompt=prompt
        )


class StartOverHandler(IntentHandler):
    intents = ("AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        state.reset(handler_input)
        if get_intent_name(handler_input) == "AMAZON.NavigateHomeIntent":
            return reply(handler_input, c.say("home"), reprompt=c.say("launch.reprompt"))
        return reply(
            handler_input,
            join(c.say("start_over"), c.say("launch.reprompt")),
            reprompt=c.say("launch.reprompt"),
        )


class ResumeHandler(IntentHandler):
    intents = ("AMAZON.ResumeIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        resumed = flow.resume(handler_input)
        if resumed:
            return resumed
        c = content(handler_input)
        prompt = flow.current_prompt(handler_input)
        text = c.guides["cues"]["nothing_to_resume"].replace("{next}", prompt)
        return reply(handler_input, text, reprompt=prompt)


class IdleNavigationHandler(IntentHandler):
    """Next / previous / pause with no guided session running: say where we are."""

    intents = ("AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.PauseIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        prompt = flow.current_prompt(handler_input)
        return reply(
            handler_input, c.say("unclear.nothing_to_answer", next=prompt), reprompt=prompt
        )


class HelpHandler(IntentHandler):
    intents = ("AMAZON.HelpIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        phase = state.phase(handler_input)
        prompt = flow.current_prompt(handler_input)
        hint = ""
        question = flow.current_question(handler_input)
        if question:
            hint = flow.answer_hint(c, question)
        subject = state.facts(handler_input).get("subject")
        text = c.say(
            f"help.{phase}", subject, hint=hint, question=prompt, offer=prompt, prompt=prompt
        )
        return reply(handler_input, text, reprompt=prompt)


class StopHandler(IntentHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        current = state.guide(handler_input)
        if current:
            flow.remember_guide(handler_input, current)
            return reply(handler_input, c.say("goodbye_guide"), end=True)
        return reply(handler_input, c.say("goodbye"), end=True)


class FallbackHandler(AbstractRequestHandler):  # type: ignore[misc]
    """AMAZON.FallbackIntent, and any intent this skill does not know (logged)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = get_intent_name(handler_input)
        if name != "AMAZON.FallbackIntent":
            logger.warning("unknown intent %.60s", name)
        return _fallback(handler_input)


def _fallback(handler_input: HandlerInput) -> Response:
    c = content(handler_input)
    phase = state.phase(handler_input)
    prompt = flow.current_prompt(handler_input)
    hint = ""
    question = flow.current_question(handler_input)
    if question:
        hint = flow.answer_hint(c, question)
    text = c.say(f"fallback.{phase}", hint=hint, question=prompt, offer=prompt, prompt=prompt)
    return reply(handler_input, text, reprompt=prompt)


class SessionEndedHandler(AbstractRequestHandler):  # type: ignore[misc]
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        if reason == "ERROR":
            error = getattr(request, "error", None)
            logger.warning(
                "session ended with error %s",
                getattr(
                    getattr(error, "object_type", None), "value", getattr(error, "object_type", "")
                ),
            )
        current = state.guide(handler_input)
        if current:
            flow.remember_guide(handler_input, current)
        return empty(handler_input)


class SkillEventHandler(AbstractRequestHandler):  # type: ignore[misc]
    """Skill events have no session and take no speech. Disabling the skill without
    asking to keep data deletes everything stored for the account."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input).startswith("AlexaSkillEvent.")

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        # persistence_status is set by skill.alexa.entry from the raw event.
        if (
            get_request_type(handler_input) == "AlexaSkillEvent.SkillDisabled"
            and getattr(request, "persistence_status", None) != "PERSISTED"
        ):
            try:
                handler_input.attributes_manager.delete_persistent_attributes()
            except Exception as exc:  # noqa: BLE001 - events take no speech; alert on the log
                logger.error("could not delete data on SkillDisabled: %s", type(exc).__name__)
        return empty(handler_input)


class OtherRequestHandler(AbstractRequestHandler):  # type: ignore[misc]
    """Anything else (System.ExceptionEncountered, APL events, ...): log, no speech."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        logger.warning("unhandled request type %s", get_request_type(handler_input))
        return empty(handler_input)


# Registration order matters: phase-specific handlers before general ones, catch-alls last.
HANDLERS: tuple[type[AbstractRequestHandler], ...] = (
    LaunchHandler,
    StatementHandler,
    GuideHandler,
    AnswerHandler,
    OfferHandler,
    StartAnswerHandler,
    PainScaleHandler,
    DurationHandler,
    GuideStartHandler,
    AdviceHandler,
    WhyHandler,
    RepeatHandler,
    StartOverHandler,
    ResumeHandler,
    IdleNavigationHandler,
    HelpHandler,
    StopHandler,
    SessionEndedHandler,
    SkillEventHandler,
    FallbackHandler,
    OtherRequestHandler,
)
