"""A simulated patient: acts out one vignette against the console's conversation layer
(what `python -m skill chat` runs), in this process, with a store of its own per case.

The patient says the case's opening sentence, then answers every question the skill asks
from the case's true findings, the way a person would: "yes" when the question asks about
something they have, "no" when it doesn't, words for "where" / "what brought it on" /
"how did it start". It reads which question is being asked from the response envelope
(`sessionAttributes.triage.pending`), never from the skill's code, so it measures the
skill from the outside.

Everything random (the wording of yes, no and don't know) comes from an RNG seeded by the
case id, so a run is reproducible and two runs of the same skill print the same report.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CASES_PATH = Path(__file__).with_name("cases.jsonl")
# A second set written later from clinical.md alone, by someone who had not seen the skill;
# first run 105/120 exact. The fixes it led to are in; it is part of the yardstick now.
HOLDOUT_PATH = Path(__file__).with_name("holdout.jsonl")
# A third, for issue 25's kinds of case (five or more each), written blind the same way;
# first run generous 58/68 exact, 11.8 % under; strict 63/68, 1.5 % under (README).
BLIND_PATH = Path(__file__).with_name("blind.jsonl")
CASE_FILES: tuple[Path, ...] = (CASES_PATH, HOLDOUT_PATH, BLIND_PATH)
PROTOCOL_PATH = ROOT / "skill" / "triage" / "protocol.json"

# Ascending order: a final level with a lower rank than expected is under-triage.
LEVELS: tuple[str, ...] = ("self_care", "doctor", "urgent", "emergency")
RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}

MAX_TURNS = 20  # patient utterances per case, the opening included
DEFAULT_SEED = "vignettes-v1"

# --- vocabulary: the v2 contract's finding ids (SYMPTOM, CONTEXT) and slot ids -------------

# fmt: off
SYMPTOMS: frozenset[str] = frozenset({
    "breathless", "chest_pain", "coughing_blood", "fainting",  # clot on the lung
    "cold_pale", "cant_move", "deformed",  # limb
    "saddle_numb", "bladder_bowel", "both_legs_numb",  # base of spine
    "swollen", "hot_red",  # clot in the leg
    "tight_shiny", "out_of_proportion",  # pressure in the muscle
    "severe",  # intensity words only: never a red flag by itself
    "pop", "cant_bear_weight", "cant_tiptoe", "bruising",  # tear
    "weak_leg", "numb_tingling", "shooting",  # nerve
    "cramp", "long_cramp",  # cramp
    "fever", "confused", "wound", "dark_patches", "blisters", "very_unwell", "spreading",
    "clammy",  # infection
    "sore_stiff", "eases_rest", "better_moving", "heavy", "bleeding", "discoloured",  # pattern
    "bleeding_uncontrolled",  # a vein that keeps bleeding despite pressure (item 22)
    "worsening", "not_improving",  # course: the `persisting` question's answer in their words
    "stops_activities",  # "kept me off work", "can't sit at my desk": item 16's impact
})
CONTEXTS: frozenset[str] = frozenset({
    "cast", "statin", "varicose", "smoker", "diabetes", "immunosuppressed", "pregnant",
    "recent_surgery", "bed_rest", "cancer", "hormones", "previous_clot", "blood_thinner", "older",
})
# Not slot ids: the truth behind the answers to the `persisting` / `cramp_frequent` questions.
ANSWER_FINDINGS: frozenset[str] = frozenset({"persisting", "cramp_frequent"})
FINDINGS: frozenset[str] = SYMPTOMS | CONTEXTS | ANSWER_FINDINGS

LOCATIONS = frozenset({
    "calf", "hamstring", "back_of_knee", "side_of_leg", "buttock_down", "heel", "thigh",
    "ankle_foot", "whole_leg",
})
SIDES = frozenset({"left", "right", "both", "one"})
TRIGGERS = frozenset({
    "exercise", "injury", "sitting", "walking", "night", "travel", "none", "standing",
})
ONSETS = frozenset({"sudden", "gradual"})
LOCALES = frozenset({"en-US", "en-GB", "en-IN", "en-AU", "en-CA"})
SPEAKERS = frozenset({"self", "caregiver"})
ANSWER_WORDS = frozenset({"yes", "no", "unknown"})
# fmt: on

# Who a caregiver speaks about, and the pronoun they use ("no, she isn't").
SUBJECT_PRONOUNS: dict[str, str] = {
    "mother": "she", "grandmother": "she", "wife": "she", "daughter": "she", "sister": "she",
    "father": "he", "grandfather": "he", "husband": "he", "son": "he", "brother": "he",
    "partner": "they", "friend": "they", "neighbour": "they",
}  # fmt: skip

# The v2 contract's table of what each yes/no question covers (question id -> findings),
# used for any question protocol.json gives no `covers` for (all of them in protocol v1).
FALLBACK_COVERS: dict[str, frozenset[str]] = {
    "pe_signs": frozenset({"breathless", "chest_pain", "coughing_blood", "fainting"}),
    # The contract lists cold_pale only; the question as spoken (v1) and item 2 also ask
    # "can't move it", so a patient who can't move the foot says yes.
    "limb_threat": frozenset({"cold_pale", "cant_move"}),
    "compartment": frozenset({"out_of_proportion", "tight_shiny"}),
    "necrotising": frozenset({"out_of_proportion", "dark_patches", "blisters", "very_unwell"}),
    "sudden_severe": frozenset({"severe"}),
    "cauda_equina": frozenset({"saddle_numb", "bladder_bowel", "both_legs_numb"}),
    "dvt_signs": frozenset({"swollen", "hot_red"}),
    "tear_signs": frozenset({"pop", "cant_bear_weight", "cant_tiptoe"}),
    "nerve_weakness": frozenset({"weak_leg"}),
    "cramp_long": frozenset({"long_cramp"}),
    "infection_fever": frozenset({"fever"}),
    "statin": frozenset({"statin"}),
    "claudication": frozenset({"eases_rest"}),
    "cramp_frequent": frozenset({"cramp_frequent"}),
    "persisting": frozenset({"persisting"}),
    # v1 only: "Is the pain severe, so bad it's hard to think or talk, or far worse than the
    # injury seems to explain?" asks both about intensity and about proportion.
    "severe_pain": frozenset({"severe", "out_of_proportion"}),
}
SLOT_QUESTIONS = ("location", "trigger", "onset", "duration")

# --- the case --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    locale: str
    speaker: str
    opening: str
    findings: frozenset[str]
    expected: str
    why: str
    subject: str | None = None
    location: str | None = None
    side: str | None = None
    trigger: str | None = None
    onset: str | None = None
    duration_days: int | None = None
    answers: Mapping[str, str] = field(default_factory=dict)
    # Is it getting worse? Asked on its own once the skill knows how long it has lasted.
    # Defaults to "persisting" in findings; false where only the duration is past the limit.
    worse: bool | None = None

    @property
    def pronoun(self) -> str:
        return SUBJECT_PRONOUNS.get(self.subject or "", "they") if self.caregiver else "I"

    @property
    def caregiver(self) -> bool:
        return self.speaker == "caregiver"

    @property
    def getting_worse(self) -> bool:
        return ("persisting" in self.findings) if self.worse is None else self.worse

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Case:
        """Build and validate one case; a bad case fails loudly with its id."""
        cid = str(raw.get("id", "?"))

        def bad(msg: str) -> ValueError:
            return ValueError(f"case {cid}: {msg}")

        known = {f for f in cls.__dataclass_fields__}
        extra = set(raw) - known
        if extra:
            raise bad(f"unknown fields {sorted(extra)}")
        for name in ("id", "source", "locale", "speaker", "opening", "expected", "why"):
            if not isinstance(raw.get(name), str) or not raw[name].strip():
                raise bad(f"{name} missing")
        findings = frozenset(raw.get("findings") or ())
        unknown = findings - FINDINGS
        checks: list[tuple[bool, str]] = [
            (not unknown, f"unknown findings {sorted(unknown)}"),
            (raw["locale"] in LOCALES, f"locale {raw['locale']!r}"),
            (raw["speaker"] in SPEAKERS, f"speaker {raw['speaker']!r}"),
            (raw["expected"] in LEVELS, f"expected {raw['expected']!r}"),
            (raw.get("location") in LOCATIONS | {None}, f"location {raw.get('location')!r}"),
            (raw.get("side") in SIDES | {None}, f"side {raw.get('side')!r}"),
            (raw.get("trigger") in TRIGGERS | {None}, f"trigger {raw.get('trigger')!r}"),
            (raw.get("onset") in ONSETS | {None}, f"onset {raw.get('onset')!r}"),
            (
                raw["speaker"] == "self" or raw.get("subject") in SUBJECT_PRONOUNS,
                f"caregiver subject {raw.get('subject')!r}",
            ),
        ]
        for ok, msg in checks:
            if not ok:
                raise bad(msg)
        days = raw.get("duration_days")
        if days is not None and (not isinstance(days, int) or days < 0):
            raise bad(f"duration_days {days!r}")
        return cls(
            id=cid,
            source=raw["source"],
            locale=raw["locale"],
            speaker=raw["speaker"],
            opening=raw["opening"],
            findings=findings,
            expected=raw["expected"],
            why=raw["why"],
            subject=raw.get("subject"),
            location=raw.get("location"),
            side=raw.get("side"),
            trigger=raw.get("trigger"),
            onset=raw.get("onset"),
            duration_days=days,
            answers=dict(raw.get("answers") or {}),
            worse=raw.get("worse"),
        )


def load_cases(*paths: Path) -> list[Case]:
    """Every case in the given files (all of CASE_FILES by default); ids are unique."""
    cases: list[Case] = []
    for path in paths or CASE_FILES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name} line {n}: {exc}") from exc
            cases.append(Case.from_json(raw))
    ids = [c.id for c in cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate case ids: {dupes}")
    return cases


# --- what each question covers -----------------------------------------------------------------


def load_covers(protocol_path: Path = PROTOCOL_PATH) -> dict[str, frozenset[str]]:
    """`covers` from protocol.json where a question has them, else the contract table."""
    covers = dict(FALLBACK_COVERS)
    try:
        questions = json.loads(protocol_path.read_text(encoding="utf-8")).get("questions", {})
    except (OSError, ValueError):
        return covers
    for qid, spec in questions.items():
        if isinstance(spec, dict) and isinstance(spec.get("covers"), list):
            covers[qid] = frozenset(spec["covers"])
    return covers


def covers_drift(covers: Mapping[str, frozenset[str]]) -> dict[str, tuple[list[str], list[str]]]:
    """Per question: (findings the protocol drops, findings it adds) against the table here,
    so a report shows when the skill's own covers would make the patient answer differently."""
    drift: dict[str, tuple[list[str], list[str]]] = {}
    for qid, mine in FALLBACK_COVERS.items():
        theirs = covers.get(qid, mine)
        if theirs != mine:
            drift[qid] = (sorted(mine - theirs), sorted(theirs - mine))
    return drift


# --- the answer rule ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the patient means: yes / no / unknown, or a slot value / literal words."""

    kind: str  # "yes", "no", "unknown", "slot", "words"
    value: str = ""
    placed: bool = True  # False: the patient did not recognise the question


_TIME_WORDS = re.compile(r"\b(day|days|week|weeks|month|months|long|lasted|gone on|since)\b")


def asks_only_worse(question_text: str) -> bool:
    """A `persisting` question narrowed to "Is it getting worse?" (the skill already knows
    how long it has lasted): the patient then answers about worsening, not about duration."""
    text = question_text.lower()
    return "worse" in text and not _TIME_WORDS.search(text)


def decide(
    case: Case,
    qid: str,
    covers: Mapping[str, frozenset[str]],
    question_text: str = "",
) -> Answer:
    """The answer rule (README): an explicit `answers` entry wins; a yes/no question is yes
    when any finding is in its covers; slot questions get the case's value."""
    if qid in case.answers:
        value = case.answers[qid]
        return Answer(value) if value in ANSWER_WORDS else Answer("words", value)
    if qid == "persisting" and asks_only_worse(question_text):
        stopped = "activities" in question_text and (
            "stops_activities" in case.findings or "persisting" in case.findings
        )
        return Answer("yes" if case.getting_worse or stopped else "no")
    if qid == "both_sides":  # "is the nerve pain going down both legs?"
        both = case.side == "both" or "both_legs_numb" in case.findings
        return Answer("yes" if both else "no")
    if qid in covers:
        return Answer("yes" if case.findings & covers[qid] else "no")
    if qid in SYMPTOMS:  # a direct question about one sign heard in passing
        return Answer("yes" if qid in case.findings else "no")
    if qid in SLOT_QUESTIONS:
        value = case.duration_days if qid == "duration" else getattr(case, qid)
        return Answer("unknown") if value is None else Answer("slot", str(value))
    return Answer("unknown", placed=False)


# --- how the patient words it ----------------------------------------------------------------

# Every phrase here is heard as Yes / No / DontKnow by each locale's model (a unit test
# checks that), so the wording varies without changing what the skill hears.
_YES_SELF = ("yes", "yeah", "yes, a bit", "yeah a bit", "I think so", "yes it is")
_NO_SELF = ("no", "nope", "not really", "I don't think so", "no, not really", "not at all")
_UNKNOWN_SELF = ("I don't know", "not sure", "I'm not sure", "no idea", "hard to say")
_LOCALE_YES = {"en-AU": ("yeah", "yep"), "en-US": ("yep",), "en-IN": ("yes",)}
_LOCALE_NO = {"en-AU": ("nah", "nope"), "en-GB": ("no, not really",), "en-IN": ("no",)}


def _caregiver_phrases(kind: str, pronoun: str) -> tuple[str, ...]:
    if kind == "yes":
        he_she = (f"yes, {pronoun} is",) if pronoun in ("he", "she") else ()
        return ("yes", "yeah", "I think so", *he_she)
    if kind == "no":
        he_she = (f"no, {pronoun} isn't",) if pronoun in ("he", "she") else ()
        return ("no", "nope", "not really", "I don't think so", *he_she)
    return ("I don't know", "not sure", "I couldn't say", "no idea", "hard to say")


def yes_no_phrases(kind: str, locale: str, caregiver: bool, pronoun: str = "they") -> list[str]:
    """The pool of ways to say yes / no / unknown for this speaker in this locale."""
    if caregiver:
        pool = _caregiver_phrases(kind, pronoun)
    else:
        pool = {"yes": _YES_SELF, "no": _NO_SELF}.get(kind, _UNKNOWN_SELF)
    extra = {"yes": _LOCALE_YES, "no": _LOCALE_NO}.get(kind, {}).get(locale, ())
    return list(dict.fromkeys((*pool, *extra)))


LOCATION_WORDS: dict[str, tuple[str, ...]] = {
    "calf": ("the calf", "in the calf"),
    "hamstring": ("the back of the thigh", "the hamstring"),
    "back_of_knee": ("behind the knee", "the back of the knee"),
    "side_of_leg": ("the side of the leg", "the outside of the thigh"),
    "buttock_down": ("from the buttock down the leg",),
    "heel": ("the heel", "the achilles"),
    "thigh": ("the thigh", "in the thigh"),
    "ankle_foot": ("the ankles and feet", "around the ankles"),
    "whole_leg": ("the whole leg", "all down the leg"),
}
TRIGGER_WORDS: dict[str, tuple[str, ...]] = {
    "exercise": ("exercise", "it came on after exercise"),
    "injury": ("an injury", "it was an injury"),
    "sitting": ("sitting for a long time", "sitting at a desk"),
    "walking": ("walking", "when walking"),
    "night": ("it comes at night", "at night"),
    "travel": ("a long journey", "a long flight"),
    "none": ("nothing really", "no reason"),
    "standing": ("standing all day", "being on my feet all day"),
}
ONSET_WORDS: dict[str, tuple[str, ...]] = {
    "sudden": ("suddenly", "all of a sudden"),
    "gradual": ("gradually", "it came on gradually"),
}
UNSURE = "I'm not sure"
JUST_YES_OR_NO = "Just yes or no"


def duration_words(days: int) -> str:
    if days < 7:
        return "a day" if days == 1 else f"{days} days"
    if days < 28:
        weeks = round(days / 7)
        return "a week" if weeks == 1 else f"{weeks} weeks"
    months = round(days / 30)
    return "a month" if months == 1 else f"{months} months"


def phrase(
    answer: Answer, case: Case, qid: str, rng: random.Random, avoid: str | None = None
) -> str:
    """Words for an answer, varied from the seeded RNG. `avoid` is what the patient said
    last time the same question was asked: asked again, a person rephrases."""
    if answer.kind == "words":
        return answer.value
    if answer.kind in ANSWER_WORDS:
        if not answer.placed:
            return UNSURE
        pool = yes_no_phrases(answer.kind, case.locale, case.caregiver, case.pronoun)
    elif qid == "duration":
        return duration_words(int(answer.value))
    else:
        table = {"location": LOCATION_WORDS, "trigger": TRIGGER_WORDS, "onset": ONSET_WORDS}[qid]
        pool = list(table.get(answer.value, (answer.value.replace("_", " "),)))
    return rng.choice([p for p in pool if p != avoid] or pool)


# --- talking to the skill ----------------------------------------------------------------------


@dataclass
class TurnRecord:
    said: str
    pending: str | None
    disposition: str | None
    ended: bool
    speech: str


@dataclass
class Result:
    case: Case
    first_level: str | None = None
    final_level: str | None = None
    questions: int = 0  # questions asked before the first level was named
    questions_total: int = 0
    looped: bool = False
    unplaced: list[str] = field(default_factory=list)  # question ids the patient couldn't place
    turns: list[TurnRecord] = field(default_factory=list)
    error: str = ""

    @property
    def exact(self) -> bool:
        return self.final_level == self.case.expected

    @property
    def under(self) -> bool:
        """Final level below expected. No level at all counts as under-triage whenever the
        case needed more than self-care (the person heard no warning)."""
        if self.final_level is None:
            return self.case.expected != "self_care"
        return RANK[self.final_level] < RANK[self.case.expected]

    @property
    def over(self) -> bool:
        return self.final_level is not None and RANK[self.final_level] > RANK[self.case.expected]


_TAGS = re.compile(r"<[^>]+>")


def _speech_text(response: Mapping[str, Any], key: str = "outputSpeech") -> str:
    body = response.get("response") or {}
    node = body.get(key) or {}
    if key == "reprompt":
        node = node.get("outputSpeech") or {}
    return " ".join(_TAGS.sub(" ", str(node.get("ssml", ""))).split())


# What the patient says -> the skill's response envelope (`sessionAttributes`, `response`).
# The first call, with "", opens the skill (the LaunchRequest `python -m skill chat` starts
# with); every later call carries the patient's words.
Exchange = Callable[[str], Mapping[str, Any]]
# Alexa's APIs (the device's time zone) at a closed local port: refused at once, so the skill
# takes its "unavailable, using UTC" path, as the console does offline, without the network.
NO_ALEXA_API = "http://127.0.0.1:9"


def console_exchange(case: Case, nlu: str = "generous") -> Exchange:
    """The console's conversation layer (skill.console.conversation) in this process: the
    skill as `python -m skill chat` builds it, with its own SQLite store in memory, the
    case's locale and the chosen NLU, and Alexa's APIs out of reach (NO_ALEXA_API). The
    console process itself is the CLI tests' job."""
    from skill import keys
    from skill.alexa.api_client import TimedApiClient
    from skill.alexa.entry import respond
    from skill.alexa.skill import build_skill
    from skill.console.conversation import Conversation
    from skill.store.sqlite import SqliteStore

    keys.allow_development_secret()  # as the console does
    skill = build_skill(
        SqliteStore(":memory:"), api_client=TimedApiClient(allow_loopback_http=True)
    )
    chat = Conversation(
        locale=case.locale,
        user=f"vignette-{case.id}",
        nlu=nlu,
        api_endpoint=NO_ALEXA_API,
        handler=lambda event: respond(lambda: skill, event),
    )

    def exchange(text: str) -> Mapping[str, Any]:
        return (chat.say(text) if text else chat.start()).response

    return exchange


def run_case(
    case: Case,
    covers: Mapping[str, frozenset[str]] | None = None,
    seed: str = DEFAULT_SEED,
    nlu: str = "generous",
    exchange: Exchange | None = None,
) -> Result:
    """Act out one case against `exchange` (by default the console's conversation layer,
    with a store of its own)."""
    covers = load_covers() if covers is None else covers
    rng = random.Random(f"{seed}:{case.id}")  # str seeds are stable across processes
    result = Result(case)
    try:
        _converse(exchange or console_exchange(case, nlu), case, covers, rng, result)
    except Exception as exc:  # noqa: BLE001 - a case that breaks is reported; the run goes on
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def _converse(
    exchange: Exchange,
    case: Case,
    covers: Mapping[str, frozenset[str]],
    rng: random.Random,
    result: Result,
) -> None:
    exchange("")  # the LaunchRequest turn the console opens with
    said, unsure_sent, run = case.opening, False, 0
    previous: str | None = None
    previous_pending: str | None = None
    for _ in range(MAX_TURNS):
        response = exchange(said)
        triage = (response.get("sessionAttributes") or {}).get("triage") or {}
        pending, level = triage.get("pending"), triage.get("disposition")
        ended = bool((response.get("response") or {}).get("shouldEndSession"))
        result.turns.append(TurnRecord(said, pending, level, ended, _speech_text(response)))
        if level in RANK:
            if result.first_level is None:
                result.first_level = level
                result.questions = result.questions_total
            result.final_level = level
        if ended:
            return
        if pending:
            # The same words three times in a row are a loop: stop there. (A question not
            # understood is asked again with a hint, then as "just yes or no": new words.)
            words = _speech_text(response)
            run = run + 1 if words == previous else 1
            again = pending == previous_pending  # asked again: a person rephrases
            previous, previous_pending = words, pending
            if run > 2:
                result.looped = True
                return
            question = _speech_text(response, "reprompt") or _speech_text(response)
            answer = decide(case, pending, covers, question)
            if words.startswith(JUST_YES_OR_NO) and answer.kind == "words":
                # Asked for just yes or no, a person says the plain word.
                answer = decide(replace(case, answers={}), pending, covers, question)
            if not answer.placed and pending not in result.unplaced:
                result.unplaced.append(pending)
            said = phrase(answer, case, pending, rng, avoid=said if again else None)
            result.questions_total += 1
            continue
        if level in RANK:
            return  # an outcome with nothing more asked: the triage is over
        if unsure_sent:
            return  # the skill asked something the patient cannot place, twice
        said, unsure_sent = UNSURE, True


def select_cases(cases: Iterable[Case], only: Iterable[str] = ()) -> list[Case]:
    """Cases whose id starts with any of `only` (all when empty)."""
    prefixes = tuple(only)
    return [c for c in cases if not prefixes or c.id.startswith(prefixes)]
