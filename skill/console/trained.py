"""The trained NLU: a statistical stand-in for Alexa's, trained only on the interaction model.

Alexa's NLU is neither the strict matcher (literal samples) nor the generous reader (words
spotted anywhere, typing slips forgiven): it is a model trained on the samples. It
generalises to unseen phrasings of custom intents, fires Alexa's built-in intents only
on their own phrases, weights slot values toward the slot type's list but returns a span
outside it with ER_SUCCESS_NO_MATCH, and answers AMAZON.FallbackIntent when no intent is
likely enough. This module does the same with
- an intent classifier: TF-IDF over character and word n-grams, and over the words with
  slot values replaced by their type, into a linear SVM (scikit-learn);
- a slot tagger: a linear-chain CRF (python-crfsuite) over words, their neighbours and
  the slot types a word can be part of;
both trained on skill.console.training's examples. Training takes seconds per locale; the
result is cached on disk by a hash of the model's JSON and the libraries' versions
(LEG_PAIN_NLU_CACHE, or ~/.cache/leg-pain-guide/nlu), so a model change retrains and an
unchanged one loads. Training is deterministic: fixed seeds, sorted inputs.

scikit-learn and python-crfsuite are development dependencies only (the `dev` extra):
nothing here is imported by the skill, and nothing of it goes into the Lambda package.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill import config
from skill.console.exact import Slots, exact, slot_trie
from skill.console.model import FALLBACK, Model
from skill.console.readings import Filled, readings
from skill.console.training import OUTSIDE, Example, examples

# Bump when what training depends on changes outside trained.py and training.py.
TRAINING_VERSION = "1"
# Lowest decision score of the best intent before the turn is AMAZON.FallbackIntent, per
# the model's fallbackIntentSensitivity (HIGH sends more turns to the fallback).
FALLBACK_BELOW = {"LOW": -0.35, "MEDIUM": -0.2, "HIGH": 0.0}
CRF_EPOCHS = 10  # passes of the averaged perceptron over the examples
KEEP_TRAINED = 15  # trained models kept in the cache: three sets of the five locales


def cache_dir() -> Path:
    settings = config.get()
    if settings.nlu_cache:
        return Path(settings.nlu_cache)
    base = settings.xdg_cache_home or Path.home() / ".cache"
    return Path(base) / "leg-pain-guide" / "nlu"


def _versions() -> str:
    import numpy
    import pycrfsuite
    import scipy
    import sklearn

    crf = getattr(pycrfsuite, "__version__", "?")
    return f"{TRAINING_VERSION}/sklearn {sklearn.__version__}/crfsuite {crf}/numpy " + (
        f"{numpy.__version__}/scipy {scipy.__version__}"
    )


def _code() -> str:
    """The training code itself: a change to the features or the training retrains."""
    here = Path(__file__).resolve().parent
    sources = b"".join((here / name).read_bytes() for name in ("trained.py", "training.py"))
    return hashlib.sha256(sources).hexdigest()


def cache_key(model: Model) -> str:
    key = f"{model.digest}|{_versions()}|{_code()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


# --- features ---------------------------------------------------------------------------


def _gazetteer(model: Model) -> tuple[dict[str, tuple[str, ...]], int]:
    """phrase -> the slot types that list it (as a name or synonym); the longest phrase."""
    if "gazetteer" not in model.derived:
        table: dict[str, set[str]] = {}
        for slot_type, phrases in model.values.items():
            for phrase in phrases:
                table.setdefault(phrase, set()).add(slot_type)
        longest = max((len(p.split()) for p in table), default=1)
        model.derived["gazetteer"] = ({p: tuple(sorted(t)) for p, t in table.items()}, longest)
    gazetteer: tuple[dict[str, tuple[str, ...]], int] = model.derived["gazetteer"]
    return gazetteer


def spans_of_types(model: Model, words: list[str]) -> list[list[str]]:
    """Per word, the marks "B:TYPE"/"I:TYPE" of every listed phrase it is part of, and
    "NUM" for a number word or digits."""
    table, longest = _gazetteer(model)
    marks: list[list[str]] = [[] for _ in words]
    for i in range(len(words)):
        for end in range(min(len(words), i + longest), i, -1):
            for slot_type in table.get(" ".join(words[i:end]), ()):
                marks[i].append(f"B:{slot_type}")
                for j in range(i + 1, end):
                    marks[j].append(f"I:{slot_type}")
        if readings(model, "AMAZON.NUMBER", words, i, False):
            marks[i].append("NUM")
    return marks


def masked(model: Model, words: list[str]) -> str:
    """The words with each listed phrase (longest first) replaced by its slot type."""
    table, longest = _gazetteer(model)
    out, i = [], 0
    while i < len(words):
        for end in range(min(len(words), i + longest), i, -1):
            types = table.get(" ".join(words[i:end]))
            if types:
                out.append("_".join(types))
                i = end
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def token_features(model: Model, words: list[str]) -> list[list[str]]:
    marks = spans_of_types(model, words)
    padded = ["<s>", "<s>", *words, "</s>", "</s>"]
    feats = []
    for i, word in enumerate(words):
        at = i + 2
        f = [
            "w=" + word,
            "suf=" + word[-3:],
            "pre=" + word[:3],
            "w-1=" + padded[at - 1],
            "w+1=" + padded[at + 1],
            "w-2=" + padded[at - 2],
            "w+2=" + padded[at + 2],
            "w-1w=" + padded[at - 1] + "|" + word,
            "ww+1=" + word + "|" + padded[at + 1],
            "w-2w-1=" + padded[at - 2] + "|" + padded[at - 1],
        ]
        f += ["m=" + m for m in marks[i]]
        f += ["m-1=" + m for m in (marks[i - 1] if i else ["BOS"])]
        f += ["m+1=" + m for m in (marks[i + 1] if i + 1 < len(words) else ["EOS"])]
        feats.append(f)
    return feats


# --- training and the cache --------------------------------------------------------------


@dataclass
class Trained:
    classifier: Any  # a fitted scikit-learn pipeline over (text, masked text)
    intents: list[str]
    tagger_path: Path
    tagger: Any = None  # pycrfsuite.Tagger, opened on first use

    def tag(self, model: Model, words: list[str]) -> list[str]:
        if self.tagger is None:
            import pycrfsuite

            self.tagger = pycrfsuite.Tagger()
            self.tagger.open(str(self.tagger_path))
        return list(self.tagger.tag(token_features(model, words)))


def _classifier() -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    words = {"token_pattern": r"[^ ]+", "sublinear_tf": True}
    features = ColumnTransformer(
        [
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
                0,
            ),
            ("words", TfidfVectorizer(ngram_range=(1, 2), **words), 0),
            ("types", TfidfVectorizer(ngram_range=(1, 3), **words), 1),
        ]
    )
    return Pipeline([("features", features), ("svm", LinearSVC(C=0.5, random_state=0))])


def _rows(model: Model, texts: list[list[str]]) -> list[list[str]]:
    return [[" ".join(w), masked(model, w)] for w in texts]


def train(model: Model, where: Path) -> Trained:
    import pycrfsuite

    data: list[Example] = examples(model)
    classifier = _classifier()
    classifier.fit(_rows(model, [list(e.words) for e in data]), [e.intent for e in data])
    # The averaged perceptron: as good here as L-BFGS, in a tenth of the time.
    trainer = pycrfsuite.Trainer(algorithm="ap", verbose=False)
    for e in data:  # the fallback's samples hold no slot: nothing for the tagger
        if any(t != OUTSIDE for t in e.tags) or e.intent != FALLBACK:
            trainer.append(token_features(model, list(e.words)), list(e.tags))
    trainer.set_params({"max_iterations": CRF_EPOCHS})
    # The perceptron shuffles the examples with the C library's rand(): seed it, so the
    # same model always trains to the same tagger, however many trained before it.
    ctypes.CDLL(None).srand(0)
    where.mkdir(parents=True, exist_ok=True)
    tagger = where / f"{cache_key(model)}.crf"
    with tempfile.NamedTemporaryFile(dir=where, suffix=".crf.part", delete=False) as part:
        pass
    trainer.train(part.name)
    os.replace(part.name, tagger)
    intents = [str(c) for c in classifier.classes_]
    trained = Trained(classifier, intents, tagger)
    with tempfile.NamedTemporaryFile(dir=where, suffix=".pkl.part", delete=False) as out:
        pickle.dump((classifier, intents), out)
    os.replace(out.name, where / f"{cache_key(model)}.pkl")
    _prune(where)
    return trained


def _prune(where: Path, keep: int = KEEP_TRAINED) -> None:
    """Drop all but the newest `keep` trained models (each edit of a model or of this code
    trains anew; about 14 MB each). By age order, not by date: a faketime run must not
    take the cache for stale."""
    models = sorted(where.glob("*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        for path in (old, old.with_suffix(".crf")):
            path.unlink(missing_ok=True)


def trained_for(model: Model) -> Trained:
    """The model's trained NLU: from memory, from the disk cache, or trained now."""
    if "trained" not in model.derived:
        where = cache_dir()
        key = cache_key(model)
        pickled, tagger = where / f"{key}.pkl", where / f"{key}.crf"
        if pickled.exists() and tagger.exists():
            with pickled.open("rb") as f:
                classifier, intents = pickle.load(f)  # our own cache file, by content hash
            model.derived["trained"] = Trained(classifier, intents, tagger)
        else:
            model.derived["trained"] = train(model, where)
    trained: Trained = model.derived["trained"]
    return trained


# --- reading an utterance ----------------------------------------------------------------


def _resolve(model: Model, slot_type: str, words: list[str]) -> Filled | None:
    """A tagged span as Alexa fills it: a listed value or synonym is ER_SUCCESS_MATCH, any
    other words ER_SUCCESS_NO_MATCH; a built-in type only when it reads the whole span."""
    if slot_type in model.values:
        table = model.values[slot_type]
        phrase = " ".join(words)
        if phrase not in table:
            # Alexa weights slot values toward the list: a span that holds a listed
            # phrase ("swollen left calf" for a symptom) is heard as that phrase.
            inner = [
                " ".join(words[i:j])
                for n in range(len(words) - 1, 0, -1)
                for i in range(len(words) - n + 1)
                for j in (i + n,)
                if " ".join(words[i:j]) in table
            ]
            phrase = inner[0] if inner else phrase
        value = table.get(phrase)
        return Filled(slot_type, phrase, value, no_match=value is None)
    whole = [f for end, f in readings(model, slot_type, words, 0, True, True) if end == len(words)]
    return whole[0] if whole else None


def _spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """(slot, start, end) of each B/I run."""
    found: list[tuple[str, int, int]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-") or (
            tag.startswith("I-") and (not found or found[-1][2] != i or found[-1][0] != tag[2:])
        ):
            found.append((tag[2:], i, i + 1))
        elif tag.startswith("I-"):
            name, start, _ = found[-1]
            found[-1] = (name, start, i + 1)
    return found


def _joined(
    model: Model, types: dict[str, str], words: list[str], spans: list[tuple[str, int, int]]
) -> list[tuple[str, int, int]]:
    """Touching spans of one slot are one span when either is no value on its own ("left"
    and "calf" in "my left calf"), so the value inside is found; "swollen" "red" stay two."""
    out: list[tuple[str, int, int]] = []
    for name, start, end in spans:
        if out and out[-1][0] == name and out[-1][2] == start and name in types:
            table = model.values.get(types[name], {})
            before = " ".join(words[out[-1][1] : start])
            if before not in table or " ".join(words[start:end]) not in table:
                out[-1] = (name, out[-1][1], end)
                continue
        out.append((name, start, end))
    return out


def slots_for(model: Model, intent_name: str, words: list[str], tags: list[str]) -> Slots:
    intent = model.intent(intent_name)
    if intent is None:
        return {}
    types = dict(intent.slots)
    heard: dict[str, list[Filled]] = {}
    for name, start, end in _joined(model, types, words, _spans(tags)):
        if name not in types:
            continue  # a slot of another intent: Alexa fills only the chosen intent's slots
        filled = _resolve(model, types[name], words[start:end])
        if filled is None:
            continue
        if name in intent.multi:
            heard.setdefault(name, []).append(filled)
        elif name not in heard or (heard[name][0].no_match and not filled.no_match):
            heard[name] = [filled]  # one value only where the locale has no multiple values
    slots: Slots = {}
    for name, items in heard.items():
        if name in intent.multi:
            said = " and ".join(f.heard for f in items)
            slots[name] = Filled(types[name], said, None, tuple(items))
        else:
            slots[name] = items[0]
    return slots


def classify(model: Model, words: list[str]) -> tuple[str, float]:
    """The likeliest intent and its decision score; FallbackIntent below the margin."""
    trained = trained_for(model)
    scores = trained.classifier.decision_function(_rows(model, [words]))[0]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    name, score = trained.intents[best], float(scores[best])
    if score < FALLBACK_BELOW.get(model.fallback_sensitivity, FALLBACK_BELOW["LOW"]):
        return FALLBACK, score
    return name, score


def hear(
    model: Model, words: list[str], elicited: tuple[str, str] | None = None
) -> tuple[str, Slots]:
    """(intent, slots) for words the exact stage did not match."""
    if not words:
        return FALLBACK, {}
    name, _ = classify(model, words)
    trained = trained_for(model)
    tags = trained.tag(model, words)
    if elicited is not None:
        intent_name, slot = elicited
        slots = slots_for(model, intent_name, words, tags)
        if slot in slots and name in (intent_name, FALLBACK):
            return intent_name, slots
    if name == FALLBACK:
        return FALLBACK, {}
    return name, slots_for(model, name, words, tags)


def exact_first(
    model: Model, words: list[str], elicited: tuple[str, str] | None
) -> tuple[tuple[str, Slots], bool] | None:
    """The strict stage's answer, as Alexa hears a sample said word for word, and whether
    it answered the elicited slot's own samples."""
    if elicited is not None:
        root = slot_trie(model, *elicited)
        found = exact(model, words, True, root) if root else None
        if found:
            return found, True
    found = exact(model, words, True)
    return (found, False) if found else None
