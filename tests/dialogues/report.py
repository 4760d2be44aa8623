"""Whole conversations from a corpus written blind (from docs/clinical.md and the README
only): run each through the skill in-process, in every console hearing, and count what
matters for safety both ways.

A dialogue is one JSON object per line: `turns` (what the person says, in order; the turn
"<answer>" answers the question being asked truthfully from `findings`), `findings` (the
true facts, finding ids), `expected` (the level docs/clinical.md gives, or "none" for a
conversation with no leg problem to triage) and `kind`. After the script, the person keeps
answering truthfully until an outcome or the turn limit.

    PYTHONPATH=tests .venv/bin/python -m dialogues.report [--nlu MODE] [--only id,...]

Counts: false alarms (an emergency warning where the truth holds none), misses (a true
emergency never warned), under-triage (a final level below the expected one), loops (the
same words three times in a row), and warnings not preceded by a direct question or a
call for help (the policy's invariant).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vignettes.patient import LEVELS, RANK, SYMPTOMS, Case, decide, load_covers, phrase

from skill.alexa.entry import respond
from skill.alexa.skill import build_skill
from skill.console.conversation import Conversation
from skill.speech.ssml import to_text
from skill.store.sqlite import SqliteStore

BLIND = Path(__file__).with_name("blind.jsonl")
MODES = ("generous", "strict", "trained")
EXTRA_TURNS = 14  # truthful answers after the script, at most
ANSWER = "<answer>"


@dataclass
class Said:
    utterance: str
    speech: str
    pending: str | None
    disposition: str | None
    reason: str | None
    ended: bool


@dataclass
class Outcome:
    dialogue: dict[str, Any]
    nlu: str
    said: list[Said] = field(default_factory=list)

    @property
    def levels(self) -> list[str]:
        return [s.disposition for s in self.said if s.disposition]

    @property
    def final(self) -> str | None:
        return self.levels[-1] if self.levels else None

    @property
    def warned(self) -> bool:
        return "emergency" in self.levels

    @property
    def unasked_warnings(self) -> int:
        """Emergency warnings that followed no direct question and no call for help."""
        count = 0
        for before, turn in zip(self.said, self.said[1:], strict=False):
            first = turn.disposition == "emergency" and before.disposition != "emergency"
            if first and not before.pending and turn.reason != "asked_for_help":
                count += 1
        return count

    @property
    def loops(self) -> int:
        texts = [s.speech for s in self.said if s.speech]
        return sum(1 for a, b, c in zip(texts, texts[1:], texts[2:], strict=False) if a == b == c)


def _case(d: dict[str, Any]) -> Case:
    findings = frozenset(f for f in d.get("findings", ()) if f)
    return Case(
        id=d["id"], source="blind", locale=d["locale"], speaker=d.get("speaker", "self"),
        opening="", findings=findings, expected=d.get("expected", "self_care"), why="",
        subject="mother" if d.get("speaker") == "caregiver" else None,
    )


# What each check-in question names (docs/clinical.md: the check-in's warning signs).
CHECKIN_NAMES = {
    "flags_emergency": {"breathless", "chest_pain", "cold_pale", "discoloured"},
    "flags_urgent": {"swollen", "hot_red", "numb_tingling"},
}


def checkin_answer(case: Case, pending: str) -> str:
    """A truthful answer to a check-in question: consent and stretches yes, a middling pain
    score, and the warning-sign questions from the dialogue's findings."""
    _, step, finding = pending.split(":", 2)
    if step == "pain":
        return "five"
    if step == "confirm":
        return "yes" if finding in case.findings else "no"
    if step in CHECKIN_NAMES:
        return "yes" if CHECKIN_NAMES[step] & case.findings else "no"
    return "yes"  # consent, stretches


def run(dialogue: dict[str, Any], nlu: str, skill: Any, covers: Any, talk: Any = None) -> Outcome:
    """`talk` is anything with the console Conversation's start() and say(text), whose
    turns carry `.response` (tests/test_virtual_alexa.py passes virtual-alexa's); by
    default the console's, in-process, with the given NLU."""
    out = Outcome(dialogue, nlu)
    case = _case(dialogue)
    rng = random.Random(f"dialogue:{dialogue['id']}:{nlu}")
    talk = talk or Conversation(
        locale=dialogue["locale"], user=f"{dialogue['id']}-{nlu}", nlu=nlu,
        handler=lambda event: respond(lambda: skill, event),
    )

    def record(utterance: str, turn: Any) -> Said:
        body = turn.response.get("response") or {}
        session = turn.response.get("sessionAttributes") or {}
        attrs = session.get("triage") or {}
        checkin = session.get("checkin") or {}
        pending = attrs.get("pending")
        if checkin.get("step"):  # a check-in question is pending (its own direct ones too)
            pending = f"checkin:{checkin['step']}:{checkin.get('finding') or ''}"
        said = Said(
            utterance, to_text((body.get("outputSpeech") or {}).get("ssml", "")),
            pending, attrs.get("disposition"), attrs.get("reason"),
            bool(body.get("shouldEndSession")),
        )
        out.said.append(said)
        return said

    last = record("", talk.start())

    retold: list[str] = []

    def truthful() -> str | None:
        if last.ended:
            return None
        if not last.pending:
            # Nothing asked and no level yet (the first thing said was lost): a person says
            # it again, then "I'm not sure", as the vignette patient does.
            if last.disposition or len(retold) >= 2:
                return None
            retold.append(dialogue["turns"][0] if not retold else "I'm not sure")
            return retold[-1]
        qid = last.pending
        if qid.startswith("checkin:"):
            return checkin_answer(case, qid)
        answer = decide(case, qid, covers, last.speech)
        if not answer.placed and qid in SYMPTOMS:
            answer = decide(case, qid, {qid: frozenset({qid})}, last.speech)
        return phrase(answer, case, qid, rng)

    after_warning = dialogue.get("kind") == "after_warning"
    for utterance in dialogue["turns"]:
        if utterance == ANSWER:
            words = truthful()
            if words is None:
                continue
            utterance = words
        elif last.ended and last.disposition == "emergency" and not after_warning:
            break
        last = record(utterance, talk.say(utterance))
    for _ in range(EXTRA_TURNS):
        words = truthful()
        if words is None:
            break
        last = record(words, talk.say(words))
    return out


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    no_emergency = [o for o in outcomes if o.dialogue["expected"] != "emergency"]
    emergencies = [o for o in outcomes if o.dialogue["expected"] == "emergency"]
    graded = [o for o in outcomes if o.dialogue["expected"] in LEVELS]
    under = [
        o for o in graded
        if o.dialogue["expected"] != "self_care"
        and (o.final is None or RANK[o.final] < RANK[o.dialogue["expected"]])
        and not (o.dialogue["expected"] == "emergency" and o.warned)
    ]
    return {
        "dialogues": len(outcomes),
        "false_alarms": [o.dialogue["id"] for o in no_emergency if o.warned],
        "misses": [o.dialogue["id"] for o in emergencies if not o.warned],
        "under_triage": [o.dialogue["id"] for o in under],
        "loops": [o.dialogue["id"] for o in outcomes if o.loops],
        "unasked_warnings": [o.dialogue["id"] for o in outcomes if o.unasked_warnings],
        "by_kind": dict(Counter(o.dialogue.get("kind", "?") for o in no_emergency if o.warned)),
    }


def load(path: Path = BLIND) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_all(dialogues: list[dict[str, Any]], nlu: str) -> list[Outcome]:
    skill = build_skill(SqliteStore(":memory:"))
    covers = load_covers()
    return [run(d, nlu, skill, covers) for d in dialogues]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dialogues.report")
    parser.add_argument("--nlu", choices=MODES, action="append")
    parser.add_argument("--only", default="")
    parser.add_argument("--file", type=Path, default=BLIND)
    parser.add_argument("--show", action="store_true", help="print every turn of a miss")
    args = parser.parse_args(argv)
    dialogues = load(args.file)
    if args.only:
        wanted = tuple(args.only.split(","))
        dialogues = [d for d in dialogues if d["id"].startswith(wanted)]
    for nlu in args.nlu or MODES:
        outcomes = run_all(dialogues, nlu)
        summary = summarize(outcomes)
        print(f"--- {nlu}: {summary['dialogues']} dialogues")
        for key in ("false_alarms", "misses", "under_triage", "loops", "unasked_warnings"):
            print(f"{key}: {len(summary[key])} {summary[key]}")
        print(f"false alarms by kind: {summary['by_kind']}")
        if args.show:
            bad = set(summary["false_alarms"]) | set(summary["misses"]) | set(summary["loops"])
            for o in outcomes:
                if o.dialogue["id"] in bad:
                    print(f"\n# {o.dialogue['id']} ({o.dialogue['expected']})")
                    for s in o.said:
                        state = f"[{s.pending}|{s.disposition}]"
                        print(f"  > {s.utterance}\n    {s.speech[:160]} {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
