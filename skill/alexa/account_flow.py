"""The account's own data: deleting everything, confirmed first (check-ins are
skill.alexa.checkin_flow's; caregivers, caregiver_flow's)."""

from __future__ import annotations

from skill.alexa import failures
from skill.alexa.turn import Reply, Turn


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
        turn.handler_input.attributes_manager.delete_persistent_attributes()
    state.clear()
    return Reply(c.say("deletion.done"), end=True)
