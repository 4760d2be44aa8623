"""Exact stage: the whole utterance must be one of the model's samples, with each {slot}
filled by a phrase its type can hear (a list of them for a multiple-value slot).

Samples are kept in a word trie, so thousands of them cost little: the walk follows the
literal words the text has and tries slot readings only where a sample has a slot, with
each (trie node, position) worked out once. Among full matches the one that fills the
most slots wins, then the one with the most literal words (the most specific sample),
then the first intent in the model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from skill.console.model import Intent, Model
from skill.console.quantities import TEENS, TENS, UNITS
from skill.console.readings import Filled, list_readings, readings

# A literal "ten" in a sample also matches a typed "10".
_WORD_OF_DIGITS = {str(n): w for table in (UNITS, TEENS, TENS) for w, n in table.items()}

Slots = dict[str, Filled]
Score = tuple[int, int]  # (slots filled, literal words)
Found = tuple[Score, str, Slots]
SlotEdge = tuple[str, str, bool]  # (slot name, slot type, takes a list)


@dataclass
class Node:
    words: dict[str, Node] = field(default_factory=dict)
    slots: dict[SlotEdge, Node] = field(default_factory=dict)
    ends: list[str] = field(default_factory=list)  # intents with a sample ending here


def build_trie(entries: Iterable[tuple[Intent, list[str]]]) -> Node:
    root = Node()
    for intent, sample in entries:
        types = dict(intent.slots)
        node = root
        for part in sample:
            if part.startswith("{"):
                name = part[1:-1]
                if name not in types:
                    break  # a sample naming an undeclared slot never matches (a build error)
                edge = (name, types[name], name in intent.multi)
                node = node.slots.setdefault(edge, Node())
            else:
                node = node.words.setdefault(part, Node())
        else:
            if intent.name not in node.ends:
                node.ends.append(intent.name)
    return root


def intent_trie(model: Model) -> Node:
    if "trie" not in model.derived:
        model.derived["trie"] = build_trie((i, s) for i in model.intents for s in i.samples)
    trie: Node = model.derived["trie"]
    return trie


def slot_trie(model: Model, intent_name: str, slot: str) -> Node | None:
    """The slot-level samples Alexa listens for while the skill elicits this slot."""
    key = f"elicit:{intent_name}.{slot}"
    if key not in model.derived:
        intent = model.intent(intent_name)
        samples = intent.slot_samples.get(slot, []) if intent else []
        model.derived[key] = build_trie((intent, s) for s in samples) if intent else None
    trie: Node | None = model.derived[key]
    return trie


class _Walk:
    def __init__(self, model: Model, toks: list[str], strict: bool) -> None:
        self.model, self.toks, self.strict = model, toks, strict
        self.memo: dict[tuple[int, int], Found | None] = {}
        self.read: dict[tuple[str, int, bool], list[tuple[int, Filled]]] = {}

    def readings(self, slot_type: str, i: int, multi: bool) -> list[tuple[int, Filled]]:
        key = (slot_type, i, multi)
        if key not in self.read:
            if multi:
                self.read[key] = list_readings(
                    lambda at: self.readings(slot_type, at, False), self.toks, i
                )
            else:
                self.read[key] = readings(self.model, slot_type, self.toks, i, True, self.strict)
        return self.read[key]

    def best(self, node: Node, i: int) -> Found | None:
        key = (id(node), i)
        if key in self.memo:
            return self.memo[key]
        result: Found | None = None
        if i == len(self.toks) and node.ends:
            result = ((0, 0), node.ends[0], {})
        if i < len(self.toks):
            word = self.toks[i]
            for literal in dict.fromkeys((word, _WORD_OF_DIGITS.get(word, word))):
                child = node.words.get(literal)
                found = self.best(child, i + 1) if child else None
                if found:
                    score = (found[0][0], found[0][1] + 1)
                    if result is None or score > result[0]:
                        result = (score, found[1], found[2])
            for (name, slot_type, multi), child in node.slots.items():
                for end, filled in self.readings(slot_type, i, multi):
                    found = self.best(child, end)
                    if found and name not in found[2]:
                        score = (found[0][0] + 1, found[0][1])
                        if result is None or score > result[0]:
                            result = (score, found[1], {name: filled, **found[2]})
        self.memo[key] = result
        return result


def exact(
    model: Model, toks: list[str], strict: bool = False, root: Node | None = None
) -> tuple[str, Slots] | None:
    """The best full match of the utterance, as (intent name, slots)."""
    if not toks:
        return None
    found = _Walk(model, toks, strict).best(root or intent_trie(model), 0)
    return (found[1], found[2]) if found else None


def literal_prefixes(model: Model, toks: list[str]) -> list[tuple[str, int]]:
    """Every (intent, n) where toks[:n] is a whole sample without slots: the answer an
    utterance starts with ("no not really, ...")."""
    found = []
    node = intent_trie(model)
    for n, word in enumerate(toks, 1):
        following = node.words.get(word) or node.words.get(_WORD_OF_DIGITS.get(word, word))
        if following is None:
            break
        node = following
        found += [(name, n) for name in node.ends[:1]]
    return found
