"""What Repeat keeps: content keys and their parameters, never the SSML that was spoken.

Every reply is made of strings from the content (skill.content: `say` by key, `fill` of
a template with a place in the content) joined with single spaces, and pauses. While a
request runs, the content notes each string it gives (skill.content.record); a reply is
kept for Repeat as the list of those that make it up, found in its text:

    ["k", key, subject, params]     c.say(key, subject, **params)
    ["f", place, subject, params]   c.fill(c.at(place), subject, **params)
    ["p", ms]                       a pause (skill.speech.ssml.pause)

with the locale appended when a string came from another locale's content (an alert's
advice, given where the owner is). A parameter is a number, a short plain text (letters,
digits, spaces and punctuation: no markup, no entities), or {"$": [parts]}, the same
again for a string that was itself said. Repeat says the parts again through the content,
so a forged or stale session can at worst pick other words of the skill's own; a key
that no longer exists or a parameter that is not plain is not said (Repeat falls back to
the question). A reply not made only of such strings is not kept; Repeat then says the
question it asked (its reprompt), or where the person is. Small: keys are shorter than
the words they stand for, and the session is serialised every turn.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

from skill.content import Content, Said, for_locale, noted, supported_locales
from skill.speech.ssml import MAX_BREAK_MS, pause

_PAUSE = re.compile(r'<break time="(\d{1,5})ms"/>')
_PLAIN = re.compile("[\\w ,.'\u2019?!:;()/%+\\-\u2013\u2014]*")  # no markup, no entities
_SUBJECT = re.compile(r"[a-z_]{1,24}")
MAX_PLAIN = 200  # characters in one plain parameter
MAX_DEPTH = 3  # strings said inside strings said
MAX_PARTS = 64


def digest(text: str) -> str:
    """A short fingerprint of what was said: "the same words again" without keeping them."""
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=6).hexdigest()


def parts_of(text: str, locale: str) -> list[Any] | None:
    """The parts that say `text` again, from what this request said; None if it was not
    made only of content strings and pauses."""
    said = sorted((s for s in noted() if s.text.strip()), key=lambda s: -len(s.text.strip()))
    return _parts(text.strip(), said, locale, 0)


def _parts(text: str, said: list[Said], locale: str, depth: int) -> list[Any] | None:
    parts: list[Any] = []
    at = 0
    while at < len(text):
        if parts:
            if text[at] != " ":
                return None
            at += 1
        found = _PAUSE.match(text, at)
        if found:
            parts.append(["p", int(found[1])])
            at = found.end()
            continue
        for s in said:
            piece = s.text.strip()
            if text.startswith(piece, at):
                encoded = _said(s, said, locale, depth)
                if encoded is not None:
                    parts.append(encoded)
                    at += len(piece)
                    break
        else:
            return None
        if len(parts) > MAX_PARTS:
            return None
    return parts


def _said(s: Said, said: list[Said], locale: str, depth: int) -> list[Any] | None:
    params: dict[str, Any] = {}
    for name, value in s.extra.items():
        if _plain(value):
            params[name] = value
        elif isinstance(value, str) and depth < MAX_DEPTH:
            inner = _parts(value.strip(), [o for o in said if o is not s], s.locale, depth + 1)
            if inner is None:
                return None
            params[name] = {"$": inner}
        else:
            return None
    out: list[Any] = [s.kind, s.ref, s.subject, params]
    if s.locale != locale:
        out.append(s.locale)
    return out


def say_again(parts: object, c: Content) -> str | None:
    """The words of kept parts, said through the content again; None for anything that is
    not parts this module keeps (a forged session, or content changed since)."""
    try:
        return _render(parts, c, 0)
    except (KeyError, ValueError, TypeError, IndexError):
        return None


def _render(parts: object, c: Content, depth: int) -> str:
    if not isinstance(parts, list) or not parts or len(parts) > MAX_PARTS or depth > MAX_DEPTH:
        raise ValueError("not parts")
    return " ".join(_one(part, c, depth).strip() for part in parts)


def _one(part: object, c: Content, depth: int) -> str:
    if not isinstance(part, list) or not part:
        raise ValueError("not a part")
    if part[0] == "p" and len(part) == 2 and type(part[1]) is int:
        return pause(min(part[1], MAX_BREAK_MS))
    if part[0] not in ("k", "f") or len(part) not in (4, 5):
        raise ValueError("not a part")
    kind, ref, subject, params = part[:4]
    if len(part) == 5:
        if part[4] not in supported_locales():
            raise ValueError("not a locale")
        c = for_locale(part[4])
    if not isinstance(ref, str) or not isinstance(params, dict):
        raise ValueError("not a part")
    if subject is not None and not (isinstance(subject, str) and _SUBJECT.fullmatch(subject)):
        raise ValueError("not a subject")
    extra = {str(name): _param(value, c, depth) for name, value in params.items()}
    if kind == "k":
        return c.say(ref, subject, **extra)
    return c.fill(c.at(ref), subject, **extra)


def _plain(value: object) -> bool:
    """A parameter kept as it is: a number, or a short text with no markup or entities."""
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and len(value) <= MAX_PLAIN and bool(_PLAIN.fullmatch(value))


def _param(value: object, c: Content, depth: int) -> Any:
    if _plain(value):
        return value
    if isinstance(value, dict) and set(value) == {"$"}:
        return _render(value["$"], c, depth + 1)
    raise ValueError("not a parameter")
