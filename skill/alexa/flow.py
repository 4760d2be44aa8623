"""The conversation moves shared by handlers: take in facts, ask the next question or
give the outcome, run guided sessions. Clinical rules stay in the triage engine and
words in content; this module only sequences them."""

from __future__ import annotations

import time
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Intent, Response

from skill.alexa import persistence, slots, state
from skill.alexa.checkin_flow import QUESTIONS, subject_of
from skill.alexa.respond import content, join, reply
from skill.checkins.records import RETENTION_DAYS
from skill.speech.guides import build_steps, guide_name, step_speech
from skill.speech.render import (
    answer_hint,
    offer_text,
    question_text,
    render_outcome,
    why_text,
)
from skill.speech.ssml import to_text
from skill.triage.engine import Outcome, Question, apply_symptom, load_protocol, next_step
from skill.triage.vocabulary import FACT_SLOTS, SYMPTOM_SLOTS

RESUME_WINDOW_S = 3600


# --- triage -----------------------------------------------------------------------------


def take_statement(handler_input: HandlerInput, intent: Intent | None) -> tuple[bool, bool]:
    """Record what a statement said. Returns (learned something, new caregiver subject)."""
    facts = state.facts(handler_input)
    before = dict(facts)
    for slot_name, fact in FACT_SLOTS.items():
        value = slots.resolved_id(slots.slot(intent, slot_name))
        if value:
            facts[fact] = value
    for slot_name in SYMPTOM_SLOTS:
        for symptom in slots.resolved_ids(slots.slot(intent, slot_name)):
            apply_symptom(facts, symptom)
    days = slots.duration_days(slots.slot(intent, "duration"))
    if days is not None:
        facts["duration_days"] = days
    new_subject = facts.get("subject") not in (None, "self") and facts.get("subject") != before.get(
        "subject"
    )
    return facts != before, new_subject


def current_question(handler_input: HandlerInput) -> Question | None:
    step = next_step(state.facts(handler_input))
    pending = state.pending(handler_input)
    return step if isinstance(step, Question) and step.id == pending else None


def advance(handler_input: HandlerInput, *prefix: str) -> Response:
    """Ask the next question, or give the outcome once the protocol reaches one."""
    record = state.triage(handler_input)
    facts = record["facts"]
    step = next_step(facts)
    if isinstance(step, Question):
        return ask(handler_input, step, *prefix)
    return give_outcome(handler_input, step, *prefix)


def ask(handler_input: HandlerInput, question: Question, *prefix: str) -> Response:
    record = state.triage(handler_input)
    c = content(handler_input)
    if record.get("pending") != question.id:
        if int(record.get("asked", 0)) == 0 and question.red_flag:
            prefix = (*prefix, c.say("screening_intro"))
        record["asked"] = int(record.get("asked", 0)) + 1
    record["pending"] = question.id
    record.pop("offer", None)
    text = question_text(c, question, record["facts"].get("subject"))
    return reply(handler_input, join(*prefix, text), reprompt=text)


def give_outcome(handler_input: HandlerInput, outcome: Outcome, *prefix: str) -> Response:
    c = content(handler_input)
    record = state.triage(handler_input)
    facts = record["facts"]
    subject = facts.get("subject")
    repeat = (
        record.get("reason") == outcome.reason and record.get("disposition") == outcome.disposition
    )
    rendered = render_outcome(c, outcome, facts)
    if outcome.disposition == "emergency":
        prefix = ()  # the instruction comes first, with nothing before it
    record.update(
        disposition=outcome.disposition,
        reason=outcome.reason,
        cause=outcome.cause,
        evidence=list(outcome.evidence),
        offer=rendered.offer,
    )
    record.pop("pending", None)
    card = (rendered.card_title, rendered.card_text)
    view = {
        "kind": "outcome",
        "title": rendered.card_title,
        "text": rendered.card_text,
        "disposition": outcome.disposition,
    }
    if outcome.follow_up:  # one more red-flag check after the warning, asked last
        record["pending"] = outcome.follow_up
        text = question_text(c, Question(outcome.follow_up, "yes_no", True), subject)
        speech = join(*prefix, rendered.speech, c.say("outcomes.follow_up_lead"), text)
        return reply(handler_input, speech, reprompt=text, card=card, screen=view)
    if rendered.end_session:
        return reply(
            handler_input, join(*prefix, rendered.speech), card=card, end=True, screen=view
        )
    offer = offer_text(c, rendered.offer, subject)
    if repeat:  # the follow-up answer did not change the advice: no need to read it all again
        lead = c.say(f"outcomes.{outcome.disposition}.lead", subject)
        return reply(handler_input, join(*prefix, lead, offer), reprompt=offer)
    return reply(
        handler_input, join(*prefix, rendered.speech, offer), reprompt=offer, card=card, screen=view
    )


def answer_pending(handler_input: HandlerInput, value: str) -> Response:
    """Yes / no / I don't know to the pending question."""
    c = content(handler_input)
    record = state.triage(handler_input)
    question = current_question(handler_input)
    pending = record.get("pending")
    if question is None and pending:  # a follow-up check asked after a warning
        question = Question(pending, "yes_no", True)
    if question is None:
        return advance(handler_input)
    if question.answers == "yes_no":
        record["facts"][question.id] = value
        return advance(handler_input)
    spec = load_protocol().questions[question.id]
    if value == "unknown":
        record["facts"][question.id] = "unknown"
        return advance(handler_input)
    if value == "no" and spec.get("no_means"):
        record["facts"][question.id] = spec["no_means"]
        return advance(handler_input)
    # "yes" to "where is the pain?" answers nothing: ask again once with a hint, then
    # take it as "don't know" rather than loop.
    retried = record.setdefault("retried", [])
    if question.id in retried:
        record["facts"][question.id] = "unknown"
        return advance(handler_input)
    retried.append(question.id)
    return ask(handler_input, question, answer_hint(c, question))


def why(handler_input: HandlerInput) -> Response:
    c = content(handler_input)
    record = state.triage(handler_input)
    subject = record["facts"].get("subject")
    if not record.get("disposition"):
        question = current_question(handler_input)
        if question:
            return ask(handler_input, question, c.say("why.nothing_yet"))
        return reply(handler_input, c.say("launch.reprompt"))
    text = why_text(c, record.get("evidence", []), record["reason"], record["disposition"], subject)
    if record["disposition"] == "emergency":
        return reply(
            handler_input, join(text, c.say("outcomes.emergency.close", subject)), end=True
        )
    if record.get("offer") == "why":
        record["offer"] = None
    prompt = offer_text(c, record.get("offer"), subject) or after_outcome(handler_input)
    return reply(handler_input, join(text, prompt), reprompt=prompt)


def after_outcome(handler_input: HandlerInput) -> str:
    """The closing prompt once an outcome has been given and nothing is on offer."""
    c = content(handler_input)
    disposition = state.session(handler_input).get("triage", {}).get("disposition")
    if disposition in ("urgent", "doctor", "emergency"):
        return c.say("outcomes.after")
    return c.guides["cues"]["end_offer"]


def current_prompt(handler_input: HandlerInput) -> str:
    """What the person is being asked right now (for help, fallback and repeat)."""
    c = content(handler_input)
    phase = state.phase(handler_input)
    subject = state.facts(handler_input).get("subject")
    if phase == "guide":
        return c.guides["cues"]["prompt"]
    if phase == "confirm":
        return c.say("deletion.confirm")
    if phase == "checkin":
        record = state.checkin(handler_input) or {}
        return c.say(
            QUESTIONS.get(record.get("step", ""), "checkin.pain"),
            subject_of(str(record.get("profile", "self"))),
            retention=RETENTION_DAYS,
        )
    if phase == "question":
        question = current_question(handler_input)
        pending = state.pending(handler_input)
        question = question or (Question(pending, "yes_no", True) if pending else None)
        if question:
            return question_text(c, question, subject)
    if phase == "outcome":
        return offer_text(c, state.offer(handler_input), subject) or after_outcome(handler_input)
    return c.say("launch.reprompt")


# --- guided sessions ----------------------------------------------------------------------


def start_guide(handler_input: HandlerInput, guide_id: str, *prefix: str) -> Response:
    attrs = state.session(handler_input)
    attrs["guide"] = {"id": guide_id, "step": 0}
    state.triage(handler_input)["offer"] = None
    return speak_step(handler_input, *prefix)


def speak_step(handler_input: HandlerInput, *prefix: str) -> Response:
    c = content(handler_input)
    current = state.guide(handler_input)
    assert current is not None
    subject = state.facts(handler_input).get("subject")
    steps = build_steps(c, current["id"], subject)
    index = max(0, min(current["step"], len(steps) - 1))
    current["step"] = index
    speech = step_speech(c, current["id"], steps, index)
    last = index == len(steps) - 1
    remember_guide(handler_input, None if last else current)
    name = guide_name(c, current["id"])
    title = c.say(c.guides["cues"]["card_title"], name=name, n=index + 1, total=len(steps))
    view = {
        "kind": "step",
        "title": name,
        "text": to_text(steps[index].ssml),
        "step": index + 1,
        "total": len(steps),
        "hold_seconds": steps[index].hold_seconds,
    }
    card = (to_text(title), to_text(speech))
    if last:
        state.session(handler_input).pop("guide", None)
        prompt = c.guides["cues"]["end_offer"]
        return reply(handler_input, join(*prefix, speech), reprompt=prompt, card=card, screen=view)
    return reply(
        handler_input,
        join(*prefix, speech),
        reprompt=c.guides["cues"]["prompt"],
        card=card,
        screen=view,
    )


def move(handler_input: HandlerInput, delta: int | None) -> Response:
    """Next (+1), previous (-1), repeat (0) or start over (None) within a guide."""
    current = state.guide(handler_input)
    assert current is not None
    c = content(handler_input)
    prefix = ""
    if delta is None:
        current["step"] = 0
    elif current["step"] + delta < 0:
        prefix = c.guides["cues"]["first_step"]
    else:
        current["step"] += delta
    return speak_step(handler_input, prefix)


def remember_guide(handler_input: HandlerInput, current: dict[str, Any] | None) -> None:
    """Persist the guide position so the person can resume within the hour."""
    attrs = persistence.load(handler_input)
    if current is None:
        if attrs.pop("guide", None) is None:
            return
    else:
        attrs["guide"] = {"id": current["id"], "step": current["step"], "at": int(time.time())}
    persistence.save(handler_input)


def resumable_guide(handler_input: HandlerInput) -> dict[str, Any] | None:
    saved = persistence.load(handler_input).get("guide")
    if not isinstance(saved, dict) or not isinstance(saved.get("id"), str):
        return None
    if time.time() - float(saved.get("at", 0)) > RESUME_WINDOW_S:
        return None
    c = content(handler_input)
    try:
        build_steps(c, saved["id"])
    except (KeyError, IndexError):
        return None
    return {"id": saved["id"], "step": int(saved.get("step", 0))}


def resume(handler_input: HandlerInput) -> Response | None:
    saved = state.guide(handler_input) or resumable_guide(handler_input)
    if saved is None:
        return None
    state.session(handler_input)["guide"] = saved
    return speak_step(handler_input)


def guide_label(handler_input: HandlerInput, guide_id: str) -> str:
    return guide_name(content(handler_input), guide_id)
