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
import re
from typing import Any

from skill import keys
from skill.store import budget

logger = logging.getLogger(__name__)
SEAL_KEY = "seal"


_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
_STRICT = json.JSONEncoder(sort_keys=True, separators=(",", ":"), allow_nan=False).encode
_SEAL = re.compile(r"[0-9a-f]{32}")


def _text(attributes: dict[str, Any]) -> str:
    """The attributes as canonical JSON without the seal (the ids go in front of it).
    Every turn runs this twice (open, seal), so the seal is cut out of the JSON text (keys
    are sorted, so it sits in one known place) rather than the attributes copied."""
    text = _ENCODE(attributes)
    found = attributes.get(SEAL_KEY)
    if found is not None:
        entry = f'"{SEAL_KEY}":{_ENCODE(found)}'
        text = (
            text.replace(entry + ",", "", 1)
            if entry + "," in text
            else text.replace("," + entry, "", 1).replace(entry, "", 1)
        )
    return text


def _seal(attributes: dict[str, Any], session_id: object, user_id: object) -> str | None:
    try:
        return _seal_text(_text(attributes), session_id, user_id)
    except (TypeError, ValueError, RecursionError):
        return None


def _seal_text(text: str, session_id: object, user_id: object) -> str | None:
    """The seal of the attributes' canonical text (without the seal) for these ids."""
    try:
        if keys.ready():
            return keys.session_seal(f"{session_id}\n{user_id}\n{text}")
        with budget.tight(keys.KEY_WAIT_S):
            return keys.session_seal(f"{session_id}\n{user_id}\n{text}")
    except keys.KeyUnavailable:
        return None


def _available() -> bool:
    """Whether the secret can be had this turn (within the key's wait)."""
    return _seal({}, "", "") is not None


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
    if isinstance(found, str) and _SEAL.fullmatch(found):
        expected = _seal(attributes, *_ids(event))
        if expected is not None and hmac.compare_digest(found, expected):
            return event
    else:  # no seal at all: nothing to compute, unless the secret is unavailable
        expected = "" if _available() else None
    if expected is None:
        logger.warning("session state not checked: the secret is unavailable")
        return event
    logger.warning("session state dropped: its seal does not match")
    return {**event, "session": {**session, "attributes": {}}}


def sealed(event: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """The response with its session attributes sealed (in place; returned for chaining)."""
    seal(event, response)
    return response


def seal(event: dict[str, Any], response: dict[str, Any]) -> int | None:
    """Seal the response's session attributes in place. Returns how many characters they
    take as strict JSON (no Infinity), so the entry's size check need not encode them
    again; None when there were none, or they could not be sealed."""
    attributes = response.get("sessionAttributes")
    if not isinstance(attributes, dict) or not attributes:
        return None
    attributes.pop(SEAL_KEY, None)
    text = _strict(attributes)
    sealed_as = None if text is None else _seal_text(text, *_ids(event))
    if text is None or sealed_as is None:
        return None
    attributes[SEAL_KEY] = sealed_as
    return len(text) + len(sealed_as) + 12  # ,"seal":"…"


def _strict(attributes: dict[str, Any]) -> str | None:
    try:
        return _STRICT(attributes)
    except (TypeError, ValueError, RecursionError):
        return None  # not JSON Alexa would take: not sealed, and the entry trims it
