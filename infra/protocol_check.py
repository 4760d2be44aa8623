"""Every id protocol.json names must exist: questions asked, named conditions, facts and
their values, covered findings, variants and their words, families and their offers,
rules and their words. `make protocol` refuses a source that fails; so does a test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from skill.triage.facts import NUMBERS, SLOT_FACTS, YES_NO
from skill.triage.levels import Disposition
from skill.triage.vocabulary import CONTEXTS, SLOT_IDS, SYMPTOMS


def check(protocol: dict[str, Any], content: dict[str, Any], guides: dict[str, Any]) -> list[str]:
    return list(_problems(protocol, content, guides))


def _problems(p: dict[str, Any], content: dict[str, Any], guides: dict[str, Any]) -> Iterator[str]:
    questions, conditions = p["questions"], p["conditions"]
    findings = SYMPTOMS | CONTEXTS
    facts = set(questions) | findings
    words = content["questions"]
    reasons = content["outcomes"]["reasons"]

    def cond(c: Any, where: str) -> Iterator[str]:
        ((op, arg),) = c.items()
        if op in ("all", "any"):
            for part in arg:
                yield from cond(part, where)
        elif op == "not":
            yield from cond(arg, where)
        elif op == "ref":
            if arg not in conditions:
                yield f"{where}: no condition named {arg!r}"
        elif op in ("caution", "known"):
            if arg not in (questions if op == "caution" else facts | set(SLOT_FACTS) | NUMBERS):
                yield f"{where}: {op} names no question {arg!r}"
        elif op in ("is", "in"):
            ((name, value),) = arg.items()
            allowed = SLOT_FACTS.get(name, YES_NO if name in facts else None)
            if allowed is None:
                yield f"{where}: unknown fact {name!r}"
            for v in value if op == "in" else [value]:
                if allowed is not None and v not in allowed and not _no_means(questions, name, v):
                    yield f"{where}: {name} is never {v!r}"
        elif op == "over":
            ((name, _),) = arg.items()
            if name not in NUMBERS:
                yield f"{where}: {name!r} is not a number"
        else:
            yield f"{where}: unknown operator {op!r}"

    def step(s: Any, where: str) -> Iterator[str]:
        qid = s if isinstance(s, str) else s["ask"]
        if qid not in questions:
            yield f"{where}: asks unknown question {qid!r}"
            return
        if isinstance(s, dict):
            if "when" in s:
                yield from cond(s["when"], f"{where} {qid}")
            yield from variants(qid, s.get("variant_when", {}), f"{where} {qid}")

    def variants(qid: str, named: dict[str, Any], where: str) -> Iterator[str]:
        for name, c in named.items():
            yield from cond(c, f"{where} variant {name}")
            if not isinstance(words.get(qid), dict) or name not in words[qid]:
                yield f"{where}: no words for questions.{qid}.{name} in en.json"

    for qid, spec in questions.items():
        if qid not in words:
            yield f"question {qid}: no words in en.json"
        for f in spec.get("covers", ()):
            if f not in facts:
                yield f"question {qid}: covers unknown finding {f!r}"
        yield from variants(qid, spec.get("variant_when", {}), f"question {qid}")
        answers = spec["answers"]
        if answers != "yes_no" and answers not in SLOT_IDS:
            yield f"question {qid}: unknown answer type {answers!r}"
    for name, c in conditions.items():
        yield from cond(c, f"condition {name}")
    for name in p["condition_notes"]:
        if name not in conditions:
            yield f"note for unknown condition {name!r}"
    for rule in p["derive"]:
        if rule["fact"] not in facts:
            yield f"derive: {rule['fact']!r} is no question or finding"
        yield from cond(rule["when"], f"derive {rule['fact']}")
    levels = {str(d) for d in Disposition}
    for flag in p["red_flags"]:
        where = f"rule {flag['id']}"
        if flag["disposition"] not in levels - {"doctor", "self_care"}:
            yield f"{where}: a red flag is emergency or urgent, not {flag['disposition']!r}"
        if flag["id"] not in reasons:
            yield f"{where}: no words in en.json outcomes.reasons"
        yield from cond(flag["when"], where)
        for s in flag.get("screen_first", ()):
            yield from step(s, where)
    for s in p["screening"]:
        yield from step(s, "screening")
    for family in p["families"]:
        where = f"family {family['id']}"
        if family["id"] not in reasons:
            yield f"{where}: no words in en.json outcomes.reasons"
        yield from cond(family["when"], where)
        yield from cond(family["doctor_when"], where)
        for s in family["ask"]:
            yield from step(s, where)
    if p["families"][-1]["when"] != {"all": []}:
        yield "the last family must hold always (every picture has a family)"
    ids = [f["id"] for f in p["red_flags"]] + [f["id"] for f in p["families"]]
    if len(ids) != len(set(ids)):
        yield "rule and family ids must be unique"
    yield from _offers(p, guides)


def _no_means(questions: dict[str, Any], name: str, value: str) -> bool:
    return bool(questions.get(name, {}).get("no_means") == value)


def _offers(p: dict[str, Any], guides: dict[str, Any]) -> Iterator[str]:
    offers = p["offers"]
    families = {f["id"] for f in p["families"]}

    def guide(value: str, where: str) -> Iterator[str]:
        kind, _, stretch = value.partition(":")
        if kind == "rice" and not stretch:
            return
        if kind != "stretch" or stretch not in guides["stretches"]:
            yield f"{where}: no guided session {value!r}"

    for fid, value in offers["families"].items():
        if fid not in families:
            yield f"offer for unknown family {fid!r}"
        yield from guide(value, f"offer for {fid}")
    for location, value in offers["locations"].items():
        if location not in SLOT_IDS["LEG_LOCATION"]:
            yield f"offer for unknown location {location!r}"
        yield from guide(value, f"offer for {location}")
    yield from guide(offers["default"], "default offer")
    if offers["not_self_care"] != "why":
        yield "after an urgent or doctor outcome the offer is 'why'"
