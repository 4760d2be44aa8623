"""Which spotted findings a sentence denies ("no swelling", "he isn't short of breath",
"it's not red or hot") rather than states. Generous mode only: strict mode has the
model's own denial samples and nothing else.

A negator opens a short scope. "no" reaches only the finding right after it (through
"any", "real", "sign of" ...), so in "no, I can't move it" the "no" answers the question
and "can't move it" is stated. Other negators ("isn't", "hasn't been", "doesn't have")
reach a few words further. Findings joined by "or"/"and" to a denied one are denied too,
unless the next one opens a clause of its own ("and my chest hurts"). "but", "only",
"though" and words of doubt ("not sure") close the scope: "no, but it's swollen" states
it, and so does "I'm not sure it's swollen", the cautious reading.
"""

from __future__ import annotations

NEGATORS = {
    "no": 0,  # extra words allowed between the negator and the finding (beyond NO_GAP)
    "not": 3,
    "isn't": 3,
    "aren't": 3,
    "wasn't": 3,
    "weren't": 3,
    "hasn't": 3,
    "haven't": 3,
    "hadn't": 3,
    "doesn't": 3,
    "don't": 3,
    "didn't": 3,
    "never": 3,
    "without": 2,
    "nor": 1,
    "none": 2,
    "nothing": 1,
}
# Words "no" may reach over: "no real swelling", "no sign of any redness".
NO_GAP = {"any", "real", "obvious", "sign", "signs", "of", "more", "visible", "actual", "new",
          "major", "big", "proper", "such", "like", "at", "all", "really"}  # fmt: skip
CLOSERS = {
    "but", "though", "although", "however", "yet", "except", "only", "just", "still",
    "whereas", "plus", "also", "because", "sure", "know", "certain", "unsure", "maybe",
    "apart",
}  # fmt: skip
# A new clause of its own ("not better, it's rock hard") ends a negator's reach, unless
# the negator was on a verb of thinking ("I don't think it's swollen").
SCOPE_BREAKERS = {"it's", "i'm", "she's", "he's", "they're", "there's", "it'll", "we're"}
THINKING = {"think", "believe", "reckon", "suppose", "guess", "feel", "say", "seem", "seems"}
JOINS = {"or", "and", "nor"}
CLAUSE_OPENERS = {"my", "her", "his", "their", "i", "i'm", "she", "he", "she's", "he's", "it",
                  "it's", "they", "the", "there's", "there"}  # fmt: skip


def denied_spans(toks: list[str], spans: list[tuple[int, int]]) -> set[int]:
    """Indexes (into `spans`, the findings' (start, end) in text order) of denied ones."""
    starts = {start: n for n, (start, _) in enumerate(spans)}
    denied: set[int] = set()
    budget = -1  # words the open scope may still pass over; -1 = no scope open
    gap: set[str] | None = None
    i = 0
    while i < len(toks):
        word = toks[i]
        if i in starts:
            n = starts[i]
            if budget >= 0:
                denied.add(n)
                budget, gap = _after(toks, spans[n][1], starts)
            i = spans[n][1]
            continue
        if word in NEGATORS:
            budget, gap = NEGATORS[word], (NO_GAP if word == "no" else None)
        elif word in CLOSERS or (word in SCOPE_BREAKERS and toks[i - 1] not in THINKING):
            budget = -1
        elif budget >= 0 and not (gap is not None and word in gap):
            budget -= 1
        i += 1
    return denied


def _after(toks: list[str], end: int, starts: dict[int, int]) -> tuple[int, set[str] | None]:
    """After a denied finding the scope goes on only into a joined finding."""
    if end in starts:
        return 0, set()
    joined = end + 1 < len(toks) and toks[end] in JOINS and end + 1 in starts
    if joined and toks[end + 1] not in CLAUSE_OPENERS:
        return 1, set()
    return -1, None
