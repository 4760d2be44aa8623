"""Spoken words as data, per locale, loaded once at cold start.

en.json holds the English words; locales.json overlays each English locale's
emergency number, services, person labels and a "replace" map of local words, spelling
and units; guides.json holds guided sessions. Each locale's copy of en.json and
guides.json is localised once, when it is first asked for, so every spoken string (keys,
guide steps, cues) reads the locale's words. Unknown locales fall back to en-US.

While a request records (`record`), each string said is noted with what made it: the key
(or, for a template filled by `fill`, its place in the content) and the parameters. That
is what Repeat keeps (skill.alexa.repeat): content keys to say again, never the SSML.
"""

from __future__ import annotations

import json
import re
import string
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

_DIR = Path(__file__).parent
DEFAULT_LOCALE = "en-US"
MAX_NOTED = 400  # strings noted per request; a request never says more


class Said(NamedTuple):
    """One string said: made by key ("k") or by a content template's place ("f")."""

    kind: str
    locale: str
    ref: str
    subject: str | None
    extra: dict[str, Any]
    text: str


_noted: ContextVar[list[Said] | None] = ContextVar("leg_pain_guide_said", default=None)


def record() -> None:
    """Start noting what this request says (a request interceptor calls it)."""
    _noted.set([])


def noted() -> list[Said]:
    """What this request has said so far, in order."""
    return list(_noted.get() or ())


def _note(said: Said) -> None:
    found = _noted.get()
    if found is not None and len(found) < MAX_NOTED:
        found.append(said)


def _load(name: str) -> dict[str, Any]:
    return json.loads((_DIR / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _base() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return _load("en.json"), _load("guides.json"), _load("locales.json")


def supported_locales() -> list[str]:
    return sorted(k for k in _base()[2] if not k.startswith("_"))


class _Params(dict[str, Any]):
    """Format mapping that leaves unknown placeholders visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Content:
    locale: str
    words: dict[str, Any]
    guides: dict[str, Any]
    overlay: dict[str, Any]
    # Per person spoken about: the placeholders' values (see params).
    _params: dict[str | None, dict[str, Any]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def get(self, key: str) -> Any:
        """A node by dotted key; "guides.…" reads guides.json. Raises KeyError if absent."""
        node: Any = self.words
        parts = key.split(".")
        if parts[0] == "guides":
            node, parts = self.guides, parts[1:]
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                raise KeyError(key)
            node = node[part]
        return node

    def person(self, subject: str | None) -> dict[str, str]:
        subject = subject if subject in self.words["persons"] else "self"
        label = dict(self.words["persons"][subject])
        label.update(self.overlay.get("persons", {}).get(subject, {}))
        if subject not in ("self", "other"):
            label["whom"] = label["who"]  # "your mom", never an unclear "them"
        return label

    def params(self, subject: str | None = None, **extra: Any) -> dict[str, Any]:
        # Keyed by the person the words speak of (any other subject is "self", as in
        # person()), so the cache holds one entry per person, never one per voice id.
        key = subject if subject in self.words["persons"] else "self"
        base = self._params.get(key)
        if base is None:  # the same for every say() about this person: built once
            base = self._params[key] = self._person_params(key)
        values = _Params(base)
        values.update(extra)
        return values

    def _person_params(self, subject: str | None) -> dict[str, Any]:
        person = self.person(subject)
        values: dict[str, Any] = {
            "who": person["who"],
            "Who": _cap(person["who"]),
            "whose": person["whose"],
            "Whose": _cap(person["whose"]),
            "whom": person["whom"],
            "is": person["is"],
            "Is": _cap(person["is"]),
            "he": person["he"],
            "He": _cap(person["he"]),
            "his": person["his"],
            "His": _cap(person["his"]),
            "him": person.get("him", person["whom"]),
            "disclaimer": self.words["disclaimer"],
        }
        values.update({k: v for k, v in self.overlay.items() if isinstance(v, str)})
        return values

    def has(self, key: str) -> bool:
        try:
            return isinstance(self.get(key), str)
        except KeyError:
            return False

    def say(self, key: str, subject: str | None = None, **extra: Any) -> str:
        """The words under `key`, placeholders filled. An unknown key raises KeyError, so
        a typo fails a test instead of being spoken."""
        text = self.get(key)
        if not isinstance(text, str):
            raise KeyError(f"{key} is not a string")
        out = fill(text, self.params(subject, **extra))
        _note(Said("k", self.locale, key, subject, extra, out))
        return out

    def fill(self, template: str, subject: str | None = None, **extra: Any) -> str:
        """Fill a template that is already text (a guide step, a question variant)."""
        out = fill(template, self.params(subject, **extra))
        if _noted.get() is not None:
            place = _places(self.locale).get(template)
            if place is not None:
                _note(Said("f", self.locale, place, subject, extra, out))
        return out

    def at(self, place: str) -> str:
        """The template at a place `fill` noted ("guides.rice.steps.0.text"); KeyError if
        there is none (content changed since)."""
        node: Any = self.guides if place.startswith("guides.") else self.words
        parts = place.split(".")[1:] if place.startswith("guides.") else place.split(".")
        for part in parts:
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise KeyError(place)
        if not isinstance(node, str):
            raise KeyError(place)
        return node

    def spelling(self, text: str) -> str:
        """The locale's words, spelling and units (also for text built outside content)."""
        return str(localise(text, self.overlay.get("replace", {})))


def localise(node: Any, replace: dict[str, str]) -> Any:
    """Apply a locale's whole-word replacements to a string, or to every string in a tree.

    "counterclockwise" becomes "anticlockwise" and "Counterclockwise" "Anticlockwise";
    dict keys are ids and stay as they are.
    """
    if isinstance(node, dict):
        return {k: localise(v, replace) for k, v in node.items()}
    if isinstance(node, list):
        return [localise(v, replace) for v in node]
    if not isinstance(node, str):
        return node
    for us, local in replace.items():
        node = re.sub(rf"\b{re.escape(us)}\b", local, node)
        node = re.sub(rf"\b{re.escape(_cap(us))}\b", _cap(local), node)
    return node


_FORMATTER = string.Formatter()


def fill(template: str, params: dict[str, Any]) -> str:
    # Two passes so a placeholder may expand to text holding another ({disclaimer}).
    out = template
    for _ in range(2):
        if "{" not in out:
            break
        out = _FORMATTER.vformat(
            out, (), params if isinstance(params, _Params) else _Params(params)
        )
    return out


@lru_cache(maxsize=8)
def _places(locale: str) -> dict[str, str]:
    """Every string of a locale's content, to the place it is found (the first place)."""
    c = for_locale(locale)
    found: dict[str, str] = {}

    def walk(node: Any, place: str) -> None:
        if isinstance(node, str):
            found.setdefault(node, place)
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{place}.{key}" if place else str(key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{place}.{index}")

    walk(c.words, "")
    walk(c.guides, "guides")
    return found


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=8)
def for_locale(locale: str | None) -> Content:
    words, guides, locales = _base()
    locale = locale if locale in supported_locales() else DEFAULT_LOCALE
    overlay = locales[locale]
    replace = overlay.get("replace", {})
    return Content(
        locale=locale,
        words=localise(words, replace),
        guides=localise(guides, replace),
        overlay=overlay,
    )
