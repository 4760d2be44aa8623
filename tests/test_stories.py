"""Stories written blind (tests/stories/README.md): households (several people on one
account, their caregivers elsewhere, sharing and alerts) and guided sessions (stretches,
RICE, stopping and resuming), typed into the console's conversation layer with its
generous hearing, against one real SQLite store, with Alexa's APIs, Login with Amazon and
the Proactive Events API played by the local fake."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alexa_fake import FAKE

from skill import clock
from skill.alexa import alert_sender
from skill.alexa.api_client import TimedApiClient
from skill.alexa.entry import respond
from skill.alexa.skill import build_skill
from skill.console.conversation import Conversation
from skill.speech.ssml import to_text
from skill.store.sqlite import SqliteStore

STORIES = Path(__file__).parent / "stories"
NOTIFY = "alexa::devices:all:notifications:write"
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
CODE = re.compile(r'<say-as interpret-as="digits">(\d{6})</say-as>')


def load() -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(STORIES.glob("*.jsonl"))
        for line in path.read_text().splitlines()
        if line.strip()
    ]


def speech(turn: Any) -> str:
    body = turn.response.get("response") or {}
    return (body.get("outputSpeech") or {}).get("ssml", "")


def alerts_to(user: str) -> int:
    account = f"amzn1.ask.account.console-{user}"
    return sum(
        1
        for event in FAKE.delivered()
        if event["body"]["relevantAudience"]["payload"]["user"] == account
    )


class Household:
    """One story's world: a store, a skill, and each step's console run in turn."""

    def __init__(self, tmp_path: Path, locale: str) -> None:
        self.store = SqliteStore(tmp_path / "store.sqlite3")
        self.skill = build_skill(self.store, api_client=TimedApiClient(allow_loopback_http=True))
        self.locale = locale
        self.code = ""
        self.heard: list[dict[str, Any]] = []  # per step: the launch and each reply, as text
        self.transcript: list[str] = []

    def run(self, step: dict[str, Any]) -> None:
        if step.get("at"):  # the time the skill sees from this step on (UTC)
            clock.set_clock(datetime.fromisoformat(step["at"]).replace(tzinfo=UTC), frozen=False)
        talk = Conversation(
            locale=self.locale,
            user=step["user"],
            voice=step.get("voice") or "",
            permissions=(NOTIFY,) if step.get("notify") else (),
            api_endpoint=FAKE.url,
            handler=lambda event: respond(lambda: self.skill, event),
        )
        who = step.get("who", step["user"])
        launch = talk.start()
        said = {"launch": to_text(speech(launch)), "replies": []}
        self.transcript.append(f"[{who}: --user {step['user']} --voice {step.get('voice')}]")
        self.transcript.append(f"alexa> {said['launch']}")
        for line in step["lines"]:
            if "{code}" in line:
                assert self.code, "a story used {code} before any code was remembered"
                line = line.replace("{code}", " ".join(DIGITS[int(d)] for d in self.code))
            turn = talk.say(line)
            ssml = speech(turn)
            if step.get("code") == "remember" and CODE.search(ssml):
                self.code = CODE.search(ssml).group(1)
            said["replies"].append(to_text(ssml))
            self.transcript.append(f"{who}> {line}\nalexa> {said['replies'][-1]}")
        talk.end()
        assert alert_sender.settle_all(30), "the alert sender finished"
        self.heard.append(said)


def words_in(text: str, words: list[str]) -> list[str]:
    """The words heard in text, whole words only ("mom" is not in "moment")."""
    return [w for w in words if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE)]


def failures(story: dict[str, Any], home: Household) -> list[str]:
    found = []
    for check in story["checks"]:
        if "after_step" in check:
            continue
        said = home.heard[check["step"]]
        text = said["launch"] if "line" not in check else said["replies"][check["line"]]
        where = f"step {check['step']}" + (f" line {check['line']}" if "line" in check else "")
        for key in ("launch_mentions", "reply_mentions"):
            missing = [w for w in check.get(key, []) if not words_in(text, [w])]
            if missing:
                found.append(f"{where}: {missing} not heard in {text!r}")
        for key in ("launch_not_mentions", "reply_not_mentions"):
            if heard := words_in(text, check.get(key, [])):
                found.append(f"{where}: {heard} heard in {text!r}")
    return found


@pytest.mark.parametrize("story", load(), ids=lambda s: s["id"])
def test_story_written_blind(story, tmp_path, lwa):
    home = Household(tmp_path, story["locale"])
    wrong = []
    for number, step in enumerate(story["steps"]):
        home.run(step)
        for check in story["checks"]:
            if check.get("after_step") == number:
                for user, expected in check["alerts_to"].items():
                    if alerts_to(user) != expected:
                        wrong.append(
                            f"after step {number}: {alerts_to(user)} alerts to {user}, "
                            f"expected {expected}"
                        )
    wrong += failures(story, home)
    assert not wrong, story["why"] + "\n" + "\n".join([*wrong, "", *home.transcript])
