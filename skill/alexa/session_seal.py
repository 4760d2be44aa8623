"""Session attributes are sealed: what comes back must be what this skill sent.

The conversation's state rides in session attributes, which the request sends back, so a
forged request could carry any state: one answer instead of seven to reach self-care, a
`lowering` that takes back an emergency, `confirm: "delete"` so that "yes" deletes, a
`checkin.profile` naming another voice, a `last` that Repeat would play. So every response's
session attributes carry SEAL_KEY, an HMAC (skill.keys.session_seal, the skill's secret)
over the attributes, the session id and the user id; a request whose attributes do not
match their seal has them dropped before anything reads them, with a warning, and the
conversation starts again from nothing (the profile is then read from the store). Alexa,
the console and the tests send the attributes back unchanged, so they keep matching.

Without the secret (it could not be read this turn) nothing can be sealed or checked, and
the state is taken as it comes, with a warning: a person who was just asked "If your leg
is cold, call 911 now. Is it?" must hear the full warning when they say yes, whatever
the parameter store does. Nothing can be read or stored in such a turn either (there is
no user key), so forged state can then at most change what is said in that session; a
forger cannot make the secret unreadable.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from skill import keys
from skill.store import budget

logger = logging.getLogger(__name__)
SEAL_KEY = "seal"


def _text(attributes: dict[str, Any], session_id: object, user_id: object) -> str:
    body = {k: v for k, v in attributes.items() if k != SEAL_KEY}
    return json.dumps([str(session_id), str(user_id), body], sort_keys=True, separators=(",", ":"))


def _seal(attributes: dict[str, Any], session_id: object, user_id: object) -> str | None:
    try:
        if keys.ready():
            return keys.session_seal(_text(attributes, session_id, user_id))
        with budget.tight(keys.KEY_WAIT_S):
            return keys.session_seal(_text(attributes, session_id, user_id))
    except (keys.KeyUnavailable, TypeError, ValueError):
        return None


def _ids(event: dict[str, Any]) -> tuple[object, object]:
    session = event.get("session")
    session = session if isinstance(session, dict) else {}
    user = session.get("user")
    user_id = user.get("userId") if isinstance(user, dict) else None
    return session.get("sessionId"), user_id


def opened(event: Any) -> Any:
    """The event with its session attributes kept only if their seal matches (a copy when
    they are dropped; the caller's dict is never changed)."""
    session = event.get("session") if isinstance(event, dict) else None
    if not isinstance(session, dict):
        return event
    attributes = session.get("attributes")
    if not isinstance(attributes, dict) or not attributes:
        return event
    found = attributes.get(SEAL_KEY)
    expected = _seal(attributes, *_ids(event))
    if isinstance(found, str) and expected is not None and hmac.compare_digest(found, expected):
        return event
    if expected is None:
        logger.warning("session state not checked: the secret is unavailable")
        return event
    logger.warning("session state dropped: its seal does not match")
    return {**event, "session": {**session, "attributes": {}}}


def sealed(event: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """The response with its session attributes sealed (in place; returned for chaining)."""
    attributes = response.get("sessionAttributes")
    if isinstance(attributes, dict) and attributes:
        attributes.pop(SEAL_KEY, None)
        seal = _seal(attributes, *_ids(event))
        if seal is not None:
            attributes[SEAL_KEY] = seal
    return response
