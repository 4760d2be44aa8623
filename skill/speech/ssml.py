"""SSML building and checking against Alexa's rules (docs/alexa-platform.md §6, §7)."""

from __future__ import annotations

import re

MAX_SPEECH_CHARS = 8000
MAX_BREAK_MS = 10_000
ALEXA_TAGS = frozenset(
    {
        "speak",
        "amazon:domain",
        "amazon:effect",
        "amazon:emotion",
        "audio",
        "break",
        "emphasis",
        "lang",
        "p",
        "phoneme",
        "prosody",
        "s",
        "say-as",
        "sub",
        "voice",
        "w",
    }
)
_AMAZON_NS = "{https://amazon.com/ssml}"


def speak(*parts: str) -> str:
    """Join SSML fragments into one <speak> document (for checking and rendering; the
    SDK's response builder wraps replies itself)."""
    body = " ".join(p.strip() for p in parts if p and p.strip())
    return f"<speak>{body}</speak>"


def pause(ms: int) -> str:
    if not 0 <= ms <= MAX_BREAK_MS:
        raise ValueError(f"break of {ms} ms is outside Alexa's 0-10 s limit")
    return f'<break time="{ms}ms"/>'


def to_text(ssml: str) -> str:
    """Plain text for cards and the console: tags dropped, sub aliases spoken form kept."""
    text = re.sub(r"<sub alias=\"([^\"]*)\">[^<]*</sub>", r"\1", ssml)
    text = re.sub(r"<break[^>]*/>", " … ", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = text.replace("&quot;", '"').replace("&apos;", "'")
    return re.sub(r"\s+", " ", text).strip()


def problems(ssml: str) -> list[str]:
    """Why Alexa would reject this SSML; an empty list means it is fine."""
    found: list[str] = []
    if len(ssml) > MAX_SPEECH_CHARS:
        found.append(f"{len(ssml)} characters, over {MAX_SPEECH_CHARS}")
    import xml.etree.ElementTree as ET  # checking is for tests and tools, not requests

    # Bind the amazon: prefix so ElementTree can parse amazon:effect and friends.
    wrapped = ssml.replace("<speak>", '<speak xmlns:amazon="https://amazon.com/ssml">', 1)
    try:
        root = ET.fromstring(wrapped)
    except ET.ParseError as exc:
        return [*found, f"not well-formed: {exc}"]
    if root.tag != "speak":
        found.append("root element is not <speak>")
    for el in root.iter():
        tag = el.tag.replace(_AMAZON_NS, "amazon:")
        if tag not in ALEXA_TAGS:
            found.append(f"unsupported tag <{tag}>")
        if tag == "break" and "time" in el.attrib:
            found.extend(_break_problem(el.attrib["time"]))
    return found


def _break_problem(value: str) -> list[str]:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", value)
    if not match:
        return [f"bad break time {value!r}"]
    ms = float(match.group(1)) * (1000 if match.group(2) == "s" else 1)
    return [f"break of {value} exceeds 10 s"] if ms > MAX_BREAK_MS else []


_TAG = re.compile(r'<(/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(/?)>')
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What this skill says never plays a sound, so a fragment with <audio> is not ours.
SPOKEN_TAGS = ALEXA_TAGS - {"audio"}


def _xml_char(code: int) -> bool:
    """Whether XML 1.0 allows this character at all (&#0; and most controls it does not)."""
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


_TIME = re.compile(r'\btime="([^"]*)"')


def plausible(fragment: str, max_chars: int) -> bool:
    """A cheap check, with no XML parser on the request path, that an SSML fragment (the
    inside of <speak>) is one Alexa would take: at most max_chars, only Alexa's tags,
    properly nested, breaks within 10 s, and no stray <, > or &."""
    if len(fragment) > max_chars:
        return False
    open_tags: list[str] = []
    position = 0
    for tag in _TAG.finditer(fragment):
        if not _plain(fragment[position : tag.start()]):
            return False
        position = tag.end()
        closing, name, attributes, empty = tag.groups()
        if name not in SPOKEN_TAGS or name == "speak" or (closing and (attributes or empty)):
            return False
        if name == "break":
            time = _TIME.search(attributes)
            if time and _break_problem(time.group(1)):
                return False
        if closing:
            if not open_tags or open_tags.pop() != name:
                return False
        elif not empty:
            open_tags.append(name)
    return _plain(fragment[position:]) and not open_tags


def _plain(text: str) -> bool:
    if any(ch in text for ch in "<>") or _NOT_XML.search(text):
        return False
    for entity in _ENTITY.finditer(text):
        decimal, hexadecimal = entity.groups()
        number = decimal or hexadecimal
        if number and not _xml_char(int(number, 10 if decimal else 16)):
            return False
    return "&" not in _ENTITY.sub("", text)
