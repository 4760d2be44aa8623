"""Generate the five locales' interaction models from infra/model_source/.

    python infra/build_models.py           # write interaction_model/.../<locale>.json
    python infra/build_models.py --check   # exit 1 if a committed file differs
    python infra/build_models.py --stats   # sample counts per locale and intent

One base spec plus a small overlay per locale keeps the locales in step (same intents,
slots and ids) while each keeps its own words. The generator refuses what Alexa's build
would refuse, and samples that would make Alexa guess between two intents.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_templates import Source, SourceError, expand, parse

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "infra" / "model_source"
OUT = ROOT / "interaction_model" / "interactionModels" / "custom"
LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")

WORD = r"[a-z]+(?:'[a-z]*)*"
SAMPLE_TOKEN = re.compile(rf"\{{[a-z_]+\}}|{WORD}|[a-z]\.")
PHRASE = re.compile(rf"{WORD}(?: {WORD})*")
# Built-in types whose readings can be the same words (a bare "eight" is a number or a
# time); custom types overlap when they share a phrase.
BUILT_IN_OVERLAPS = {frozenset({"AMAZON.NUMBER", "AMAZON.TIME"})}


def merged(locale: str) -> Source:
    base = parse(SOURCE / "base.model")
    path = SOURCE / f"{locale}.model"
    if not path.exists():
        return base
    overlay = parse(path)
    base.options.update(overlay.options)
    for name, alternatives in overlay.macros.items():
        base.macros.setdefault(name, []).extend(alternatives)
    for type_name, values in overlay.types.items():
        table = base.types.setdefault(type_name, {})
        for value_id, phrases in values.items():
            table.setdefault(value_id, []).extend(phrases)
    for type_name, values in overlay.drops.items():
        for value_id, phrases in values.items():
            kept = base.types[type_name][value_id]
            base.types[type_name][value_id] = [p for p in kept if p not in phrases]
    for name, intent in overlay.intents.items():
        if name not in base.intents:
            raise SourceError(f"{locale}: intent {name} is not in base.model")
        base.intents[name].templates += intent.templates
    for key, elicit in overlay.elicits.items():
        base.elicits[key].templates += elicit.templates
    return base


def _samples(templates: list[str], macros: dict[str, list[str]]) -> list[str]:
    return list(dict.fromkeys(s for t in templates for s in expand(t, macros)))


def build(locale: str) -> dict:
    src = merged(locale)
    multi_ok = src.options.get("multiple_values", "yes") == "yes"
    intents = []
    for intent in src.intents.values():
        slots = []
        for slot in intent.slots:
            entry: dict = {"name": slot.name, "type": slot.type}
            if slot.multi and multi_ok:
                entry["multipleValues"] = {"enabled": True}
            elicit = src.elicits.get(f"{intent.name}.{slot.name}")
            if elicit:
                entry["samples"] = _samples(elicit.templates, src.macros)
            slots.append(entry)
        samples = _samples(intent.templates, src.macros)
        intents.append({"name": intent.name, "slots": slots, "samples": samples})
        if not slots:
            del intents[-1]["slots"]
    types = []
    for type_name, values in src.types.items():
        rows = []
        for value_id, phrases in values.items():
            name, *synonyms = list(dict.fromkeys(phrases))
            rows.append({"id": value_id, "name": {"value": name, "synonyms": synonyms}})
        types.append({"name": type_name, "values": rows})
    language = {
        "invocationName": src.options["invocation"],
        "modelConfiguration": {"fallbackIntentSensitivity": {"level": src.options["fallback"]}},
        "intents": intents,
        "types": types,
    }
    model: dict = {"languageModel": language}
    if src.elicits:
        model["dialog"], model["prompts"] = _dialog(src)
    problems = check(language, multi_ok)
    if problems:
        raise SourceError(f"{locale}:\n  " + "\n  ".join(problems))
    return {"interactionModel": model}


def _dialog(src: Source) -> tuple[dict, list[dict]]:
    """Dialog model for the slots the skill elicits itself (delegation SKILL_RESPONSE)."""
    intents, prompts = [], []
    for intent_name in dict.fromkeys(e.intent for e in src.elicits.values()):
        slots = []
        for slot in src.intents[intent_name].slots:
            elicit = src.elicits.get(f"{intent_name}.{slot.name}")
            entry: dict = {
                "name": slot.name,
                "type": slot.type,
                "elicitationRequired": elicit is not None,
                "confirmationRequired": False,
                "prompts": {},
            }
            if elicit:
                prompt_id = f"Elicit.Slot.{intent_name}.{slot.name}"
                entry["prompts"] = {"elicitation": prompt_id}
                prompts.append(
                    {"id": prompt_id, "variations": [{"type": "PlainText", "value": elicit.prompt}]}
                )
            slots.append(entry)
        intents.append(
            {
                "name": intent_name,
                "delegationStrategy": "SKILL_RESPONSE",
                "confirmationRequired": False,
                "prompts": {},
                "slots": slots,
            }
        )
    return {"delegationStrategy": "SKILL_RESPONSE", "intents": intents}, prompts


# --- checks --------------------------------------------------------------------------------


def _phrase_sets(language: dict) -> dict[str, set[str]]:
    return {
        t["name"]: {p for v in t["values"] for p in (v["name"]["value"], *v["name"]["synonyms"])}
        for t in language["types"]
    }


def overlap(a: str, b: str, phrases: dict[str, set[str]]) -> bool:
    if a == b or frozenset({a, b}) in BUILT_IN_OVERLAPS:
        return True
    return a in phrases and b in phrases and bool(phrases[a] & phrases[b])


def shape(sample: str, slots: dict[str, tuple[str, bool]]) -> tuple[str, ...]:
    """The sample with each slot replaced by its type. Joined multiple-value slots of one
    type ("{symptom} and {other_symptom}") collapse into one: Alexa hears a list there."""
    out: list[str] = []
    for token in sample.split():
        slot = slots.get(token[1:-1]) if token.startswith("{") else None
        out.append(f"{{{slot[0]}{'*' if slot[1] else ''}}}" if slot else token)
    changed = True
    while changed:
        changed = False
        for i in range(len(out) - 1):
            j = i + 2 if out[i + 1] in ("and", "or") else i + 1
            if j < len(out) and out[i] == out[j] and out[i].endswith("*}"):
                del out[i + 1 : j + 1]
                changed = True
                break
    return tuple(out)


def check(language: dict, multi_ok: bool) -> list[str]:
    problems: list[str] = []
    phrases = _phrase_sets(language)
    for slot_type in language["types"]:
        owner: dict[str, str] = {}
        for value in slot_type["values"]:
            for phrase in (value["name"]["value"], *value["name"]["synonyms"]):
                if not PHRASE.fullmatch(phrase):
                    problems.append(f"{slot_type['name']}/{value['id']}: bad phrase {phrase!r}")
                if owner.setdefault(phrase, value["id"]) != value["id"]:
                    problems.append(f"{slot_type['name']}: {phrase!r} under two ids")
    owner_of: dict[str, str] = {}
    by_skeleton: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
    for intent in language["intents"]:
        slots = {
            s["name"]: (s["type"], multi_ok and "multipleValues" in s)
            for s in intent.get("slots", [])
        }
        for sample in intent["samples"]:
            tokens = sample.split(" ")
            bad = [t for t in tokens if not SAMPLE_TOKEN.fullmatch(t)]
            used = [t[1:-1] for t in tokens if t.startswith("{")]
            if bad or len(used) != len(set(used)) or set(used) - set(slots):
                problems.append(f"{intent['name']}: bad sample {sample!r}")
                continue
            if owner_of.setdefault(sample, intent["name"]) != intent["name"]:
                problems.append(f"{sample!r} in {owner_of[sample]} and {intent['name']}")
            typed = shape(sample, slots)
            skeleton = tuple("{}" if t.startswith("{") else t for t in typed)
            by_skeleton.setdefault(skeleton, []).append((intent["name"], typed))
    for group in by_skeleton.values():
        for (a, sa), (b, sb) in combinations(dict.fromkeys(group), 2):
            if a != b and all(
                x == y or (x.startswith("{") and overlap(x.strip("{*}"), y.strip("{*}"), phrases))
                for x, y in zip(sa, sb, strict=True)
            ):
                problems.append(f"same shape in {a} and {b}: {' '.join(sa)!r} / {' '.join(sb)!r}")
    return problems


def render(locale: str) -> str:
    return json.dumps(build(locale), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--stats", action="store_true", help="print sample counts")
    args = parser.parse_args(argv)
    stale = []
    for locale in LOCALES:
        text = render(locale)
        path = OUT / f"{locale}.json"
        if args.stats:
            intents = json.loads(text)["interactionModel"]["languageModel"]["intents"]
            counts = {i["name"]: len(i["samples"]) for i in intents}
            print(locale, sum(counts.values()), f"{len(text) / 1024:.0f} KB", counts)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        elif not args.stats:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python infra/build_models.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
