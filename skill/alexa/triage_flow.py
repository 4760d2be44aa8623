"""The triage conversation: take in what the person said, ask the next question or give
the outcome, explain it. Clinical rules are the engine's (skill/triage); words are
content's; this module only sequences them."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Intent, Response

from skill.alexa import checkin_flow, slots
from skill.alexa.respond import content, join, reply
from skill.alexa.state import WHY, ConversationState, Phase, conversation, parse_offer
from skill.alexa.timezone import local_now
from skill.speech.render import answer_hint, offer_text, question_text, render_outcome, why_text
from skill.triage import durations
from skill.triage.engine import (
    NO,
    YES,
    Outcome,
    Question,
    load_protocol,
    next_step,
    record_answer,
    state_finding,
)
from skill.triage.levels import Disposition
from skill.triage.vocabulary import (
    CONTEXT_SLOT,
    DENIED_SLOTS,
    FACT_SLOTS,
    NORMAL_SLOT,
    SYMPTOM_SLOTS,
)


def take_statement(handler_input: HandlerInput, intent: Intent | None) -> tuple[bool, bool]:
    """Record what a statement said: where, when and how, findings stated or denied,
    circumstances, and how long. Returns (learned something, new caregiver subject).

    A denial never overrides a finding stated earlier: lowering a red flag is a
    correction, and corrections are confirmed first."""
    facts = conversation(handler_input).triage.facts
    before = dict(facts)
    for slot_name, fact in FACT_SLOTS.items():
        value = slots.resolved_id(slots.slot(intent, slot_name))
        if value:
            facts[fact] = value
    for slot_name in SYMPTOM_SLOTS:
        for finding in slots.resolved_ids(slots.slot(intent, slot_name)):
            state_finding(facts, finding, YES)
    for slot_name in (*DENIED_SLOTS, NORMAL_SLOT):
        for finding in slots.resolved_ids(slots.slot(intent, slot_name)):
            if facts.get(finding) != YES:
                state_finding(facts, finding, NO)
    for finding in slots.resolved_ids(slots.slot(intent, CONTEXT_SLOT)):
        state_finding(facts, finding, YES)
    days = duration_of(handler_input, intent)
    if days is not None:
        facts["duration_days"] = days
    subject = facts.get("subject")
    new_subject = subject not in (None, "self") and subject != before.get("subject")
    return facts != before, new_subject


def duration_of(handler_input: HandlerInput, intent: Intent | None) -> float | None:
    """How long, in days: "for three weeks", "more than two weeks", "since Christmas"."""
    days = durations.iso_days(getattr(slots.slot(intent, "duration"), "value", None))
    if days is None:
        anchor = slots.resolved_id(slots.slot(intent, "since"))
        raw_date = getattr(slots.slot(intent, "since_date"), "value", None)
        if anchor or raw_date:
            today = local_now(handler_input).date()
            days = (
                durations.days_since(anchor, today)
                if anchor
                else durations.days_since_date(str(raw_date), today)
            )
    if days is None:
        return None
    return durations.compared(days, slots.resolved_id(slots.slot(intent, "compare")))


def pending_question(state: ConversationState) -> Question | None:
    """The question waiting for an answer (the engine's next one, as it was asked)."""
    pending = state.triage.pending
    if not pending:
        return None
    step = next_step(state.triage.facts)
    if isinstance(step, Question) and step.id == pending:
        return step
    return load_protocol().question(pending) if pending in load_protocol().questions else None


def current_question(handler_input: HandlerInput) -> Question | None:
    """The engine's next question, if it is the one being asked."""
    state = conversation(handler_input)
    step = next_step(state.triage.facts)
    return step if isinstance(step, Question) and step.id == state.triage.pending else None


def advance(handler_input: HandlerInput, *prefix: str) -> Response:
    """Ask the next question, or give the outcome once the protocol reaches one."""
    step = next_step(conversation(handler_input).triage.facts)
    if isinstance(step, Question):
        return ask(handler_input, step, *prefix)
    return give_outcome(handler_input, step, *prefix)


def ask(handler_input: HandlerInput, question: Question, *prefix: str) -> Response:
    triage = conversation(handler_input).triage
    c = content(handler_input)
    if triage.pending != question.id:
        if triage.asked == 0 and question.red_flag:
            prefix = (*prefix, c.say("screening_intro"))
        triage.asked += 1
    triage.pending = question.id
    triage.offer = None
    text = question_text(c, question, triage.subject)
    return reply(handler_input, join(*prefix, text), reprompt=text)


def give_outcome(handler_input: HandlerInput, outcome: Outcome, *prefix: str) -> Response:
    c = content(handler_input)
    triage = conversation(handler_input).triage
    facts, subject = triage.facts, triage.subject
    level = Disposition(outcome.disposition)
    repeat = triage.reason == outcome.reason and triage.disposition == level
    rendered = render_outcome(c, outcome, facts)
    if level == Disposition.EMERGENCY:
        prefix = ()  # the instruction comes first, with nothing before it
    triage.disposition = level
    triage.reason = outcome.reason
    triage.cause = outcome.cause
    triage.evidence = list(outcome.evidence)
    triage.offer = parse_offer(rendered.offer)
    triage.pending = None
    card = (rendered.card_title, rendered.card_text)
    view = {
        "kind": "outcome",
        "title": rendered.card_title,
        "text": rendered.card_text,
        "disposition": str(level),
    }
    if rendered.end_session:
        return reply(
            handler_input, join(*prefix, rendered.speech), card=card, end=True, screen=view
        )
    offer = offer_text(c, triage.offer, subject)
    if repeat:  # nothing said since changed the advice: no need to read it all again
        lead = c.say(f"outcomes.{level}.lead", subject)
        return reply(handler_input, join(*prefix, lead, offer), reprompt=offer)
    return reply(
        handler_input, join(*prefix, rendered.speech, offer), reprompt=offer, card=card, screen=view
    )


def answer_pending(handler_input: HandlerInput, value: str) -> Response:
    """Yes / no / I don't know to the pending question."""
    triage = conversation(handler_input).triage
    question = pending_question(conversation(handler_input))
    if question is None:
        return advance(handler_input)
    if record_answer(triage.facts, question, value, triage.retried):
        return advance(handler_input)
    return ask(handler_input, question, answer_hint(content(handler_input), question))


def why(handler_input: HandlerInput) -> Response:
    c = content(handler_input)
    triage = conversation(handler_input).triage
    subject = triage.subject
    if not triage.disposition or not triage.reason:
        question = current_question(handler_input)
        if question:
            return ask(handler_input, question, c.say("why.nothing_yet"))
        return reply(handler_input, c.say("launch.reprompt"))
    text = why_text(c, triage.evidence, triage.reason, str(triage.disposition), subject)
    if triage.disposition == Disposition.EMERGENCY:
        return reply(
            handler_input, join(text, c.say("outcomes.emergency.close", subject)), end=True
        )
    if triage.offer == WHY:
        triage.offer = None
    prompt = offer_text(c, triage.offer, subject) or after_outcome(handler_input)
    return reply(handler_input, join(text, prompt), reprompt=prompt)


def after_outcome(handler_input: HandlerInput) -> str:
    """The closing prompt once an outcome has been given and nothing is on offer."""
    c = content(handler_input)
    level = conversation(handler_input).triage.disposition
    if level and level != Disposition.SELF_CARE:
        return c.say("outcomes.after")
    return c.say("guides.cues.end_offer")


def current_prompt(handler_input: HandlerInput) -> str:
    """What the person is being asked right now (for help, fallback and repeat)."""
    c = content(handler_input)
    state = conversation(handler_input)
    phase = state.phase
    if phase == Phase.GUIDE:
        return c.say("guides.cues.prompt")
    if phase == Phase.CONFIRM:
        return c.say("deletion.confirm")
    if phase == Phase.CHECKIN:
        return checkin_flow.question(handler_input)
    if phase == Phase.QUESTION:
        question = pending_question(state)
        if question:
            return question_text(c, question, state.triage.subject)
    if phase == Phase.OUTCOME:
        return offer_text(c, state.triage.offer, state.triage.subject) or after_outcome(
            handler_input
        )
    return c.say("launch.reprompt")
