"""A small pure engine that walks the protocol in protocol.json.

Facts in, next step out: either a Question to ask or an Outcome. The engine keeps no
state of its own; the caller stores the facts (session attributes) and calls `next_step`
again after every answer or statement, so a red-flag statement made at any point is
caught on the very next call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

Facts = dict[str, Any]
Condition = dict[str, Any]

PROTOCOL_PATH = Path(__file__).with_name("protocol.json")
DISPOSITIONS = ("emergency", "urgent", "doctor", "self_care")
MAX_QUESTIONS = 8


@dataclass(frozen=True)
class Question:
    id: str
    answers: str  # "yes_no" or a slot type name
    red_flag: bool
    family: str | None = None  # the cause family that asked it (for cause-specific wording)
    variant: str | None = None  # alternative wording, e.g. "worse" once a duration is known


@dataclass(frozen=True)
class Outcome:
    disposition: str
    reason: str  # a red-flag id or a cause family id; selects the words in content
    cause: str | None
    evidence: tuple[str, ...] = field(default=())  # facts (name=value) that led here
    follow_up: str | None = None  # one more red-flag question to ask after the warning


@dataclass(frozen=True)
class Protocol:
    raw: dict[str, Any]

    @property
    def questions(self) -> dict[str, dict[str, Any]]:
        return self.raw["questions"]  # type: ignore[no-any-return]

    @property
    def caution(self) -> tuple[str, ...]:
        return tuple(self.raw["caution_values"])

    def symptom_facts(self, symptom_id: str) -> dict[str, str]:
        return dict(self.raw["symptoms"].get(symptom_id, {}))

    def question(self, qid: str, family: str | None = None) -> Question:
        spec = self.questions[qid]
        return Question(qid, spec["answers"], bool(spec.get("red_flag")), family)


@lru_cache(maxsize=1)
def load_protocol() -> Protocol:
    return Protocol(json.loads(PROTOCOL_PATH.read_text(encoding="utf-8")))


def holds(cond: Condition, facts: Facts, protocol: Protocol, used: set[str] | None = None) -> bool:
    """Evaluate one condition; facts that made it true are added to `used` (for "why?")."""
    ((op, arg),) = cond.items()
    if op == "all":
        return all(holds(c, facts, protocol, used) for c in arg)
    if op == "any":
        return any(holds(c, facts, protocol, used) for c in arg)
    if op == "not":
        return not holds(arg, facts, protocol, None)
    if op == "ref":
        return holds(protocol.raw["conditions"][arg], facts, protocol, used)
    if op == "caution":
        return _match(facts, arg, protocol.caution, used)
    ((name, value),) = arg.items()
    if op == "is":
        return _match(facts, name, (value,), used)
    if op == "in":
        return _match(facts, name, tuple(value), used)
    raise ValueError(f"unknown condition operator {op!r}")


def _match(facts: Facts, name: str, values: tuple[Any, ...], used: set[str] | None) -> bool:
    ok = name in facts and facts[name] in values
    if ok and used is not None:
        used.add(name)
    return ok


def effective_facts(facts: Facts, protocol: Protocol) -> Facts:
    """Facts plus what follows from them: a stated duration past the family's limit
    answers 'has it gone on too long' without asking."""
    out = dict(facts)
    days = out.get("duration_days")
    if "persisting" not in out and isinstance(days, int | float):
        fam = _family(out, protocol)
        limit = fam.get("persist_days")
        if limit is not None and days > limit:
            out["persisting"] = "yes"
    return out


def _family(facts: Facts, protocol: Protocol) -> dict[str, Any]:
    return next(f for f in protocol.raw["families"] if holds(f["when"], facts, protocol))


def next_step(facts: Facts, protocol: Protocol | None = None) -> Question | Outcome:
    """The next question to ask, or the outcome once there is one."""
    protocol = protocol or load_protocol()
    facts = effective_facts(facts, protocol)

    # 1. Red flags first, on every turn, whatever else has been said.
    for flag in protocol.raw["red_flags"]:
        used: set[str] = set()
        if holds(flag["when"], facts, protocol, used):
            follow = flag.get("follow_up")
            return Outcome(
                disposition=flag["disposition"],
                reason=flag["id"],
                cause=flag["cause"],
                evidence=_evidence(facts, used),
                follow_up=follow if follow and follow not in facts else None,
            )

    # 2. Screening questions, then the cause family's own questions.
    for step in protocol.raw["screening"]:
        question = _ask(step, facts, protocol, family=None)
        if question:
            return question
    family = _family(facts, protocol)
    for step in family["ask"]:
        question = _ask(step, facts, protocol, family=family["id"])
        if question:
            return question

    # 3. The family's disposition.
    used = set()
    holds(family["when"], facts, protocol, used)
    doctor = holds(family["doctor_when"], facts, protocol, used)
    # The answers to the family's own questions explain the outcome too ("why?").
    used.update(
        q for q in (s if isinstance(s, str) else s["ask"] for s in family["ask"]) if q in facts
    )
    return Outcome(
        disposition="doctor" if doctor else "self_care",
        reason=family["id"],
        cause=None if family["id"] == "unexplained" else family["id"],
        evidence=_evidence(facts, used),
    )


def _ask(step: Any, facts: Facts, protocol: Protocol, family: str | None) -> Question | None:
    if isinstance(step, str):
        step = {"ask": step}
    qid = step["ask"]
    if qid in facts or ("when" in step and not holds(step["when"], facts, protocol)):
        return None
    question = protocol.question(qid, family)
    if qid == "persisting" and "duration_days" in facts:
        # The person already said how long; only ask about worsening.
        question = Question(question.id, question.answers, question.red_flag, family, "worse")
    return question


def _evidence(facts: Facts, used: set[str]) -> tuple[str, ...]:
    return tuple(f"{name}={facts[name]}" for name in sorted(used))


def apply_symptom(facts: Facts, symptom_id: str, protocol: Protocol | None = None) -> None:
    """Record a symptom the person mentioned; a volunteered 'yes' overrides an earlier 'no'."""
    protocol = protocol or load_protocol()
    facts.update(protocol.symptom_facts(symptom_id))


def record_answer(
    facts: Facts,
    question: Question,
    value: str,
    retried: list[str],
    protocol: Protocol | None = None,
) -> bool:
    """Record yes / no / unknown as the answer to `question`. Returns False when the
    answer does not fit the question and it should be asked again once (with a hint);
    the second time it counts as "unknown", so no question loops.

    A question answered by a slot value ("where is the pain?") takes "unknown", and
    takes "no" only where the protocol says what no means ("nothing brought it on")."""
    protocol = protocol or load_protocol()
    if question.answers == "yes_no" or value == "unknown":
        facts[question.id] = value
        return True
    no_means = protocol.questions[question.id].get("no_means")
    if value == "no" and no_means:
        facts[question.id] = no_means
        return True
    if question.id in retried:
        facts[question.id] = "unknown"
        return True
    retried.append(question.id)
    return False


def offer_for(outcome: Outcome, facts: Facts, protocol: Protocol | None = None) -> str | None:
    """The guided session (or "why") to offer after an outcome; None after an emergency."""
    offers = (protocol or load_protocol()).raw["offers"]
    if outcome.disposition == "emergency":
        return None
    if outcome.disposition != "self_care":
        return str(offers["not_self_care"])
    by_family = offers["families"].get(outcome.reason)
    if by_family:
        return str(by_family)
    return str(offers["locations"].get(str(facts.get("location")), offers["default"]))
