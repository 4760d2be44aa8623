"""Guided sessions (RICE, stretches) as a list of spoken steps.

Holds are counted for the person with breaks of at most 10 s and spoken cues, so they
can follow hands-free. A routine too long for one response is split into steps joined
by "say next when you're ready", never truncated.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from skill.content import Content
from skill.content.guide_id import GuideId
from skill.speech.ssml import pause

# One response should stay well inside Alexa's audio limits: at most this much holding.
MAX_HOLD_PER_STEP_S = 60


class Step(NamedTuple):
    ssml: str
    hold_seconds: int = 0  # total seconds of counted hold in this step (for tests/screens)


def guide_ids(content: Content) -> list[GuideId]:
    """Every guide this locale can run: RICE, then each stretch."""
    return [GuideId.rice(), *(GuideId(s) for s in content.guides["stretches"])]


def guide_name(content: Content, guide: GuideId) -> str:
    if guide.stretch is None:
        return str(content.guides["rice"]["name"])
    return str(content.guides["stretches"][guide.stretch]["name"])


def counted_hold(content: Content, seconds: int) -> str:
    """'Hold.' then a break per interval with a spoken count, then 'And relax.'"""
    cues = content.guides["cues"]
    interval = 5 if seconds <= 20 else 10
    parts = [cues["hold"]]
    elapsed = 0
    while elapsed < seconds:
        chunk = min(interval, seconds - elapsed)
        elapsed += chunk
        parts.append(pause(chunk * 1000))
        parts.append(
            content.say("guides.cues.count", n=elapsed) if elapsed == seconds else f"{elapsed}."
        )
    parts.append(cues["relax"])
    return " ".join(parts)


_STEPS: dict[tuple[str, str, str | None], list[Step]] = {}


def build_steps(content: Content, guide: GuideId, subject: str | None = None) -> list[Step]:
    """The steps of a guide, built once per locale, guide and person (content is fixed).
    An unknown stretch raises KeyError."""
    key = (content.locale, str(guide), subject)
    if key not in _STEPS:
        _STEPS[key] = _build_steps(content, guide, subject)
    return _STEPS[key]


def _build_steps(content: Content, guide: GuideId, subject: str | None) -> list[Step]:
    if guide.stretch is None:
        return [Step(content.fill(text, subject)) for text in content.guides["rice"]["steps"]]
    spec = content.guides["stretches"][guide.stretch]
    steps = [Step(content.spelling(content.say("guides.cues.intro", subject, **spec)))]
    steps += [Step(content.spelling(move)) for move in spec.get("moves", [])]
    if "finish_with" in spec:
        setup = content.guides["stretches"][spec["finish_with"]]["setup"]
        steps.append(Step(setup))
    steps += _hold_steps(content, spec)
    return steps


def _hold_steps(content: Content, spec: dict[str, Any]) -> list[Step]:
    cues = content.guides["cues"]
    hold, reps, sides = int(spec["hold_seconds"]), int(spec["reps"]), int(spec["sides"])
    per_step = reps if reps * hold <= MAX_HOLD_PER_STEP_S else 1
    steps: list[Step] = []
    for side in range(sides):
        for first in range(0, reps, per_step):
            parts: list[str] = []
            if sides > 1 and first == 0:
                if side > 0:
                    parts.append(cues["switch"])
                parts.append(content.say("guides.cues.side", side=cues["sides"][side]))
            count = 0
            for rep in range(first, min(reps, first + per_step)):
                if reps > 1:
                    parts.append(content.say("guides.cues.rep", n=rep + 1, total=reps))
                parts.append(counted_hold(content, hold))
                count += 1
            steps.append(Step(" ".join(parts), hold_seconds=count * hold))
    return steps


def step_speech(content: Content, guide: GuideId, steps: list[Step], index: int) -> str:
    """One step as heard, with its position and what to say next."""
    cues = content.guides["cues"]
    body = steps[index].ssml
    last = index == len(steps) - 1
    position = content.say("guides.cues.step_of", n=index + 1, total=len(steps))
    if last:
        done = (
            cues["rice_done"]
            if guide.is_rice
            else content.say("guides.cues.done", name=guide_name(content, guide))
        )
        return " ".join([position, body, done, cues["end_offer"]])
    return " ".join([position, body, cues["next"]])
