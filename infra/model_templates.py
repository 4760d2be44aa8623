"""Read the interaction-model source files (infra/model_source/*.model) and expand their
sample templates. The format is described in infra/model_source/README.md."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

# A parsed template: a word, a slot "{name}", a macro "<name>", or a choice of sequences.
Node = str | tuple[str, str] | list[list["Node"]]
SPECIAL = "()[]|<>{}"


@dataclass
class Slot:
    name: str
    type: str
    multi: bool = False


@dataclass
class Intent:
    name: str
    slots: list[Slot] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)


@dataclass
class Elicit:
    intent: str
    slot: str
    prompt: str = ""
    templates: list[str] = field(default_factory=list)


@dataclass
class Source:
    """One .model file. In an overlay, `adds`/`drops` change the base's synonyms."""

    options: dict[str, str] = field(default_factory=dict)
    macros: dict[str, list[str]] = field(default_factory=dict)
    types: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # type -> id -> phrases
    drops: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    intents: dict[str, Intent] = field(default_factory=dict)
    elicits: dict[str, Elicit] = field(default_factory=dict)


class SourceError(ValueError):
    pass


def _phrases(text: str) -> list[str]:
    """ "a; ~mum" -> phrases; "~word" stands for word, word's, my word, my word's."""
    out: list[str] = []
    for raw in text.split(";"):
        phrase = " ".join(raw.split())
        if phrase.startswith("~"):
            word = phrase[1:]
            out += [word, f"{word}'s", f"my {word}", f"my {word}'s"]
        elif phrase:
            out.append(phrase)
    return out


def _slots(text: str) -> list[Slot]:
    slots = []
    for part in text.split(","):
        name, slot_type = part.split()
        multi = slot_type.endswith("*")
        slots.append(Slot(name, slot_type.rstrip("*"), multi))
    return slots


def parse(path: Path) -> Source:
    src = Source()
    section: tuple[str, str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        if not line[0].isspace():
            section = _header(src, line.strip(), where)
            continue
        if section is None:
            raise SourceError(f"{where}: body line outside a section")
        _body(src, section, line.strip(), where)
    return src


def _header(src: Source, line: str, where: str) -> tuple[str, str] | None:
    keyword, _, rest = line.partition(" ")
    if keyword == "option":
        key, _, value = rest.partition(":")
        src.options[key.strip()] = value.strip()
        return None
    if keyword == "macro":
        name, op, value = re.split(r"\s*(\+?=|:)\s*", rest, maxsplit=1)
        alternatives = [" ".join(a.split()) for a in value.split("|")]
        if op == "+=":
            src.macros.setdefault(name, []).extend(alternatives)
        else:
            src.macros[name] = alternatives
        return None
    if keyword == "type":
        src.types.setdefault(rest, {})
        return ("type", rest)
    if keyword == "intent":
        src.intents.setdefault(rest, Intent(rest))
        return ("intent", rest)
    if keyword == "elicit":
        intent, _, slot = rest.partition(".")
        src.elicits.setdefault(rest, Elicit(intent, slot))
        return ("elicit", rest)
    raise SourceError(f"{where}: unknown section {keyword!r}")


def _body(src: Source, section: tuple[str, str], line: str, where: str) -> None:
    kind, name = section
    if kind == "type":
        match = re.fullmatch(r"([a-z_]+)\s*(\+=|-=|:)\s*(.*)", line)
        if not match:
            raise SourceError(f"{where}: expected 'id: name; synonyms' in type {name}")
        value_id, op, text = match.groups()
        table = src.drops if op == "-=" else src.types
        table.setdefault(name, {}).setdefault(value_id, []).extend(_phrases(text))
    elif kind == "intent":
        intent = src.intents[name]
        if line.startswith("slots:"):
            intent.slots = _slots(line[len("slots:") :])
        else:
            intent.templates.append(line)
    else:
        elicit = src.elicits[name]
        if line.startswith("prompt:"):
            elicit.prompt = line[len("prompt:") :].strip()
        else:
            elicit.templates.append(line)


# --- templates -----------------------------------------------------------------------------


def _parse_seq(text: str, i: int, stops: str) -> tuple[list[Node], int]:
    seq: list[Node] = []
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in stops:
            return seq, i
        elif char in "([":
            close = ")" if char == "(" else "]"
            choices: list[list[Node]] = []
            i += 1
            while True:
                part, i = _parse_seq(text, i, "|" + close)
                choices.append(part)
                if i >= len(text):
                    raise SourceError(f"unclosed {char!r} in {text!r}")
                i += 1
                if text[i - 1] == close:
                    break
            if close == "]":
                choices.append([])
            seq.append(choices)
        elif char in "<{":
            close = ">" if char == "<" else "}"
            end = text.index(close, i)
            name = text[i + 1 : end]
            seq.append(("macro", name) if char == "<" else "{" + name + "}")
            i = end + 1
        elif char in SPECIAL:
            raise SourceError(f"unexpected {char!r} in {text!r}")
        else:
            end = i
            while end < len(text) and not text[end].isspace() and text[end] not in SPECIAL:
                end += 1
            seq.append(text[i:end])
            i = end
    return seq, i


def expand(template: str, macros: dict[str, list[str]]) -> list[str]:
    """Every sample a template stands for, in order, with single spaces."""
    seq, _ = _parse_seq(template, 0, "")
    return [" ".join(words) for words in _expand_seq(seq, macros)]


def _expand_seq(seq: list[Node], macros: dict[str, list[str]]) -> list[list[str]]:
    parts: list[list[list[str]]] = []
    for node in seq:
        if isinstance(node, str):
            parts.append([[node]])
        elif isinstance(node, tuple):
            if node[1] not in macros:
                raise SourceError(f"unknown macro <{node[1]}>")
            choices = [_parse_seq(alt, 0, "")[0] for alt in macros[node[1]]]
            parts.append([w for c in choices for w in _expand_seq(c, macros)])
        else:
            parts.append([w for c in node for w in _expand_seq(c, macros)])
    return [[w for chunk in combo for w in chunk] for combo in itertools.product(*parts)]
