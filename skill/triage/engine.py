"""A small pure engine that walks the protocol in protocol.json.

Facts in, next step out: either a Question to ask or an Outcome. The engine keeps no
state of its own; the caller stores the facts (session attributes) and calls
`next_step` again after every answer or statement, so a red-flag statement made at
any point is caught on the very next call.

Facts are findings the person stated ("swollen": "yes") or denied ("no"), answers to
questions ("dvt_signs": "no"), and where, when and how (location, side, trigger, onset,
duration_days). Question facts are also *derived* from findings in context (protocol
"derive"): a derived "yes" wins over an earlier "no", and a question whose findings were
all denied counts as answered "no". Derived facts are recomputed every call, never
stored, so correcting a finding corrects what followed from it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from skill.triage.levels import Disposition

Facts = dict[str, Any]
Condition = dict[str, Any]

PROTOCOL_PATH = Path(__file__).with_name("protocol.json")
DISPOSITIONS = tuple(str(d) for d in Disposition)
YES, NO, UNKNOWN = "yes", "no", "unknown"
# A finding said in passing ("feeling a bit blue", "the kids have colds") counts as said
# for every rule, but an emergency is never given on it: its own direct question comes
# first (`confirming`). A question never understood after repair is UNCHECKED: answered,
# so not asked again, but neither a yes nor the cautious "not sure".
HEARD, UNCHECKED = "heard", "unchecked"
CONFIRM = "confirm"  # the variant of a question that confirms one heard finding


class Question(NamedTuple):
    id: str
    answers: str  # "yes_no" or a slot type name
    red_flag: bool
    family: str | None = None  # the cause family that asked it (for cause-specific wording)
    variant: str | None = None  # alternative wording ("worse", "cast", "bilateral")
    denied: tuple[str, ...] = ()  # findings this question covers that were already denied


@dataclass(frozen=True)
class Outcome:
    disposition: str
    reason: str  # a red-flag id or a cause family id; selects the words in content
    cause: str | None
    evidence: tuple[str, ...] = field(default=())  # facts (name=value) that led here


class Protocol(NamedTuple):
    raw: dict[str, Any]

    @property
    def questions(self) -> dict[str, dict[str, Any]]:
        return self.raw["questions"]  # type: ignore[no-any-return]

    @property
    def version(self) -> str:
        """A hash of the rules' content: stamped on stored outcomes and check-ins, and
        printed on the review sheet, so a record names the rules that made it."""
        canonical = json.dumps(self.raw, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    @property
    def caution(self) -> tuple[str, ...]:
        return tuple(self.raw["caution_values"])

    @property
    def persist_about(self) -> float:
        return float(self.raw["persist_about"]["fraction"])

    @property
    def max_questions(self) -> int:
        """The most questions any path asks (the walk tests hold every path to it)."""
        return int(self.raw["limits"]["max_questions"])

    @property
    def derive_passes(self) -> int:
        """How many times derivations are applied: a derived yes can enable another."""
        return int(self.raw["limits"]["derive_passes"])

    def covers(self, qid: str) -> tuple[str, ...]:
        return tuple(self.questions.get(qid, {}).get("covers", ()))

    def variant(self, qid: str, step: dict[str, Any], facts: Facts) -> str | None:
        """The wording to ask in: the step's own variants first, then the question's
        (both first match; protocol data, e.g. "cast" when a cast is on)."""
        for variants in (step.get("variant_when", {}), self.questions[qid].get("variant_when", {})):
            for name, cond in variants.items():
                if holds(cond, facts, self):
                    return str(name)
        return None

    def question(self, qid: str, family: str | None = None) -> Question:
        spec = self.questions[qid]
        return Question(qid, spec["answers"], bool(spec.get("red_flag")), family)


@lru_cache(maxsize=1)
def load_protocol() -> Protocol:
    return Protocol(json.loads(PROTOCOL_PATH.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def protocol_version() -> str:
    """The version of the protocol in use (see Protocol.version)."""
    return load_protocol().version


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
    if op == "known":  # the fact has any value ("how long" was said)
        return arg in facts
    ((name, value),) = arg.items()
    if op == "is":
        return _match(facts, name, (value,), used)
    if op == "in":
        return _match(facts, name, tuple(value), used)
    if op == "over":  # a number, e.g. {"over": {"duration_days": 14}}
        number = facts.get(name)
        ok = isinstance(number, int | float) and number > value
        if ok and used is not None:
            used.add(name)
        return ok
    raise ValueError(f"unknown condition operator {op!r}")


def _match(facts: Facts, name: str, values: tuple[Any, ...], used: set[str] | None) -> bool:
    ok = name in facts and facts[name] in values
    if ok and used is not None:
        used.add(name)
    return ok


@dataclass
class Picture:
    """Facts with everything derived from them, and which stated facts each derived
    fact came from (so "why?" names the person's own words)."""

    facts: Facts
    sources: dict[str, set[str]] = field(default_factory=dict)

    def names(self, used: set[str]) -> set[str]:
        """The stated facts behind `used` (derived facts traced back to their sources)."""
        names: set[str] = set()
        for name in used:
            names |= self.sources.get(name) or {name}
        return names

    def evidence(self, used: set[str]) -> tuple[str, ...]:
        return tuple(f"{n}={self.facts[n]}" for n in sorted(self.names(used)) if n in self.facts)


def picture(facts: Facts, protocol: Protocol | None = None) -> Picture:
    protocol = protocol or load_protocol()
    out = Picture({k: YES if v == HEARD else v for k, v in facts.items()})
    # Derived "yes" can enable further derivations: repeat until nothing changes.
    for _ in range(protocol.derive_passes):
        changed = False
        for rule in protocol.raw["derive"]:
            used: set[str] = set()
            name = rule["fact"]
            if out.facts.get(name) != YES and holds(rule["when"], out.facts, protocol, used):
                out.facts[name] = YES
                out.sources[name] = used
                changed = True
        if not changed:
            break
    for qid, spec in protocol.questions.items():
        covers = spec.get("covers") or ()
        if qid not in out.facts and covers and all(out.facts.get(f) == NO for f in covers):
            out.facts[qid] = NO
            out.sources[qid] = set(covers)
    _persisting_from_duration(out, protocol)
    return out


def _persisting_from_duration(out: Picture, protocol: Protocol) -> None:
    """A stated duration past the family's limit answers "has it gone on too long"; so
    does "no better" said when it is within `persist_about` of the limit ("about two
    weeks" includes thirteen days)."""
    days = out.facts.get("duration_days")
    if out.facts.get("persisting") == YES or not isinstance(days, int | float):
        return
    limit = _family(out.facts, protocol).get("persist_days")
    if limit is None:
        return
    if days > limit:
        out.facts["persisting"] = YES
        out.sources["persisting"] = {"duration_days"}
    elif out.facts.get("not_improving") == YES and days >= limit * protocol.persist_about:
        out.facts["persisting"] = YES
        out.sources["persisting"] = {"duration_days", "not_improving"}


def effective_facts(facts: Facts, protocol: Protocol | None = None) -> Facts:
    return picture(facts, protocol).facts


def _family(facts: Facts, protocol: Protocol) -> dict[str, Any]:
    return next(f for f in protocol.raw["families"] if holds(f["when"], facts, protocol))


def family_of(facts: Facts, protocol: Protocol | None = None) -> str:
    protocol = protocol or load_protocol()
    return str(_family(picture(facts, protocol).facts, protocol)["id"])


def next_step(facts: Facts, protocol: Protocol | None = None) -> Question | Outcome:
    """The next question to ask, or the outcome once there is one."""
    if protocol is None:
        # A turn asks this several times for the same facts (which question is pending,
        # what comes next): the answer depends only on the facts, so remember it.
        return _next_step_cached(frozenset(facts.items()))
    return _next_step(facts, protocol)


@lru_cache(maxsize=512)
def _next_step_cached(facts: frozenset[tuple[str, Any]]) -> Question | Outcome:
    return _next_step(dict(facts), load_protocol())


def _next_step(raw: Facts, protocol: Protocol) -> Question | Outcome:
    seen = picture(raw, protocol)
    facts = seen.facts
    flags = protocol.raw["red_flags"]

    # 1. Emergencies, on every turn, whatever else has been said; one that rests on a
    # finding only heard in passing asks that finding's own question first.
    heard = {name for name, value in raw.items() if value == HEARD}
    confirmed = picture({k: v for k, v in raw.items() if v != HEARD}, protocol) if heard else seen
    to_confirm: list[str] = []
    for flag in (f for f in flags if f["disposition"] == "emergency"):
        used: set[str] = set()
        if not holds(flag["when"], facts, protocol, used):
            continue
        resting_on = seen.names(used) & heard
        if not resting_on:
            return Outcome("emergency", flag["id"], flag["cause"], seen.evidence(used))
        used = set()
        if holds(flag["when"], confirmed.facts, protocol, used):
            return Outcome("emergency", flag["id"], flag["cause"], confirmed.evidence(used))
        to_confirm = to_confirm or sorted(resting_on, key=_priority(protocol))
    if to_confirm:
        return confirm_question(to_confirm[0])

    # 2. Urgent red flags, once the emergency checks they name have been asked.
    for flag in (f for f in flags if f["disposition"] == "urgent"):
        used = set()
        if holds(flag["when"], facts, protocol, used):
            for step in flag.get("screen_first", ()):
                question = _ask(step, facts, protocol, family=None)
                if question:
                    return question
            return Outcome("urgent", flag["id"], flag["cause"], seen.evidence(used))

    # 3. Screening questions, then the cause family's own questions.
    for step in protocol.raw["screening"]:
        question = _ask(step, facts, protocol, family=None)
        if question:
            return question
    family = _family(facts, protocol)
    for step in family["ask"]:
        question = _ask(step, facts, protocol, family=family["id"])
        if question:
            return question

    # 4. The family's disposition.
    used = set()
    holds(family["when"], facts, protocol, used)
    doctor = holds(family["doctor_when"], facts, protocol, used)
    # The answers to the family's own questions explain the outcome too ("why?").
    used.update(q for q in (s if isinstance(s, str) else s["ask"] for s in family["ask"]))
    used &= set(facts)
    return Outcome(
        disposition="doctor" if doctor else "self_care",
        reason=family["id"],
        cause=family.get("cause", family["id"]),  # a family names its cause unless it says none
        evidence=seen.evidence(used),
    )


def _priority(protocol: Protocol) -> Any:
    """Heard findings are confirmed in the order the protocol's questions name them."""
    order = {f: i for i, f in enumerate(_finding_order(protocol))}
    return lambda finding: (order.get(finding, len(order)), finding)


def _finding_order(protocol: Protocol) -> list[str]:
    return list(
        dict.fromkeys(f for spec in protocol.questions.values() for f in spec.get("covers", ()))
    )


def confirm_question(finding: str) -> Question:
    """The direct question about one finding heard in passing."""
    return Question(finding, "yes_no", True, None, CONFIRM)


def confirming(question: Question) -> bool:
    """Whether this question confirms a finding heard in passing."""
    return question.variant == CONFIRM


def _ask(step: Any, facts: Facts, protocol: Protocol, family: str | None) -> Question | None:
    if isinstance(step, str):
        step = {"ask": step}
    qid = step["ask"]
    if qid in facts or ("when" in step and not holds(step["when"], facts, protocol)):
        return None
    question = protocol.question(qid, family)
    variant = protocol.variant(qid, step, facts)
    denied = tuple(f for f in protocol.covers(qid) if facts.get(f) == NO)
    return Question(question.id, question.answers, question.red_flag, family, variant, denied)


# --- recording what the person said -------------------------------------------------------


def state_finding(facts: Facts, finding: str, value: str = YES) -> None:
    """A finding (SYMPTOM or CONTEXT id) the person stated ("yes") or denied ("no")."""
    facts[finding] = value


def record_answer(
    facts: Facts,
    question: Question,
    value: str,
    may_ask_again: bool,
    protocol: Protocol | None = None,
) -> bool:
    """Record yes / no / unknown as the answer to `question`. Returns False when the
    answer does not fit the question and it should be asked again (with a hint); when
    it may not be asked again it counts as "unknown", so no question loops.

    A question answered by a slot value ("where is the pain?") takes "unknown", and
    takes "no" only where the protocol says what no means ("nothing brought it on")."""
    protocol = protocol or load_protocol()
    if question.answers == "yes_no" or value == UNKNOWN:
        facts[question.id] = value
        return True
    no_means = protocol.questions[question.id].get("no_means")
    if value == NO and no_means:
        facts[question.id] = no_means
        return True
    if may_ask_again:
        return False
    facts[question.id] = UNKNOWN
    return True


def lowered_by(facts: Facts, denied: list[str], protocol: Protocol | None = None) -> list[str]:
    """What denying these findings would take back: findings stated "yes" and questions
    answered "yes" or "unknown" that cover them. Lowering a red flag is confirmed first."""
    protocol = protocol or load_protocol()
    found = [f for f in denied if facts.get(f) in (YES, HEARD)]
    for qid in protocol.questions:
        covers = protocol.covers(qid)
        if facts.get(qid) in (YES, UNKNOWN) and covers and set(covers) & set(denied):
            found.append(qid)
    return found


@lru_cache(maxsize=256)
def level_alone(finding: str) -> Disposition:
    """The level this finding leads to on its own, with "no" to every question asked
    ("breathless" is an emergency, "swollen" urgent, "severe" on its own is not)."""
    facts: Facts = {finding: YES}
    for _ in range(load_protocol().max_questions + 1):
        step = next_step(facts)
        if isinstance(step, Outcome):
            return Disposition(step.disposition)
        facts[step.id] = NO if step.answers == "yes_no" else UNKNOWN
    return Disposition.EMERGENCY  # never reached: the walk tests bound every path


def raises_level(finding: str) -> bool:
    """Whether this finding on its own ends at emergency or urgent."""
    return level_alone(finding).blocks_self_care


def most_serious(findings: list[str], protocol: Protocol | None = None) -> str | None:
    """Of these findings, the one to ask about first: the highest level, then the
    protocol's own order of findings."""
    raising = [f for f in findings if raises_level(f)]
    if not raising:
        return None
    order = _priority(protocol or load_protocol())
    return min(raising, key=lambda f: (level_alone(f) != Disposition.EMERGENCY, order(f)))


def is_red_flag(fact: str, protocol: Protocol | None = None) -> bool:
    """A finding or question that can raise the level (lowering it needs a confirmation)."""
    protocol = protocol or load_protocol()
    for qid, spec in protocol.questions.items():
        if spec.get("red_flag") and (fact == qid or fact in spec.get("covers", ())):
            return True
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
