"""How soon the emergency number is heard after a person names a red flag (issue 18): for
every emergency sign in every locale, the skill's first sentence after an opening that names
it must hold the locale's number, and the number must be heard within 5 s of speech
(espeak-ng, SSML mode, measured with sox). Used by tests/test_audio.py (e2e) and make bench.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from support import Conversation

from skill.content import for_locale
from skill.triage.engine import level_alone, load_protocol
from skill.triage.levels import Disposition

LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
LIMIT_S = 5.0
TOOLS = ("espeak-ng", "soxi")


def emergency_signs() -> list[str]:
    """Every finding the protocol's questions name that is an emergency on its own."""
    covered = {f for q in load_protocol().questions.values() for f in q.get("covers", ())}
    return sorted(f for f in covered if level_alone(f) == Disposition.EMERGENCY)


def first_sentence_ssml(ssml: str) -> str:
    """The reply's first sentence, as SSML: up to the first full stop outside a tag."""
    body = ssml.removeprefix("<speak>").removesuffix("</speak>")
    match = re.search(r"[.?!](?=\s|$)(?![^<]*>)", body)
    return "<speak>" + (body[: match.end()] if match else body) + "</speak>"


def up_to_the_number(ssml: str) -> str:
    """The reply up to the end of the first emergency number in it (its say-as or sub tag):
    what is said before the number has been heard."""
    body = ssml.removeprefix("<speak>").removesuffix("</speak>")
    ends = [body.find(tag) + len(tag) for tag in ("</say-as>", "</sub>") if tag in body]
    return "<speak>" + (body[: min(ends)] if ends else body) + "</speak>"


def number_words(locale: str) -> str:
    """The locale's emergency number as it is spoken in the first instruction."""
    return str(for_locale(locale).params()["emergency"])


def seconds_of(ssml: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "said.wav"
        subprocess.run(["espeak-ng", "-m", "-w", str(wav), ssml], check=True)
        out = subprocess.run(["soxi", "-D", str(wav)], check=True, capture_output=True, text=True)
    return float(out.stdout)


def timings() -> list[tuple[str, str, bool, float]]:
    """(locale, sign, the number is in the first sentence, seconds until it is heard)."""
    if not all(shutil.which(t) for t in TOOLS):
        raise RuntimeError("espeak-ng and sox are needed")
    rows = []
    for locale in LOCALES:
        number = number_words(locale)
        for sign in emergency_signs():
            talk = Conversation(locale=locale, user=f"timing-{sign}")
            talk.launch()
            turn = talk.intent("RedFlagIntent", symptom=sign)
            first = first_sentence_ssml(turn.ssml)
            heard = seconds_of(up_to_the_number(turn.ssml))
            rows.append((locale, sign, number in first, heard))
    return rows
