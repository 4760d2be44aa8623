"""The utterance corpus (tests/corpus/*.jsonl) played where it belongs in a conversation,
through the console in every NLU mode, and checked for what the skill then does.

tests/test_corpus_nlu.py checks what each line is heard as; this checks the behaviour:
the line's own expectation (an emergency warning, "answers no", "stays in the stretch"...)
and, for every line, what must always hold: a valid response, never a claim to call for
help, a stated red flag never passed over, a denied one never warned about, and in strict
mode a sentence that is not understood gets a repair, not a dead end.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import alexa_fake
import pytest
from support import check_response
from test_corpus_nlu import _hear as hear
from test_corpus_nlu import _problems as nlu_problems

from skill.alexa.api_client import TimedApiClient
from skill.alexa.entry import respond
from skill.alexa.skill import build_skill
from skill.console.conversation import Conversation
from skill.speech.ssml import to_text
from skill.store.sqlite import SqliteStore
from skill.triage.engine import raises_level

CORPUS = Path(__file__).parent / "corpus"
LINES = [
    (f"{path.name}:{n}", json.loads(line))
    for path in sorted(CORPUS.glob("*.jsonl"))
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    if line.strip()
]
# Words both NLU modes understand that take a new conversation to each place.
SETUP = {
    "start": [],
    "question:pe_signs": ["my calf hurts"],
    "question:limb_threat": ["my calf hurts", "no"],
    "question:location": ["it hurts", "no", "no"],
    "question:trigger": ["my calf hurts", "no", "no"],
    "question:dvt_signs": ["my calf hurts after running", "no", "no"],
    "question:onset": ["my calf hurts after running", "no", "no", "no"],
    "question:persisting": ["my calf hurts after running", "no", "no", "no", "gradually"],
    "question:tear_signs": ["i pulled my hamstring playing football", "no", "no", "no"],
    "question:compartment": ["i hurt my calf falling over", "no", "no"],
    "question:necrotising": ["i've got a cut on my calf", "no", "no", "nothing"],
    "question:cauda_equina": ["i have sciatica", "no", "no", "no"],
    "question:nerve_weakness": ["i have sciatica", "no", "no", "no", "no"],
    "question:statin": ["my thighs ache", "no", "no", "nothing", "no", "gradually"],
    "question:claudication": ["my calf hurts when i walk", "no", "no", "no"],
    "question:cramp_long": ["i get cramps in my calf at night", "no", "no", "no"],
    "question:cramp_frequent": ["i get cramps in my calf at night", "no", "no", "no", "no"],
    "question:sudden_severe": ["my calf hurts", "no", "no", "nothing", "no", "suddenly"],
    "guide": ["calf stretch"],
    "menu:stretch": ["give me some stretches"],
    "outcome": ["my calf hurts after running", "no", "no", "no", "gradually", "no", "no"],
    "checkin:consent": ["check in"],
    "checkin:pain": ["check in", "yes"],
    "checkin:flags": ["check in", "yes", "five"],
    "checkin:stretches": ["check in", "yes", "five", "no", "no"],
}
EMERGENCY_CHECKS = {"pe_signs", "limb_threat", "compartment", "necrotising", "unwell",
                    "cauda_equina", "both_legs",
                    "sudden_severe", "bleeding_uncontrolled"}
# A check-in asks about a sign said in passing with its own question, inside the check-in.
CHECKIN_DIRECT = {"flags_emergency", "flags_urgent", "confirm"}
NOT_UNDERSTOOD = re.compile(r"didn't catch that|didn't recognise", re.I)
CLAIMS_TO_CALL = re.compile(r"I'll call|I will call|I can call|I've called|calling (911|999)", re.I)


@dataclass
class Seen:
    text: str
    ended: bool
    pending: str | None
    level: str | None
    guide: bool
    checkin: str | None
    facts: dict


def seen(turn) -> Seen:
    body = turn.response.get("response") or {}
    attrs = turn.response.get("sessionAttributes") or {}
    triage = attrs.get("triage") or {}
    speech = (body.get("outputSpeech") or {}).get("ssml", "")
    return Seen(to_text(speech), bool(body.get("shouldEndSession")), triage.get("pending"),
                triage.get("disposition"), "guide" in attrs,
                (attrs.get("checkin") or {}).get("step"), triage.get("facts") or {})


@cache
def _skill(tmp: str):  # one skill (and store) per session of this module
    store = SqliteStore(Path(tmp) / "corpus.sqlite3")
    return build_skill(store, api_client=TimedApiClient(allow_loopback_http=True))


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """Conversations already at each place, per locale and NLU mode (copied per line)."""
    skill = _skill(str(tmp_path_factory.mktemp("corpus")))
    made: dict[tuple[str, str, str], tuple[Conversation, Seen]] = {}

    def at(where: str, locale: str, nlu: str) -> tuple[Conversation, Seen]:
        key = (where, locale, nlu)
        if key not in made:
            chat = Conversation(locale=locale, user=f"corpus-{len(made)}", nlu=nlu,
                                handler=lambda e: respond(lambda: skill, e),
                                api_endpoint=alexa_fake.start().url)
            turn = chat.start()
            for said in SETUP[where]:
                turn = chat.say(said)
            made[key] = (chat, seen(turn))
        chat, before = made[key]
        # A copy that shares the (large, read-only) model but not the session.
        twin = copy.copy(chat)
        twin.session, twin.elicit = copy.deepcopy(chat.session), copy.deepcopy(chat.elicit)
        return twin, before

    return at


def stated_findings(line: dict) -> list[str]:
    slots = line.get("slots") or {}
    found = []
    for name in ("symptom", "other_symptom", "third_symptom"):
        value = slots.get(name) or []
        found += value if isinstance(value, list) else [value]
    return found


def denied_findings(line: dict) -> list[str]:
    slots = line.get("slots") or {}
    found = []
    for name in ("denied", "other_denied", "fine"):
        value = slots.get(name) or []
        found += value if isinstance(value, list) else [value]
    return found


def kind(behaviour: str) -> str:
    b = behaviour.lower()
    for key, words in [
        ("help", ("i can't call for you",)),
        ("emergency", ("emergency warning", "emergency instruction")),
        ("urgent", ("urgent", "be seen today")),
        ("stopped", ("stops the stretch", "leaves the stretch")),
        ("guide", ("stays in the stretch", "next step", "previous step", "repeats the step",
                   "pauses the guide", "skips to the next stretch")),
        ("open", ("keeps the session open", "take your time")),
        ("pain_question", ("0 to 10",)),
        ("no", ("answers no",)),
        ("yes", ("answers yes", "counts as yes", "read as stated")),
        ("corrects", ("corrects", "re-runs")),
    ]:
        if any(w in b for w in words):
            return key
    return "understood"


def check_behaviour(line: dict, before: Seen, after: Seen) -> list[str]:
    problems = []
    expected = kind(line["behaviour"])
    text = after.text
    if expected == "help":
        if not text.startswith("I can't call for you."):
            problems.append("no 'I can't call for you' at once")
    elif expected == "emergency":
        # Said in passing, a red flag is first asked about directly, with the instruction.
        asked_directly = after.pending is not None and re.search(r"call .+ now\. .+\?$", text)
        if after.level != "emergency" and not asked_directly:
            problems.append(f"no emergency warning (level {after.level}, asked {after.pending})")
    elif expected == "urgent":
        asked_in_checkin = after.checkin in CHECKIN_DIRECT and before.checkin != after.checkin
        if after.level not in ("urgent", "emergency") and after.pending not in EMERGENCY_CHECKS \
                and not asked_in_checkin:
            problems.append("neither urgent nor the emergency checks that come first")
    elif expected == "stopped":
        if after.guide:
            problems.append("the stretch did not stop")
    elif expected == "guide":
        if after.ended and "pauses" not in line["behaviour"]:
            problems.append("the stretch ended")
    elif expected == "open":
        if after.ended:
            problems.append("the session ended")
    elif expected == "pain_question":
        if "zero to ten" not in text or after.level in ("emergency", "urgent"):
            problems.append("no 0-10 question, or a warning")
    elif expected == "no":
        if after.level in ("emergency", "urgent") and before.level != after.level:
            problems.append("a 'no' raised a warning")
        if after.pending == before.pending and NOT_UNDERSTOOD.search(text):
            problems.append("the question was asked again as not understood")
    elif expected == "yes":
        if NOT_UNDERSTOOD.search(text):
            problems.append("'yes' not understood")
    elif expected == "corrects":
        done = r"changed|Just to check|Tell me what to change|doesn't change my advice"
        if not re.search(done, text) and after.level != "emergency":
            problems.append("no correction")
    if expected not in ("help", "emergency") and NOT_UNDERSTOOD.search(text):
        problems.append("said it did not understand")
    if "no warning" in line["behaviour"] and after.level in ("emergency", "urgent"):
        problems.append("warned")
    return problems


def check_always(line: dict, before: Seen, after: Seen, understood: bool) -> list[str]:
    problems = []
    if not after.text:
        problems.append("nothing said")
    if CLAIMS_TO_CALL.search(after.text):
        problems.append("claims it can call")
    if understood:
        raising = [f for f in stated_findings(line) if raises_level(f)]
        if raising and before.level is None and not (
            after.level in ("emergency", "urgent") or after.pending in EMERGENCY_CHECKS
            or after.pending or "Just to check" in after.text
            or (after.checkin in CHECKIN_DIRECT and after.text.endswith("?"))
        ):
            problems.append(f"stated red flag {raising} passed over")
        if denied_findings(line) and not stated_findings(line) and before.level is None \
                and after.level in ("emergency", "urgent"):
            problems.append("a denied red flag raised a warning")
    return problems


def run_line(places, line: dict, nlu: str) -> tuple[Seen, Seen, dict]:
    chat, before = places(line["where"], line["locale"], nlu)
    turn = chat.say(line["utterance"])
    check_response(turn.response)
    return before, seen(turn), turn.request


@pytest.mark.parametrize(("where", "line"), LINES, ids=[w for w, _ in LINES])
def test_generous(places, where, line):
    before, after, _ = run_line(places, line, "generous")
    problems = check_always(line, before, after, True) + check_behaviour(line, before, after)
    assert not problems, f"{line['utterance']!r} at {line['where']}: {problems}: {after.text}"


@pytest.mark.parametrize(("where", "line"), LINES, ids=[w for w, _ in LINES])
def test_strict(places, where, line):
    before, after, request = run_line(places, line, "strict")
    intent = request["request"].get("intent", {}).get("name")
    understood = intent != "AMAZON.FallbackIntent"
    problems = check_always(line, before, after, understood and line["strict"] == "same")
    if understood and line["strict"] == "same":
        problems += check_behaviour(line, before, after)
    elif not understood:
        problems += repair_problems(before, after)
    assert not problems, f"{line['utterance']!r} at {line['where']}: {problems}: {after.text}"


def repair_problems(before: Seen, after: Seen) -> list[str]:
    """Repair: the session goes on with a question or a prompt, or a clear goodbye."""
    problems = []
    if after.ended and before.level not in (None, "self_care", "doctor"):
        problems.append("ended instead of repairing")
    if not after.ended and not after.text.rstrip().endswith(("?", ".")):
        problems.append("left the person without a prompt")
    return problems


@pytest.mark.parametrize(("where", "line"), LINES, ids=[w for w, _ in LINES])
def test_trained(places, where, line):
    """Trained hearing: a line heard as its targets must behave as expected; one heard
    otherwise must still be safe, and a fallback gets a repair."""
    before, after, request = run_line(places, line, "trained")
    intent = request["request"].get("intent", {})
    row = {**line, "_at": where}
    heard_as_meant = not nlu_problems(row, hear(row, "trained"))
    problems = check_always(line, before, after, heard_as_meant)
    if heard_as_meant:
        problems += check_behaviour(line, before, after)
    elif intent.get("name") == "AMAZON.FallbackIntent":
        problems += repair_problems(before, after)
    assert not problems, f"{line['utterance']!r} at {line['where']}: {problems}: {after.text}"
