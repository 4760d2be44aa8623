"""The triage conversation: take in what the person said, ask the next question or give
the outcome, explain it, correct it. Clinical rules are the engine's (skill/triage);
words are content's; this module only sequences them."""

from __future__ import annotations

from ask_sdk_model import Intent

from skill.alexa import alert_flow, checkin_flow, prompts, slots
from skill.alexa.respond import join
from skill.alexa.state import (
    GIVE_UP_AT,
    JUST_YES_NO_AT,
    WHY,
    ConversationState,
    parse_offer,
)
from skill.alexa.turn import Reply, Turn
from skill.content import Content
from skill.speech.render import (
    answer_hint,
    finding_list,
    offer_text,
    question_text,
    render_outcome,
    why_text,
)
from skill.triage import durations
from skill.triage.engine import (
    HEARD,
    NO,
    UNCHECKED,
    UNKNOWN,
    YES,
    Outcome,
    Question,
    confirming,
    is_red_flag,
    load_protocol,
    lowered_by,
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

# --- what the person said -------------------------------------------------------------------


def denied_in(intent: Intent | None) -> list[str]:
    """Findings the statement denies ("no swelling", "I can breathe fine")."""
    return [
        f
        for name in (*DENIED_SLOTS, NORMAL_SLOT)
        for f in slots.resolved_ids(slots.slot(intent, name))
    ]


def stated_in(intent: Intent | None) -> list[str]:
    """Findings the statement states ("my calf is swollen and hot")."""
    return [f for name in SYMPTOM_SLOTS for f in slots.resolved_ids(slots.slot(intent, name))]


BOTH_SIDES = "both_sides"  # the fact an emergency for pain down both legs rests on


def take_statement(turn: Turn, intent: Intent | None) -> tuple[bool, bool]:
    """Record what a statement said: where, when and how, findings stated or denied,
    circumstances, and how long. Returns (learned something, new caregiver subject).

    A denial never takes back a red flag stated earlier: lowering a red flag is a
    correction, and corrections are confirmed first (see `correct`)."""
    state = turn.state
    facts = state.triage.facts
    before = dict(facts)
    for slot_name, fact in FACT_SLOTS.items():
        value = slots.resolved_id(slots.slot(intent, slot_name))
        if value:
            facts[fact] = value
    if facts.get("side") == "both" and before.get("side") != "both":
        # "Going down both legs", said in passing: with nerve pain that is an emergency
        # (item 4), so it is asked about directly first, like any sign heard in passing.
        facts.setdefault(BOTH_SIDES, HEARD)
    stated = stated_in(intent)
    asked_about = asked_findings(state)
    both_ways = set(stated) & set(denied_in(intent))
    for finding in stated:
        # Said in answer to its own question, it counts; said in passing, it is heard,
        # and an emergency resting on it asks about it first. So does one said both ways
        # in one breath, even at its own question ("his leg looks blue, oh wait, no,
        # that's his jeans"): the direct question sorts it out.
        answered = finding in asked_about and finding not in both_ways
        value = YES if answered or facts.get(finding) == YES else HEARD
        state_finding(facts, finding, value)
    for finding in denied_in(intent):
        # Heard both ways in one breath ("swollen, well no, not swollen... yes swollen"):
        # the statement stands, the safer reading.
        if finding in stated:
            continue
        said = facts.get(finding) in (YES, HEARD)
        if not said or not is_red_flag(finding) or finding in asked_about:
            state_finding(facts, finding, NO)
    for finding in slots.resolved_ids(slots.slot(intent, CONTEXT_SLOT)):
        state_finding(facts, finding, YES)
    record_duration(turn, intent)
    subject = facts.get("subject")
    new_subject = subject not in (None, "self") and subject != before.get("subject")
    return facts != before, new_subject


def asked_findings(state: ConversationState) -> set[str]:
    """The findings the pending question asks about (a statement naming one answers it)."""
    pending = state.triage.pending
    if not pending:
        return set()
    return {pending, *load_protocol().covers(pending)}


def record_duration(turn: Turn, intent: Intent | None) -> bool:
    """Note how long, in days: "for three weeks", "more than two weeks", "since Christmas".
    A length from "since ..." is marked as such: "a cramp since last night" says when it
    began, not that one cramp lasted all night. False when nothing usable was said."""
    days, since = durations.iso_days(getattr(slots.slot(intent, "duration"), "value", None)), False
    if days is None:
        anchor = slots.resolved_id(slots.slot(intent, "since"))
        raw_date = getattr(slots.slot(intent, "since_date"), "value", None)
        if anchor or raw_date:
            today = turn.local_now.date()
            since = True
            days = (
                durations.days_since(anchor, today)
                if anchor
                else durations.days_since_date(str(raw_date), today)
            )
    if days is None:
        return False
    facts = turn.state.triage.facts
    facts["duration_days"] = durations.compared(
        days, slots.resolved_id(slots.slot(intent, "compare"))
    )
    if since:
        facts["duration_kind"] = "since"
    else:
        facts.pop("duration_kind", None)
    return True


def missed_opening(turn: Turn) -> None:
    """The first thing said was not understood. Whatever it was is lost, so the checks
    also ask about a wound or bleeding, the red flags no other question reaches."""
    turn.state.triage.facts.setdefault("opening", "unheard")


def statement(turn: Turn, intent: Intent | None, *prefix: str) -> Reply:
    """A statement about the pain at any point: record it and carry on the triage.
    Denying something said earlier is a correction (confirmed before a red flag is
    lowered); a statement that adds nothing re-asks the question with a hint."""
    c = turn.content
    state = turn.state
    denied = [f for f in denied_in(intent) if f not in stated_in(intent)]
    answering = asked_findings(state)  # "no, it isn't" to its own question needs no check
    lowering = [
        f for f in lowered_by(state.triage.facts, denied) if is_red_flag(f) and f not in answering
    ]
    before = current_question(turn)
    learned, caregiver = take_statement(turn, intent)
    if lowering:
        return confirm_lowering(turn, lowering)
    if caregiver and not state.triage.described and not state.triage.asked:
        # Only who it is for ("papa, my father"): ask about their pain, as at the start.
        text = c.say("caregiver_opening", state.triage.subject)
        return Reply(join(*prefix, text), reprompt=text)
    if caregiver:
        prefix = (*prefix, c.say("caregiver_ack", state.triage.subject))
    if not learned and before is not None:
        return ask_again(turn, before, *prefix)
    if not learned and not state.triage.asked and state.triage.disposition is None:
        missed_opening(turn)  # nothing usable in the first thing said
    return advance(turn, *prefix)


def correct(turn: Turn, intent: Intent | None) -> Reply:
    """ "Actually there's no swelling", "I meant no", "sorry, it's the right leg",
    "it's been three weeks, not three days": change the answer or the named fact and run
    the triage again. Taking back a red flag is confirmed first."""
    c = turn.content
    triage = turn.state.triage
    answer = slots.resolved_id(slots.slot(intent, "answer"))
    target = triage.last_answered
    if answer and target:
        if answer == NO and triage.facts.get(target) in (YES, UNKNOWN) and is_red_flag(target):
            return confirm_lowering(turn, [target])
        triage.facts[target] = answer
        return advance(turn, c.say("correction.changed"))
    lowering = [f for f in lowered_by(triage.facts, denied_in(intent)) if is_red_flag(f)]
    for fact in FACT_SLOTS:  # a named fact replaces the old one
        if slots.resolved_id(slots.slot(intent, fact)):
            triage.facts.pop(fact, None)
    learned, _ = take_statement(turn, intent)
    if lowering:
        return confirm_lowering(turn, lowering)
    if not learned:
        prompt = prompts.current(turn)
        return Reply(join(c.say("correction.nothing"), prompt), reprompt=prompt)
    return advance(turn, c.say("correction.changed"))


def confirm_lowering(turn: Turn, facts: list[str]) -> Reply:
    c = turn.content
    turn.state.triage.lowering = facts
    questions = load_protocol().questions
    findings = [
        f
        for fact in facts
        for f in (questions[fact].get("covers", [fact]) if fact in questions else [fact])
    ]
    text = c.say("correction.confirm", items=finding_list(c, list(dict.fromkeys(findings))))
    return Reply(text, reprompt=text)


def settle_lowering(turn: Turn, confirmed: bool) -> Reply:
    """Yes to "just to check: no swelling after all?" takes the red flag back."""
    c = turn.content
    triage = turn.state.triage
    facts, triage.lowering = triage.lowering, []
    if not confirmed:
        return advance(turn, c.say("correction.kept"))
    for fact in facts:
        triage.facts[fact] = NO
    return advance(turn, c.say("correction.changed"))


# --- questions and outcomes -------------------------------------------------------------------


def current_question(turn: Turn) -> Question | None:
    """The engine's next question, if it is the one being asked."""
    state = turn.state
    step = next_step(state.triage.facts)
    return step if isinstance(step, Question) and step.id == state.triage.pending else None


def advance(turn: Turn, *prefix: str) -> Reply:
    """Ask the next question, or give the outcome once the protocol reaches one."""
    step = next_step(turn.state.triage.facts)
    if isinstance(step, Question):
        return ask(turn, step, *prefix)
    return give_outcome(turn, step, *prefix)


def ask(turn: Turn, question: Question, *prefix: str, repairing: bool = False) -> Reply:
    state = turn.state
    triage = state.triage
    c = turn.content
    text = question_text(c, question, triage.subject)
    if triage.pending == question.id and not repairing and state.repeating(text):
        # The same question a third time in a row, whatever came in between: repair as
        # for a turn not understood, so nothing loops.
        return ask_again(turn, question, *prefix)
    if confirming(question) and not repairing:
        prefix = ()  # the conditional instruction is the very next thing said
    elif triage.pending != question.id and triage.asked == 0 and question.red_flag:
        prefix = (*prefix, c.say("screening_intro"))
    if triage.pending != question.id:
        triage.asked += 1
    triage.pending = question.id
    triage.offer = None
    return Reply(join(*prefix, text), reprompt=text)


def ask_again(turn: Turn, question: Question, *prefix: str) -> Reply:
    """Not understood: ask once more with a hint; the second time, take it as "not
    sure" and move on (cautious on a red-flag question), so no question loops."""
    c = turn.content
    state = turn.state
    misses = state.missed()
    if question.red_flag:
        # A misheard turn is never an answer: a hint, then "just yes or no", then the
        # safety net spoken and the sign left unchecked (named again with the outcome).
        if misses >= GIVE_UP_AT:
            state.triage.facts[question.id] = UNCHECKED
            state.triage.last_answered = question.id
            return advance(turn, *prefix, c.say("repair.unchecked"))
        if misses == JUST_YES_NO_AT:
            return ask(turn, question, *prefix, c.say("repair.just_yes_no"), repairing=True)
    elif misses >= 2:
        state.triage.facts[question.id] = UNKNOWN
        state.triage.last_answered = question.id
        return advance(turn, *prefix, c.say("repair.as_unknown"))
    hint = c.say("unclear.slot", hint=answer_hint(c, question), question="")
    return ask(turn, question, *prefix, hint, repairing=True)


def give_outcome(turn: Turn, outcome: Outcome, *prefix: str) -> Reply:
    c = turn.content
    triage = turn.state.triage
    facts, subject = triage.facts, triage.subject
    level = Disposition(outcome.disposition)
    repeat = triage.reason == outcome.reason and triage.disposition == level
    rendered = render_outcome(c, outcome, facts)
    if level == Disposition.EMERGENCY:
        prefix = ()  # the instruction comes first, with nothing before it
    if triage.disposition is None or level.rank > triage.disposition.rank:
        # A new or higher level: caregivers who agreed hear of it after this reply.
        profile = checkin_flow.profile_for(turn, subject)
        alert_flow.note(turn, level, profile, "triage")
    triage.disposition = level
    triage.reason = outcome.reason
    triage.cause = outcome.cause
    triage.evidence = list(outcome.evidence)
    offer = parse_offer(rendered.offer)
    if level == Disposition.SELF_CARE and triage.wanted:
        offer = triage.wanted  # the stretch they asked for, now the checks are done
    triage.offer, triage.wanted, triage.pending = offer, None, None
    card = (rendered.card_title, rendered.card_text)
    view = {
        "kind": "outcome",
        "title": rendered.card_title,
        "text": rendered.card_text,
        "disposition": str(level),
    }
    if rendered.end_session:
        # The warning keeps the session open a little while, so "what's the number" or
        # "should I drive myself" can be answered; silence or stop ends it.
        again = c.say("outcomes.emergency.reprompt")
        speech = join(*prefix, rendered.speech)
        return Reply(speech, reprompt=again, card=card, screen=view)
    offered = join(unchecked_note(c, facts, level), offer_text(c, triage.offer, subject))
    if repeat:  # nothing said since changed the advice: no need to read it all again
        lead = c.say(f"outcomes.{level}.lead", subject) or c.say("correction.same")
        return Reply(join(*prefix, lead, offered), reprompt=offered)
    speech = join(*prefix, rendered.speech, offered)
    return Reply(speech, reprompt=offered, card=card, screen=view)


def unchecked_note(c: Content, facts: dict[str, object], level: Disposition) -> str:
    """After an outcome below emergency: the signs that could not be checked, and what to
    do if one of them is so."""
    if level == Disposition.EMERGENCY:
        return ""
    unchecked = [fact for fact, value in facts.items() if value == UNCHECKED]
    if not unchecked:
        return ""
    labels = c.get("outcomes.unchecked_labels")
    items = [
        labels.get(fact) or finding_list(c, list(load_protocol().covers(fact)))
        for fact in unchecked
    ]
    return c.say("outcomes.unchecked", items=" or ".join(i for i in items if i) or "everything")


def says_nothing_to_yes_no(turn: Turn) -> bool:
    """ "Nothing really" to a yes/no question: heard as a statement naming no cause
    (trigger "none") and nothing else."""
    intent = turn.intent
    if slots.filled(intent) != {"trigger"}:
        return False
    if slots.resolved_id(slots.slot(intent, "trigger")) != "none":
        return False
    question = prompts.pending_question(turn.state)
    return question is not None and question.answers == "yes_no"


def answer_pending(turn: Turn, value: str) -> Reply:
    """Yes / no / I don't know to the pending question."""
    state = turn.state
    question = prompts.pending_question(state)
    if question is None:
        return advance(turn)
    c = turn.content
    if (
        value == UNKNOWN
        and state.triage.checking != question.id
        and c.has(f"questions.check.{question.id}")
    ):
        # The person's own "not sure": first help them check ("touch both feet"), with the
        # instruction in the question; a second "not sure" is the cautious rule's.
        state.triage.checking = question.id
        text = c.say(f"questions.check.{question.id}", state.triage.subject)
        return Reply(text, reprompt=text)
    state.triage.checking = None
    may_ask_again = not (state.missed_at == state.prompt_key and state.misses >= 1)
    if record_answer(state.triage.facts, question, value, may_ask_again):
        state.triage.last_answered = question.id
        return advance(turn)
    state.missed()
    return ask(turn, question, answer_hint(turn.content, question), repairing=True)


# Warnings no triage outcome explains, and what "tell me more" or "why" says after them.
SPOKEN_REASONS = ("asked_for_help", "checkin")


def details(turn: Turn) -> Reply:
    """ "Tell me more" / "what should I do?": the fuller advice for the outcome given."""
    c = turn.content
    triage = turn.state.triage
    if not triage.disposition or not triage.reason:
        prompt = prompts.current(turn)
        return Reply(prompt, reprompt=prompt)
    if triage.reason in SPOKEN_REASONS:
        if triage.disposition != Disposition.EMERGENCY:  # a check-in's "be seen today"
            text = join(
                c.say("checkin.reason_urgent", triage.subject),
                c.say("outcomes.urgent_escalate", triage.subject),
            )
            return Reply(text, reprompt=prompts.after_outcome(turn))
        # After an emergency warning the fuller advice is what to do meanwhile.
        return Reply(c.say("talk.waiting"), reprompt=prompts.after_outcome(turn))
    outcome = Outcome(str(triage.disposition), triage.reason, triage.cause)
    rendered = render_outcome(c, outcome, triage.facts)
    if rendered.end_session:
        return Reply(rendered.details, reprompt=prompts.after_outcome(turn))
    prompt = offer_text(c, triage.offer, triage.subject) or prompts.after_outcome(turn)
    return Reply(join(rendered.details, prompt), reprompt=prompt)


def spoken_reason(turn: Turn) -> Reply:
    """After a call for help or a check-in's warning: why, and the number again."""
    c = turn.content
    triage = turn.state.triage
    if triage.reason == "asked_for_help":  # it already says to call
        text = c.say("help_request.speech")
    elif triage.disposition == Disposition.EMERGENCY:
        reason = c.say("checkin.reason_emergency", triage.subject)
        text = join(reason, c.say("outcomes.emergency.close", triage.subject))
    else:
        text = c.say("checkin.reason_urgent", triage.subject)
    return Reply(text, reprompt=prompts.after_outcome(turn))


def why(turn: Turn) -> Reply:
    c = turn.content
    triage = turn.state.triage
    subject = triage.subject
    if not triage.disposition or not triage.reason:
        question = current_question(turn)
        if question:
            return ask(turn, question, c.say("why.nothing_yet"))
        return Reply(c.say("launch.reprompt"))
    if triage.reason in SPOKEN_REASONS:
        return spoken_reason(turn)
    text = why_text(c, triage.evidence, triage.reason, str(triage.disposition), subject)
    if triage.disposition == Disposition.EMERGENCY:
        close = c.say("outcomes.emergency.close", subject)
        return Reply(join(text, close), reprompt=prompts.after_outcome(turn))
    if triage.offer == WHY:
        triage.offer = None
    prompt = offer_text(c, triage.offer, subject) or prompts.after_outcome(turn)
    return Reply(join(text, prompt), reprompt=prompt)
