"""A second, independent client: virtual-alexa (an open-source Alexa emulator on npm,
pinned in tests/virtual_alexa/package-lock.json, installed by `make test-e2e`) resolves
each utterance against the real interaction model itself and posts the envelope to
`python -m skill serve` on 127.0.0.1, as Alexa would post to a self-hosted endpoint.

Whole conversations from the blind dialogue corpus (tests/dialogues/blind.jsonl), several
per locale, each answered truthfully by the same driver as `dialogues.report`: every one
reaches an outcome or a clear hand-off, no prompt is said three times in a row, and every
true emergency is warned.

virtual-alexa's matcher is cruder than Alexa's: it maps a sentence it cannot place to the
bare `{duration}` sample of DurationIntent, with the whole sentence as the value. The
skill must never loop on that; what it does is counted here (KNOWN_* below list the
conversations that do not reach their outcome through it today, each with the reason).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dialogues.report import load, run, summarize
from vignettes.patient import load_covers

from skill.console.envelopes import DEFAULT_SKILL_ID
from skill.console.model import MODEL_DIR

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
DRIVER = ROOT / "tests" / "virtual_alexa" / "drive.js"
MODULES = ROOT / "tests" / "virtual_alexa" / "node_modules" / "virtual-alexa"
PER_LOCALE = 6
LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
# Conversations that loop or miss through virtual-alexa today; a change may shrink these
# sets, never grow them.
# The opening lost to {duration}, the driver says "I'm not sure" and then answers every
# question of the full list (17 and more since the wound, varicose and cramp checks), and
# the conversation is still in the questions when the driver's 14 extra turns run out.
KNOWN_NO_OUTCOME = {"cv-guide-01", "cv-checkin-02", "cv-guide-04"}
# No conversation loops any more: a whole sentence sent as a bare {duration} is a turn not
# understood (skill.alexa.repair), so the ladder moves on. Kept as a set so none returns.
KNOWN_LOOPS: set[str] = set()
# cv-caregiver-05: virtual-alexa sends "I am asking for my mother, ..." as a LaunchRequest
# (it reads "ask" as a launch).
KNOWN_MISSES = {"cv-caregiver-05"}


@dataclass
class Turn:
    request: dict[str, Any]
    response: dict[str, Any]


class VirtualAlexa:
    """One node process running drive.js: start() launches the skill, say() utters."""

    def __init__(self, url: str) -> None:
        node = shutil.which("node")
        if node is None or not MODULES.exists():
            pytest.fail("virtual-alexa is not installed: make test-e2e installs it "
                        "(npm ci --prefix tests/virtual_alexa)")
        self.url = url
        self.proc = subprocess.Popen([node, str(DRIVER)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, cwd=DRIVER.parent)

    def send(self, **command: Any) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline() or '{"error": "driver ended"}')
        assert "error" not in answer, answer["error"]
        return answer

    def conversation(self, locale: str) -> Talk:
        return Talk(self, locale)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class Talk:
    """The console Conversation's start()/say() over virtual-alexa, for dialogues.report."""

    def __init__(self, client: VirtualAlexa, locale: str) -> None:
        self.client, self.locale = client, locale
        self.requests: list[dict[str, Any]] = []

    def start(self) -> Turn:
        model = MODEL_DIR / f"{self.locale}.json"
        self.client.send(cmd="start", locale=self.locale, model=str(model),
                         url=self.client.url, applicationId=DEFAULT_SKILL_ID)
        return self._turn(self.client.send(cmd="launch"))

    def say(self, text: str) -> Turn:
        return self._turn(self.client.send(cmd="utter", text=text))

    def _turn(self, answer: dict[str, Any]) -> Turn:
        self.requests.append(answer.get("request") or {})
        return Turn(answer.get("request") or {}, answer.get("response") or {})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    env = {**os.environ, "LEG_PAIN_DB": str(tmp_path_factory.mktemp("va") / "va.sqlite3"),
           "LOG_LEVEL": "WARNING"}
    env.pop("TABLE_NAME", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "skill", "serve", "--dev-secret", "--no-verify",
         "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "listening" in line, line
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(10)


def chosen() -> list[dict[str, Any]]:
    """The first PER_LOCALE dialogues of each locale, of differing kinds where possible."""
    picked: list[dict[str, Any]] = []
    for locale in LOCALES:
        kinds: Counter[str] = Counter()
        mine = [d for d in load() if d["locale"] == locale]
        for d in sorted(mine, key=lambda d: (kinds[d.get("kind")], d["id"])):
            if sum(1 for p in picked if p["locale"] == locale) < PER_LOCALE and \
                    kinds[d.get("kind")] == 0:
                picked.append(d)
                kinds[d.get("kind")] += 1
    return picked


@pytest.fixture(scope="module")
def outcomes(server):
    client = VirtualAlexa(server)
    covers = load_covers()
    try:
        done = []
        for d in chosen():
            talk = client.conversation(d["locale"])
            done.append((run(d, "virtual-alexa", None, covers, talk=talk), talk))
        summary = summarize([o for o, _ in done])
        print("\nvirtual-alexa: " + "; ".join(
            f"{key} {len(summary[key])} {sorted(summary[key])}"
            for key in ("loops", "misses", "false_alarms", "under_triage", "unasked_warnings")))
        return done
    finally:
        client.close()


def _reached(outcome) -> bool:
    """An outcome, or a clear hand-off: the session closed with words that send the
    person on (the emergency number or "leave it there" with where to turn)."""
    last = outcome.said[-1]
    return bool(outcome.final) or (last.ended and bool(last.speech))


def _listing(outcomes, ids: set[str]) -> str:
    lines = []
    for o, talk in outcomes:
        if o.dialogue["id"] in ids:
            lines.append(f"# {o.dialogue['id']} ({o.dialogue['expected']})")
            for said, request in zip(o.said, talk.requests, strict=False):
                intent = (request.get("request") or {}).get("intent") or {}
                slots = {k: v.get("value") for k, v in (intent.get("slots") or {}).items()
                         if v.get("value")}
                lines.append(f"  > {said.utterance}  [{intent.get('name')} {slots}]")
                lines.append(f"    {said.speech[:120]} [{said.pending}|{said.disposition}]")
    return "\n".join(lines)


def test_the_set_covers_every_locale(outcomes):
    per = Counter(o.dialogue["locale"] for o, _ in outcomes)
    assert all(per[locale] >= 3 for locale in LOCALES), per


def test_every_conversation_reaches_an_outcome_or_a_clear_hand_off(outcomes):
    stuck = {o.dialogue["id"] for o, _ in outcomes if not _reached(o)}
    print(f"\nvirtual-alexa: {len(outcomes) - len(stuck)}/{len(outcomes)} reached an outcome "
          f"or a hand-off")
    assert stuck <= KNOWN_NO_OUTCOME, _listing(outcomes, stuck - KNOWN_NO_OUTCOME)


def test_no_prompt_is_said_three_times_in_a_row(outcomes):
    looped = set(summarize([o for o, _ in outcomes])["loops"])
    assert looped <= KNOWN_LOOPS, _listing(outcomes, looped - KNOWN_LOOPS)


def test_every_true_emergency_is_warned(outcomes):
    missed = set(summarize([o for o, _ in outcomes])["misses"])
    assert missed <= KNOWN_MISSES, _listing(outcomes, missed - KNOWN_MISSES)


def test_a_whole_sentence_heard_as_a_bare_duration_never_loops(server):
    """virtual-alexa's trap: the opening lands in {duration} whole. The skill answers
    it, and the person's next words move the conversation on."""
    client = VirtualAlexa(server)
    try:
        talk = client.conversation("en-US")
        talk.start()
        said = "I have been having sciatica going down both legs since the weekend"
        replies = []
        for _ in range(3):
            turn = talk.say(said)
            intent = turn.request["request"].get("intent") or {}
            replies.append((intent.get("name"), (turn.response.get("response") or {})
                            .get("outputSpeech", {}).get("ssml", "")))
        print("\n" + "\n".join(f"{name}: {ssml[:120]}" for name, ssml in replies))
        assert len({ssml for _, ssml in replies}) > 1, replies
    finally:
        client.close()
