"""The console's stand-in for Alexa's NLU: typed text in, launch or intent + slots out.

Driven entirely by the interaction model: invocation name, samples, slot types and
their synonyms. Stages: invocation phrases, exact sample match, fuzzy match, prefix
answers ("yeah a bit, I suppose"), then AMAZON.FallbackIntent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skill.console.builtins import LEADING_FILLERS, TRAILING_FILLERS
from skill.console.exact import Slots, exact, match_intent
from skill.console.fuzzy import fuzzy
from skill.console.model import FALLBACK, Model, load
from skill.console.text import tokens

LAUNCH_VERBS = ("open", "launch", "start", "begin", "load", "run", "play", "use")
ONE_SHOT_VERBS = ("ask", "tell")
CONNECTORS = ("to", "about", "that", "for", "if", "whether")


@dataclass
class Match:
    """kind "launch" (a LaunchRequest) or "intent"; one_shot means "ask <skill> ...",
    which Alexa answers in a new session."""

    kind: str
    intent: str = ""
    slots: Slots = field(default_factory=dict)
    one_shot: bool = False
    words: list[str] = field(default_factory=list)


def _strip(toks: list[str], phrases: tuple[str, ...], leading: bool) -> list[str]:
    for phrase in sorted(phrases, key=len, reverse=True):
        words = phrase.split()
        n = len(words)
        if len(toks) > n and (toks[:n] if leading else toks[-n:]) == words:
            return _strip(toks[n:] if leading else toks[:-n], phrases, leading)
    return toks


def without_fillers(toks: list[str]) -> list[str]:
    return _strip(_strip(toks, LEADING_FILLERS, True), TRAILING_FILLERS, False)


def _invocation(model: Model, toks: list[str]) -> Match | None:
    name = model.invocation.split()
    if not name:
        return None
    if toks == name or (toks[:1] and toks[0] in LAUNCH_VERBS and toks[1 : 1 + len(name)] == name):
        return Match("launch", words=toks)
    if toks[:1] and toks[0] in ONE_SHOT_VERBS and toks[1 : 1 + len(name)] == name:
        rest = toks[1 + len(name) :]
        if rest[:1] and rest[0] in CONNECTORS:
            rest = rest[1:]
        if not rest:
            return Match("launch", words=toks)
        found = intent_for(model, rest)
        found.one_shot = True
        return found
    return None


def _prefix(model: Model, toks: list[str]) -> tuple[str, int] | None:
    """The longest answer without slots that the text starts with ("no not really, ...")."""
    best: tuple[str, int] | None = None
    for intent in model.intents:
        if intent.slots or intent.name == FALLBACK:
            continue
        longest = max((len(s) for s in intent.samples), default=0)
        for n in range(min(len(toks) - 1, longest), 0, -1):
            if (best is None or n > best[1]) and match_intent(model, intent, toks[:n]):
                best = (intent.name, n)
                break
    return best


def intent_for(model: Model, toks: list[str]) -> Match:
    toks = without_fillers(toks)
    found = exact(model, toks)
    if found:
        return Match("intent", found[0], found[1], words=toks)
    lead = _prefix(model, toks)
    # Light negation: "no, she hasn't been breathless" answers the question with no;
    # "no, but it is swollen" goes on to the values it names.
    if lead and lead[0] == "AMAZON.NoIntent" and "but" not in toks[lead[1] :]:
        return Match("intent", lead[0], words=toks)
    found = fuzzy(model, toks)
    if found:
        return Match("intent", found[0], found[1], words=toks)
    if lead:
        return Match("intent", lead[0], words=toks)
    return Match("intent", FALLBACK, words=toks)


def understand(text: str, model: Model | None = None, locale: str = "en-US") -> Match:
    """Read one utterance. `model` injects a model (tests); otherwise the locale's file."""
    model = model or load(locale)
    toks = _strip(tokens(text), ("alexa",), True) if text else []
    if toks == ["alexa"]:
        toks = []
    return _invocation(model, toks) or intent_for(model, toks)
