"""Figures of speech and everyday words that sound like a red flag but say nothing about
the leg (generous hearing): "feeling a bit blue", "the kids have colds", "icy steps", "a
cold compress", "it took my breath away". Their words are taken out before values are
spotted, so they never become findings. Real Alexa would not hear "blue" in "feeling
blue" as a finding either; the skill still asks about any red flag it does hear before
alarming (skill.triage.engine, HEARD).
"""

from __future__ import annotations

import re

# Each pattern is matched on the lower-case words joined by single spaces.
_MOOD = r"(blue|down|low|flat)"
_WEATHER = (
    r"(weather|snap|spell|morning|mornings|night|nights|day|days|wind|air|rain|floor|water"
    r"|drink|drinks|shower|bath|compress|compresses|pack|packs|gel|spray|beer)"
)
_GROUND = r"(steps|step|path|paths|road|roads|pavement|footpath|sidewalk|driveway|drive|stairs)"
_PEOPLE = r"(kids|children|grandkids|baby|husband|wife|son|daughter|mum|mom|dad|everyone)"
_ILLNESS = r"(a )?(cold|colds|the flu|flu|a cough|a fever|covid)"
# Each pattern is matched on the lower-case words joined by single spaces.
_PATTERNS = (
    # moods
    rf"\b(feel|feeling|felt|am|i'm|im|been) (a bit |a little |so |really |quite )?{_MOOD}\b",
    r"\bthe blues\b",
    r"\bmy heart (sank|sinks|dropped|was in my mouth)\b",
    r"\b(took|takes|taking) (my|his|her|your|our) breath away\b",
    r"\bbreathtaking\b",
    r"\bbleeding (money|me dry|us dry|cash)\b",
    r"\bburn(ing|t|ed)? (out|the candle)\b",
    # colds and weather
    r"\b(a|the|have|has|had|got|with|caught|catching|nasty|head|chest) colds?\b",
    r"\b(brought|bring|bringing|brings) (home |back )?(a )?colds?\b",
    rf"\b(the )?(cold|icy|freezing|frosty|chilly) {_WEATHER}\b",
    rf"\b(the )?(cold|icy|freezing|frosty|chilly|slippery|wet) {_GROUND}\b",
    r"\b(in|out in|standing in|since) the (cold|frost|snow|ice|rain)\b",
    r"\bweather (turned|turns|went|got|getting) (cold|colder|chilly)\b",
    r"\bicy hot\b",
    r"\b(ice|icy|frozen) (peas|pack|packs|bag|cubes|bath|baths)\b",
    # the person's own plan, not a request: "ok I'll ring 111 then"
    r"\b(i'll|i will|i'm going to|im going to|i am going to|gonna|we'll|we will)"
    r" (ring|call|phone)\b",
    # other people's illnesses
    rf"\b(the )?{_PEOPLE} (has|have|had|got|caught) {_ILLNESS}\b",
)
_FIGURES = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def without_figures(toks: list[str]) -> list[str]:
    """The words with figures of speech taken out (nothing else changes)."""
    text = " ".join(toks)
    if not _FIGURES.search(text):
        return toks
    return _FIGURES.sub(" ", text).split()  # all of it a figure of speech: nothing heard
