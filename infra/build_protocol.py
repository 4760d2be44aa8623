"""Build skill/triage/protocol.json (and the clinician's review sheet) from the readable
source in infra/protocol_source/ (format: its README.md).

    python infra/build_protocol.py            # write protocol.json and docs/protocol-review.md
    python infra/build_protocol.py --check    # only compare; exit 1 when either is stale

The build refuses a protocol whose ids do not resolve (`check`): every question asked,
named condition, fact, variant, family offer and guide must exist.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "infra")]

from protocol_check import check  # noqa: E402
from protocol_lang import Node, SourceError, parse_condition, read_tree  # noqa: E402

SOURCE = ROOT / "infra" / "protocol_source" / "triage.protocol"
SCHEMA = ROOT / "infra" / "protocol_source" / "protocol.schema.json"
OUT = ROOT / "skill" / "triage" / "protocol.json"
SHEET = ROOT / "docs" / "protocol-review.md"
CONTENT = ROOT / "skill" / "content"

Protocol = dict[str, Any]


def build(text: str) -> Protocol:
    """The source's text as protocol.json's structure."""
    b = _Builder()
    for node in read_tree(text):
        b.top(node)
    return b.result()


class _Builder:
    def __init__(self) -> None:
        self.about = ""
        self.caution: list[str] = []
        self.persist_about: dict[str, Any] = {}
        self.limits: dict[str, int] = {}
        self.order: list[str] = []
        self.questions: dict[str, dict[str, Any]] = {}
        self.derive: dict[str, list[dict[str, Any]]] = {}
        self.derive_findings: list[dict[str, Any]] = []  # `derive FINDING` blocks
        self.conditions: dict[str, Any] = {}
        self.notes: dict[str, str] = {}
        self.flags: list[dict[str, Any]] = []
        self.screening: list[Any] = []
        self.families: list[dict[str, Any]] = []
        self.offers: dict[str, Any] = {"_about": "", "families": {}, "locations": {}}

    def result(self) -> Protocol:
        if sorted(self.order) != sorted(self.questions):
            missing = set(self.questions) ^ set(self.order)
            raise SourceError(f"'question order' must name every question once: {missing}")
        out: Protocol = {
            "_about": self.about,
            "caution_values": self.caution,
            "questions": {q: self.questions[q] for q in self.order},
            "conditions": self.conditions,
            "derive": [rule for q in self.order for rule in self.derive.get(q, [])]
            + self.derive_findings,
            "persist_about": self.persist_about,
            "red_flags": self.flags,
            "screening": self.screening,
            "families": self.families,
            "offers": self.offers,
            "condition_notes": self.notes,
        }
        if self.limits:
            out["limits"] = self.limits
        return out

    def top(self, node: Node) -> None:
        kind, *rest = node.words
        if node.head == "about":
            self.about = _text(node)
        elif node.head == "caution":
            self.caution = _list(node)
        elif node.head == "persist about":
            self.persist_about = {"fraction": float(_text(node)), "source": _child(node, "source")}
        elif node.head == "limits":
            self.limits = {c.head.replace(" ", "_"): int(_text(c)) for c in node.children}
        elif node.head == "question order":
            self.order = _text(node).split()
        elif kind == "condition":
            self.condition(node, _one(rest, node))
        elif kind in ("emergency", "urgent"):
            self.flag(node, kind, _one(rest, node))
        elif kind == "question":
            self.question(node, _one(rest, node))
        elif kind == "derive":
            self.derive_finding(node, _one(rest, node))
        elif kind == "screening":
            # (screening steps are always objects in the JSON, as they were when hand-written)
            steps = self.steps(node, ("question", "derive"))
            self.screening = [{"ask": s} if isinstance(s, str) else s for s in steps]
        elif kind == "family":
            self.family(node, _one(rest, node))
        elif kind == "offers":
            self.offers_block(node)
        else:
            raise SourceError(f"unknown section at {node.where()}")

    def condition(self, node: Node, name: str) -> None:
        self.conditions[name] = _when(node)
        for child in node.children:
            if child.head == "note":
                self.notes[name] = _text(child)
            elif child.head != "when":
                raise SourceError(f"unexpected {child.where()} in condition {name}")

    def flag(self, node: Node, level: str, rule_id: str) -> None:
        flag: dict[str, Any] = {"id": rule_id, "when": _when(node), "disposition": level}
        allowed = {"when", "cause", "source", "check first", "question", "derive"}
        self._check_children(node, allowed)
        flag["cause"] = _cause(_child(node, "cause"))
        checks = [c for c in node.children if c.head == "check first"]
        if checks:
            flag["screen_first"] = self.steps(checks[0], ())
        flag["source"] = _child(node, "source")
        self.nested_questions(node)
        self.flags.append(flag)

    def question(self, node: Node, qid: str) -> None:
        if qid in self.questions:
            raise SourceError(f"question {qid} defined twice ({node.where()})")
        answers = _text(node)
        spec: dict[str, Any] = {"answers": "yes_no" if answers == "yes/no" else answers}
        self._check_children(
            node, {"red flag", "covers", "source", "no means", "derived"}, variants=True
        )
        if any(c.head == "red flag" for c in node.children):
            spec["red_flag"] = True
        if any(c.head == "covers" for c in node.children):
            spec["covers"] = _list(_get(node, "covers"))
        if any(c.head == "source" for c in node.children):
            spec["source"] = _child(node, "source")
        if any(c.head == "no means" for c in node.children):
            spec["no_means"] = _child(node, "no means")
        variants = _variants(node)
        if variants:
            spec["variant_when"] = variants
        self.questions[qid] = spec
        for rule in (c for c in node.children if c.head == "derived"):
            self.derive.setdefault(qid, []).append(
                {"fact": qid, "when": _when(rule), "source": _child(rule, "source")}
            )

    def derive_finding(self, node: Node, fact: str) -> None:
        """A finding taken as said from an answer (after every question's own derivations,
        in the order written)."""
        self._check_children(node, {"when", "source"})
        self.derive_findings.append(
            {"fact": fact, "when": _when(node), "source": _child(node, "source")}
        )

    def nested_questions(self, node: Node) -> None:
        for child in node.children:
            if child.words[0] == "question":
                self.question(child, _one(child.words[1:], child))
            elif child.words[0] == "derive":
                self.derive_finding(child, _one(child.words[1:], child))

    def steps(self, node: Node, also: tuple[str, ...]) -> list[Any]:
        out: list[Any] = []
        for child in node.children:
            if child.words[0] in also:
                continue
            if child.words[0] != "ask":
                raise SourceError(f"expected 'ask' at {child.where()}")
            out.append(_step(child))
        self.nested_questions(node)
        return out

    def family(self, node: Node, fid: str) -> None:
        allowed = {
            "when",
            "ask",
            "doctor when",
            "persist days",
            "offer",
            "cause",
            "source",
            "question",
            "derive",
        }
        self._check_children(node, allowed)
        family: dict[str, Any] = {"id": fid, "when": _when(node)}
        if any(c.head == "cause" for c in node.children):
            family["cause"] = _cause(_child(node, "cause"))
        family["ask"] = self.steps(
            node, ("when", "doctor", "persist", "offer", "cause", "source", "question", "derive")
        )
        family["doctor_when"] = parse_condition(_child(node, "doctor when"))
        if any(c.head == "persist days" for c in node.children):
            family["persist_days"] = int(_child(node, "persist days"))
        family["source"] = _child(node, "source")
        if any(c.head == "offer" for c in node.children):
            self.offers["families"][fid] = _child(node, "offer")
        self.families.append(family)

    def offers_block(self, node: Node) -> None:
        for child in node.children:
            kind, *rest = child.words
            if child.head == "about":
                self.offers["_about"] = _text(child)
            elif kind == "location":
                self.offers["locations"][_one(rest, child)] = _text(child)
            elif child.head == "default":
                self.offers["default"] = _text(child)
            elif child.head == "not self care":
                self.offers["not_self_care"] = _text(child)
            else:
                raise SourceError(f"unexpected {child.where()} in offers")

    @staticmethod
    def _check_children(node: Node, allowed: set[str], variants: bool = False) -> None:
        for child in node.children:
            head = child.head
            if head in allowed or child.words[0] in allowed:
                continue
            if variants and child.words[0] == "variant":
                continue
            raise SourceError(f"unexpected {child.where()} under {node.head}")


def _step(node: Node) -> Any:
    words = node.head.split(" when ", 1)
    qid = _one(words[0].split()[1:], node)
    step: dict[str, Any] = {"ask": qid}
    for child in node.children:
        if child.head == "note":
            step["note"] = _text(child)
        elif child.words[0] not in ("variant", "when"):
            raise SourceError(f"unexpected {child.where()} under {node.head}")
    if len(words) > 1:
        step["when"] = parse_condition(words[1])
    elif any(c.head == "when" for c in node.children):
        step["when"] = parse_condition(_child(node, "when"))
    variants = _variants(node)
    if variants:
        step["variant_when"] = variants
    return step if len(step) > 1 else qid


def _variants(node: Node) -> dict[str, Any]:
    """`variant NAME when CONDITION` lines: the question's other wording, first match."""
    out = {}
    for child in node.children:
        if child.words[0] == "variant":
            name, _, cond = child.head.removeprefix("variant ").partition(" when ")
            out[name.strip()] = parse_condition(cond)
    return out


def _when(node: Node) -> Any:
    """A block's condition: after its head's colon, or on a `when:` line."""
    if node.value:
        return parse_condition(node.value)
    return parse_condition(_child(node, "when"))


def _cause(value: str) -> str | None:
    return None if value == "none" else value


def _get(node: Node, head: str) -> Node:
    found = [c for c in node.children if c.head == head]
    if len(found) != 1:
        raise SourceError(f"{node.where()} needs exactly one '{head}:'")
    return found[0]


def _child(node: Node, head: str) -> str:
    return _text(_get(node, head))


def _text(node: Node) -> str:
    if node.value is None:
        raise SourceError(f"{node.where()} has no value")
    return node.value


def _list(node: Node) -> list[str]:
    return [part.strip() for part in _text(node).split(",")]


def _one(words: list[str], node: Node) -> str:
    if len(words) != 1:
        raise SourceError(f"expected one id at {node.where()}")
    return words[0]


def render(protocol: Protocol) -> str:
    return json.dumps(protocol, indent=1, ensure_ascii=False) + "\n"


def problems(protocol: Protocol) -> list[str]:
    """What the schema and the id check refuse in a protocol."""
    import jsonschema  # a dev dependency: only the build and the tests validate

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    found = [
        f"schema: {'/'.join(map(str, e.path))}: {e.message[:120]}"
        for e in jsonschema.Draft202012Validator(schema).iter_errors(protocol)
    ]
    if found:
        return found

    def load(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((CONTENT / name).read_text(encoding="utf-8"))
        return data

    return check(protocol, load("en.json"), load("guides.json"))


def main(argv: list[str]) -> int:
    protocol = build(SOURCE.read_text(encoding="utf-8"))
    refused = problems(protocol)
    for problem in refused:
        print(problem)
    if refused:
        return 1
    from protocol_review import sheet  # the engine and the words: imported only to build

    outputs = {OUT: render(protocol), SHEET: sheet(protocol)}
    if "--check" in argv:
        stale = [p for p, text in outputs.items() if p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run make protocol")
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
