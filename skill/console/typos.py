"""Typing slips people make ("swolen", "brethless", "hamstirng"), corrected to a word the
model knows when exactly one edit away (generous mode only: Alexa hears speech, not
typing, so strict mode never guesses). Short words are left alone: "bold" is not "cold".
"""

from __future__ import annotations

from skill.console.builtins import BUILT_IN_PHRASES, LEADING_FILLERS, TRAILING_FILLERS
from skill.console.dates import MONTHS, WEEKDAYS
from skill.console.model import Model
from skill.console.negation import CLOSERS, NEGATORS, NO_GAP
from skill.console.quantities import AMOUNT_WORDS, DURATION_UNITS, TEENS, TENS, UNITS

MIN_LENGTH = 5
# Everyday words that are not in the model but must never be "corrected" into it.
_COMMON = (
    "about after again also always anything around because been before being better could "
    "didn't doesn't doing every feels first going hasn't having isn't maybe might more "
    "morning night other really since something still their there these they're thing "
    "think those though three today tomorrow want when where which while would yesterday "
    "hours house water hello sorry great thanks please right there's where's what's "
    # Real words one slip from a warning sign's words: "pushing the car" is not "gushing".
    "pushing rushing painting breeding pleading light sight fight eight shine glue"
)
COMMON = set(_COMMON.split())


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = sorted((a, b), key=len)
    return short in _deletes(long)


def vocabulary(model: Model) -> set[str]:
    words = {w for i in model.intents for s in i.samples for w in s if not w.startswith("{")}
    words |= {w for table in model.values.values() for phrase in table for w in phrase.split()}
    for phrases in (*BUILT_IN_PHRASES.values(), LEADING_FILLERS, TRAILING_FILLERS):
        words |= {w for p in phrases for w in p.split()}
    words |= set(UNITS) | set(TEENS) | set(TENS) | set(DURATION_UNITS) | set(WEEKDAYS)
    words |= {w for key in AMOUNT_WORDS for w in key} | set(MONTHS)
    words |= set(NEGATORS) | CLOSERS | NO_GAP | COMMON
    return words


def _index(model: Model) -> tuple[set[str], dict[str, list[str]]]:
    if "typos" not in model.derived:
        words = vocabulary(model)
        index: dict[str, list[str]] = {}
        for word in sorted(words):
            if len(word) >= MIN_LENGTH - 1 and word.isalpha():
                for key in {word, *_deletes(word)}:
                    index.setdefault(key, []).append(word)
        model.derived["typos"] = (words, index)
    found: tuple[set[str], dict[str, list[str]]] = model.derived["typos"]
    return found


# Real words typed for others, told apart by the word before ("I can't breath").
IN_CONTEXT = {("can't", "breath"): "breathe", ("cannot", "breath"): "breathe",
              ("to", "breath"): "breathe", ("cant", "breath"): "breathe"}  # fmt: skip


def correct(model: Model, toks: list[str]) -> list[str]:
    words, index = _index(model)
    out: list[str] = []
    for tok in toks:
        if out and (out[-1], tok) in IN_CONTEXT:
            out.append(IN_CONTEXT[(out[-1], tok)])
            continue
        if tok in words or len(tok) < MIN_LENGTH or not tok.replace("'", "").isalpha():
            out.append(tok)
            continue
        candidates = {w for key in {tok, *_deletes(tok)} for w in index.get(key, [])}
        # Same first letter first (people rarely slip on the first one), then the longer
        # word: a dropped letter is the commonest slip ("sciatia" is "sciatica").
        near = sorted((w for w in candidates if _one_edit(tok, w)),
                      key=lambda w: (w[0] != tok[0], -len(w), w))  # fmt: skip
        out.append(near[0] if near else tok)
    return out
