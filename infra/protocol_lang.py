"""The triage protocol's readable source (infra/protocol_source/README.md) and its
condition language, parsed into protocol.json's structure; and conditions printed back.

Conditions are words, not nested JSON: `hot_red and (fever or spreading)`. Parentheses
keep their grouping in the JSON exactly; `and` and `or` are never mixed without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Cond = dict[str, Any]

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][\w:]*)|(\?|@|=|>|\(|\)|,))")


class SourceError(ValueError):
    pass


# --- conditions ---------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise SourceError(f"cannot read condition at {text[pos:]!r}")
        out.append(m.group(m.lastindex or 0))
        pos = m.end()
    return out


def parse_condition(text: str) -> Cond:
    tokens = _tokens(text)
    try:
        cond, rest = _expr(tokens)
    except IndexError:
        raise SourceError(f"condition {text!r} ends too early") from None
    if rest:
        raise SourceError(f"unexpected {' '.join(rest)!r} in condition {text!r}")
    return cond


def _expr(tokens: list[str]) -> tuple[Cond, list[str]]:
    first, tokens = _term(tokens)
    terms, op = [first], None
    while tokens and tokens[0] in ("and", "or"):
        if op and tokens[0] != op:
            raise SourceError("'and' and 'or' together need parentheses")
        op = tokens[0]
        term, tokens = _term(tokens[1:])
        terms.append(term)
    if op is None:
        return first, tokens
    return {"all" if op == "and" else "any": terms}, tokens


def _number(word: str) -> int | float:
    return float(word) if "." in word else int(word)


def _term(tokens: list[str]) -> tuple[Cond, list[str]]:
    if not tokens:
        raise SourceError("a condition ends too early")
    head, rest = tokens[0], tokens[1:]
    if head == "not":
        inner, rest = _term(rest)
        return {"not": inner}, rest
    if head == "(":
        inner, rest = _expr(rest)
        if not rest or rest[0] != ")":
            raise SourceError("a '(' is not closed")
        return inner, rest[1:]
    if head == "always":
        return {"all": []}, rest
    if head == "known":
        return {"known": rest[0]}, rest[1:]
    if head == "@":
        return {"ref": rest[0]}, rest[1:]
    if not re.fullmatch(r"[A-Za-z_]\w*", head):
        raise SourceError(f"expected a fact name, got {head!r}")
    if rest[:1] == ["?"]:
        return {"caution": head}, rest[1:]
    if rest[:1] == ["="]:
        return {"is": {head: rest[1]}}, rest[2:]
    if rest[:1] == [">"]:
        return {"over": {head: _number(rest[1])}}, rest[2:]
    if rest[:2] == ["in", "("]:
        values, rest = [], rest[2:]
        while rest and rest[0] != ")":
            values.append(rest[0])
            rest = rest[2:] if rest[1:2] == [","] else rest[1:]
        return {"in": {head: values}}, rest[1:]
    return {"is": {head: "yes"}}, rest


def show(cond: Cond, link: Any = None) -> str:
    """A condition in the source's words (`link(name)` renders a named condition)."""
    ((op, arg),) = cond.items()
    if op in ("all", "any"):
        if op == "all" and not arg:
            return "always"
        joiner = " and " if op == "all" else " or "
        return joiner.join(_grouped(c, link) for c in arg)
    if op == "not":
        return "not " + _grouped(arg, link)
    if op == "ref":
        return link(arg) if link else f"@{arg}"
    if op == "caution":
        return f"{arg}?"
    if op == "known":
        return f"known {arg}"
    ((name, value),) = arg.items()
    if op == "is":
        return name if value == "yes" else f"{name}={value}"
    if op == "in":
        return f"{name} in ({', '.join(value)})"
    if op == "over":
        return f"{name} > {value}"
    raise SourceError(f"unknown operator {op!r}")


def _grouped(cond: Cond, link: Any) -> str:
    ((op, arg),) = cond.items()
    text = show(cond, link)
    return f"({text})" if op in ("all", "any") and len(arg) > 1 else text


# --- the source's lines -------------------------------------------------------------------


@dataclass
class Node:
    head: str  # "question pe_signs", "ask dvt_signs when ...", "note"
    value: str | None  # after "head: "; continuation lines joined with one space
    line: int
    children: list[Node] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.head.split()

    def where(self) -> str:
        return f"line {self.line} ({self.head})"


# Keys whose value may go on over the following, deeper-indented lines.
_LEAVES = {"about", "note", "source", "when", "doctor when", "covers", "question order"}


def read_tree(text: str) -> list[Node]:
    """Indented lines into nodes; `#` starts a comment line."""
    root = Node("", None, 0)
    stack: list[tuple[int, Node]] = [(-1, root)]
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if parent.head in _LEAVES:
            parent.value = f"{parent.value or ''} {stripped}".strip()
            continue
        head, colon, value = stripped.partition(": ")
        if not colon and stripped.endswith(":"):
            head, value, colon = stripped[:-1], "", ":"
        node = Node(head.strip(), value.strip() if colon else None, number)
        parent.children.append(node)
        stack.append((indent, node))
    return root.children
