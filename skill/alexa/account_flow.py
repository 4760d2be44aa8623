"""The account's own data: deleting everything, confirmed first (check-ins are
skill.alexa.checkin_flow's; caregivers, caregiver_flow's)."""

from __future__ import annotations

import logging

from skill import metrics
from skill.alexa import failures
from skill.alexa.turn import NOTHING, Reply, Turn
from skill.store import StoreError

logger = logging.getLogger(__name__)


def ask_delete(turn: Turn) -> Reply:
    text = turn.content.say("deletion.confirm")
    turn.state.confirm = "delete"
    return Reply(text, reprompt=text)


def confirm_delete(turn: Turn) -> Reply:
    """Yes deletes everything for the account; anything else keeps it."""
    c = turn.content
    state = turn.state
    state.confirm = None
    if turn.intent_name != "AMAZON.YesIntent":
        return Reply(c.say("deletion.kept"), end=True)
    # On failure, never pretend it worked (failures.DELETE_DATA's words).
    with failures.storage(failures.DELETE_DATA):
        turn.delete_account()
    state.clear()
    return Reply(c.say("deletion.done"), end=True)


def skill_event(turn: Turn) -> Reply:
    """Skill events have no session and take no speech. Disabling the skill without
    asking to keep data deletes everything stored for the account."""
    # persistence_status is set by skill.alexa.entry from the raw event.
    if (
        turn.request_type == "AlexaSkillEvent.SkillDisabled"
        and getattr(turn.request, "persistence_status", None) != "PERSISTED"
    ):
        try:
            turn.delete_account()
        except StoreError as exc:  # events take no speech; the metric alarms
            metrics.count(
                logger,
                metrics.Metric.STORAGE_FAILURES,
                "could not delete data (%s)",
                type(exc).__name__,
                level=logging.ERROR,
            )
    return NOTHING
