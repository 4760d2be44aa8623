"""The console's stand-in for Alexa's NLU: typed text in, launch or intent + slots out.

Driven entirely by the interaction model: invocation name, samples, slot-level samples,
slot types and their synonyms.

- strict: only what the model says literally. The whole utterance (after dropping
  hesitations and a leading "alexa" or a trailing "please") must be one sample with every
  {slot} filled by one of its type's values (a list of them for a multiple-value slot),
  or one of the AMAZON built-ins' own phrases; otherwise AMAZON.FallbackIntent. This is
  the pessimistic end of what Alexa may understand.
- generous (default): strict first, then typing slips corrected, then the fuzzy stage
  (values spotted anywhere, with denials kept apart), then a leading answer ("yeah a
  bit, I suppose"), then AMAZON.FallbackIntent. The optimistic end.
- trained: a statistical stand-in for Alexa's NLU, trained only on the model
  (skill.console.trained): strict's exact samples first, then an intent classifier and a
  slot tagger; built-ins only on their own phrases, ER_SUCCESS_NO_MATCH for words that
  are no value of their slot type, AMAZON.FallbackIntent below a margin. Between the two.

While the skill elicits a slot (Dialog.ElicitSlot), that slot's own samples come first,
as Alexa does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skill.console.builtins import LEADING_FILLERS, PURE_FILLERS, TRAILING_FILLERS
from skill.console.exact import Slots, exact, literal_prefixes, slot_trie
from skill.console.figures import without_figures
from skill.console.fuzzy import FINDING, SPOT_WEIGHT, fuzzy, spot
from skill.console.model import FALLBACK, Model, load
from skill.console.readings import Filled
from skill.console.text import tokens
from skill.console.typos import correct

LAUNCH_VERBS = ("open", "launch", "start", "begin", "load", "run", "play", "use")
ONE_SHOT_VERBS = ("ask", "tell")
CONNECTORS = ("to", "about", "that", "for", "if", "whether")
MODES = ("generous", "strict", "trained")


@dataclass(frozen=True)
class Elicit:
    """The slot the skill asked for with Dialog.ElicitSlot."""

    intent: str
    slot: str


@dataclass
class Match:
    """kind "launch" (a LaunchRequest) or "intent"; one_shot means "ask <skill> ...",
    which Alexa answers in a new session; elicited means the answer to an ElicitSlot."""

    kind: str
    intent: str = ""
    slots: Slots = field(default_factory=dict)
    one_shot: bool = False
    words: list[str] = field(default_factory=list)
    elicited: bool = False


def _strip(toks: list[str], phrases: tuple[str, ...], leading: bool) -> list[str]:
    for phrase in sorted(phrases, key=len, reverse=True):
        words = phrase.split()
        n = len(words)
        if len(toks) > n and (toks[:n] if leading else toks[-n:]) == words:
            return _strip(toks[n:] if leading else toks[:-n], phrases, leading)
    return toks


def without_fillers(toks: list[str]) -> list[str]:
    toks = [t for t in toks if t not in PURE_FILLERS] or toks
    return _strip(_strip(toks, LEADING_FILLERS, True), TRAILING_FILLERS, False)


def _variants(toks: list[str]) -> list[list[str]]:
    """The utterance as typed, then without fillers ("thanks" alone is ThanksIntent;
    "help, thanks" is help)."""
    bare = without_fillers(toks)
    return [toks, bare] if bare != toks else [toks]


def _exact(model: Model, toks: list[str], strict: bool, elicit: Elicit | None) -> Match | None:
    variants = _variants(toks)
    if elicit is not None:
        root = slot_trie(model, elicit.intent, elicit.slot)
        for words in variants:
            found = exact(model, words, strict, root) if root else None
            if found:
                return Match("intent", found[0], found[1], words=toks, elicited=True)
    for words in variants:
        found = exact(model, words, strict)
        if found:
            return Match("intent", found[0], found[1], words=toks)
    return None


# "ok", "okay" and "alright" followed by more words acknowledge, they do not answer:
# "ok I'll ring 111 then", "okay that's enough for now", "ok resume".
ACKNOWLEDGEMENTS = frozenset({("ok",), ("okay",), ("alright",), ("all", "right")})
ANSWER_INTENTS = ("AMAZON.YesIntent", "AMAZON.NoIntent", "DontKnowIntent")


def _lead(model: Model, toks: list[str]) -> tuple[str, int] | None:
    """The longest answer without slots the text starts with ("no not really, ...").
    A "yes" followed by "not" ("probably not", "definitely not really") is no yes, and
    an acknowledgement followed by more words is no answer at all."""
    found = [(name, n) for name, n in literal_prefixes(model, toks[:-1]) if _slotless(model, name)]
    if not found:
        return None
    name, n = found[-1]
    if name == "AMAZON.YesIntent" and (
        toks[n : n + 1] == ["not"] or tuple(toks[:n]) in ACKNOWLEDGEMENTS
    ):
        return None
    return name, n


def _after_lead(model: Model, toks: list[str], lead: tuple[str, int]) -> str | None:
    """ "Yeah, hang on, I'll ask him": an answer word followed by a request without slots
    (wait, repeat, help) is that request, not the answer."""
    rest = toks[lead[1] :]
    follows = [name for name, _ in literal_prefixes(model, rest) if _slotless(model, name)]
    return next((name for name in reversed(follows) if name not in ANSWER_INTENTS), None)


def _slotless(model: Model, name: str) -> bool:
    intent = model.intent(name)
    return intent is None or not intent.slots


def _elicited_values(model: Model, toks: list[str], elicit: Elicit) -> Match | None:
    """Generous: while a slot is elicited, a value of that intent's slot types anywhere in
    the answer ("uh the calf one I think") fills it."""
    intent = model.intent(elicit.intent)
    if intent is None:
        return None
    slots: Slots = {}
    spots = spot(model, toks)
    if any(FINDING in s.fills for s in spots):
        return None  # "my calf is swollen" during a menu is a finding, not a choice
    for s in spots:
        for name, slot_type in intent.slots:
            if slot_type in s.fills and name not in slots:
                fill = s.fills[slot_type]
                listed = Filled(fill.slot_type, fill.heard, None, (fill,))
                slots[name] = listed if name in intent.multi else fill
                break
    return Match("intent", intent.name, slots, words=toks, elicited=True) if slots else None


def _trained(model: Model, toks: list[str], elicit: Elicit | None) -> Match:
    """Trained: a sample said word for word first (and a built-in only so), as Alexa
    hears it; then the statistical reader (skill.console.trained)."""
    from skill.console import trained  # scikit-learn and crfsuite: only when asked for

    elicited = (elicit.intent, elicit.slot) if elicit else None
    for words in _variants(toks):
        found = trained.exact_first(model, words, elicited)
        if found:
            (name, slots), was_elicited = found
            return Match("intent", name, slots, words=toks, elicited=was_elicited)
    name, slots = trained.hear(model, without_fillers(toks), elicited)
    was_elicited = elicit is not None and name == elicit.intent and elicit.slot in slots
    return Match("intent", name, slots, words=toks, elicited=was_elicited)


def intent_for(
    model: Model, toks: list[str], nlu: str = "generous", elicit: Elicit | None = None
) -> Match:
    if nlu == "trained":
        return _trained(model, toks, elicit)
    strict = nlu == "strict"
    found = _exact(model, toks, strict, elicit)
    if found or strict:
        return found or Match("intent", FALLBACK, words=toks)
    toks = without_fillers(toks)
    fixed = correct(model, toks)
    if fixed != toks:
        found = _exact(model, fixed, False, elicit)
        if found:
            return found
        toks = fixed
    toks = without_figures(toks)
    lead = _lead(model, toks)
    request = _after_lead(model, toks, lead) if lead else None
    if request:
        return Match("intent", request, words=toks)
    if lead and lead[0] == "AMAZON.NoIntent":
        # "no, nothing like that" answers no; "no, I can't move it" goes on to what it states.
        rest = toks[lead[1] :]
        if not any(FINDING in s.fills for s in spot(model, rest)):
            return Match("intent", lead[0], words=toks)
    if elicit is not None:
        answer = _elicited_values(model, toks, elicit)
        if answer:
            return answer
    matched = fuzzy(model, toks)
    # "yeah a bit, I suppose": a leading answer beats an intent that holds no real value.
    if matched and not (lead and matched[2] < SPOT_WEIGHT):
        return Match("intent", matched[0], matched[1], words=toks)
    if lead:
        return Match("intent", lead[0], words=toks)
    return Match("intent", FALLBACK, words=toks)


def _invocation(model: Model, toks: list[str], nlu: str) -> Match | None:
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
        found = intent_for(model, rest, nlu)
        found.one_shot = True
        return found
    return None


def understand(
    text: str,
    model: Model | None = None,
    locale: str = "en-US",
    nlu: str = "generous",
    elicit: Elicit | None = None,
) -> Match:
    """Read one utterance. `model` injects a model (tests); otherwise the locale's file.
    `nlu` is "generous", "strict" or "trained"; `elicit` the slot the skill just asked for."""
    if nlu not in MODES:
        raise ValueError(f"nlu must be one of {MODES}, not {nlu!r}")
    model = model or load(locale)
    toks = _strip(tokens(text), ("alexa",), True) if text else []
    if toks == ["alexa"]:
        toks = []
    return _invocation(model, toks, nlu) or intent_for(model, toks, nlu, elicit)
