"""What the person is being asked, by phase: one table beside the phases (skill.alexa.state
.Phase), read by every flow that ends on "where we were" (help, fallback, repeat, wait,
an answer on the side, a failure's words).

`current(turn)` is the prompt of the phase the person is in; `after_side(turn)` is what
follows an answer on the side (a summary, alerts, sharing): the question still waiting,
so the next "yes" answers it knowingly, else "anything else?".
"""

from __future__ import annotations

from collections.abc import Callable

from skill.alexa import checkin_flow
from skill.alexa.state import ConversationState, Phase
from skill.alexa.turn import Turn
from skill.speech.render import finding_list, offer_text, question_text
from skill.triage.engine import HEARD, Question, confirm_question, load_protocol, next_step
from skill.triage.levels import Disposition


def pending_question(state: ConversationState) -> Question | None:
    """The question waiting for an answer (the engine's next one, as it was asked)."""
    pending = state.triage.pending
    if not pending:
        return None
    step = next_step(state.triage.facts)
    if isinstance(step, Question) and step.id == pending:
        return step
    if pending in load_protocol().questions:
        return load_protocol().question(pending)
    if state.triage.facts.get(pending) == HEARD:  # confirming what was heard in passing
        return confirm_question(pending)
    return None


def after_outcome(turn: Turn) -> str:
    """The closing prompt once an outcome has been given and nothing is on offer."""
    c = turn.content
    level = turn.state.triage.disposition
    if level == Disposition.EMERGENCY:
        return c.say("outcomes.emergency.reprompt")
    if level and level != Disposition.SELF_CARE:
        return c.say("outcomes.after")
    return c.say("guides.cues.end_offer")


def _confirming(turn: Turn) -> str:
    # Three questions share the phase: deleting data, alerting caregivers, hearing more.
    keys = {"alerts": "alerts.owner_confirm", "more_alerts": "alerts.more_prompt.many"}
    return turn.content.say(keys.get(turn.state.confirm or "", "deletion.confirm"))


def _correcting(turn: Turn) -> str:
    lowering = turn.state.triage.lowering
    findings = [f for fact in lowering for f in load_protocol().covers(fact) or (fact,)]
    return turn.content.say("correction.confirm", items=finding_list(turn.content, findings))


def _checking_in(turn: Turn) -> str:
    return checkin_flow.question(turn)


def _guiding(turn: Turn) -> str:
    return turn.content.say("guides.cues.prompt")


def _asking(turn: Turn) -> str:
    state = turn.state
    question = pending_question(state)
    if question:
        return question_text(turn.content, question, state.triage.subject)
    return _starting(turn)


def _advised(turn: Turn) -> str:
    triage = turn.state.triage
    return offer_text(turn.content, triage.offer, triage.subject) or after_outcome(turn)


def _starting(turn: Turn) -> str:
    return turn.content.say("launch.reprompt")


PROMPTS: dict[Phase, Callable[[Turn], str]] = {
    Phase.CONFIRM: _confirming,
    Phase.CORRECT: _correcting,
    Phase.CHECKIN: _checking_in,
    Phase.GUIDE: _guiding,
    Phase.QUESTION: _asking,
    Phase.OUTCOME: _advised,
    Phase.START: _starting,
}

# Phases whose question is still waiting after an answer on the side.
STILL_ASKING = frozenset({Phase.QUESTION, Phase.CHECKIN, Phase.CORRECT})


def current(turn: Turn) -> str:
    """What the person is being asked right now (for help, fallback and repeat)."""
    return PROMPTS[turn.state.phase](turn)


def after_side(turn: Turn) -> str:
    """What to ask after answering something on the side (a summary, alerts, sharing)."""
    if turn.state.phase in STILL_ASKING:
        return current(turn)
    return turn.content.say("checkin.next")
