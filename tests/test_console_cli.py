"""`python -m skill chat`: conversations typed into the console, checked the way Alexa
would see them (every request a valid RequestEnvelope, attributes carried turn to turn)."""

from __future__ import annotations

import itertools
import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.alexa.entry import RequestRejected
from skill.console.conversation import Conversation
from skill.console.envelopes import DEFAULT_SKILL_ID
from skill.console.render import reply_lines
from skill.speech.ssml import to_text as ssml_to_text

REPO = Path(__file__).resolve().parents[1]
_serializer = DefaultSerializer()


def as_alexa(request: dict) -> RequestEnvelope:
    parsed = _serializer.deserialize(json.dumps(request), RequestEnvelope)
    assert parsed is not None and parsed.request is not None
    return parsed


def chat(
    tmp_path: Path,
    *lines: str,
    args: tuple[str, ...] = ("--jsonl",),
    raw: bytes | None = None,
    env: dict[str, str] | None = None,
):
    env = {**os.environ, "LEG_PAIN_DB": str(tmp_path / "store.sqlite3"), "HOME": str(tmp_path),
           **(env or {})}
    env.pop("SKILL_ID", None)
    stdin = raw if raw is not None else ("\n".join(lines) + "\n").encode()
    done = subprocess.run(
        [sys.executable, "-m", "skill", "chat", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    if "--jsonl" not in args:
        return done.stdout.decode()
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


def kind(turn: dict) -> str:
    request = turn["request"]["request"]
    return request.get("intent", {}).get("name") or request["type"]


def ended(turn: dict) -> bool:
    return bool(turn["response"].get("response", {}).get("shouldEndSession"))


def check_sessions(turns: list[dict]) -> None:
    """What Alexa guarantees between turns: attributes come back, sessions end and restart."""
    for turn in turns:
        as_alexa(turn["request"])
    for before, after in itertools.pairwise(turns):
        session = after["request"]["session"]
        if ended(before) or before["request"]["request"]["type"] == "SessionEndedRequest":
            assert session["new"] is True and "attributes" not in session
            assert session["sessionId"] != before["request"]["session"]["sessionId"]
        else:
            assert session["new"] is False
            assert session["sessionId"] == before["request"]["session"]["sessionId"]
            assert session["attributes"] == before["response"].get("sessionAttributes", {})


# --- conversations through the real skill -----------------------------------------------


@pytest.mark.e2e  # `python -m skill chat` in its own process
def test_a_conversation_starts_with_launch_and_carries_attributes(tmp_path):
    turns = chat(tmp_path, "my calf hurts after running", "", "no", "not really")
    first = turns[0]
    assert first["utterance"] == "open leg pain guide"
    assert first["request"]["request"]["type"] == "LaunchRequest"
    assert first["request"]["session"]["new"] is True
    assert [t["utterance"] for t in turns[1:4]] == [
        "my calf hurts after running",
        "no",
        "not really",
    ]
    assert kind(turns[1]) == "DescribePainIntent"
    slots = turns[1]["request"]["request"]["intent"]["slots"]
    assert (
        slots["location"]["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"]
        == "calf"
    )
    check_sessions(turns)


@pytest.mark.e2e  # `python -m skill chat` in its own process
def test_end_of_input_closes_an_open_session(tmp_path):
    turns = chat(tmp_path, "help")
    if not ended(turns[-2]):
        last = turns[-1]["request"]["request"]
        assert last["type"] == "SessionEndedRequest" and last["reason"] == "USER_INITIATED"
    check_sessions(turns)


@pytest.mark.e2e  # `python -m skill chat` in its own process
def test_after_stop_the_next_words_open_the_skill_again(tmp_path):
    turns = chat(tmp_path, "stop", "my calf hurts", "stop", "ask leg pain guide about my hamstring")
    assert kind(turns[1]) == "AMAZON.StopIntent"
    assert ended(turns[1]), "stop should end the session"
    assert turns[2]["request"]["request"]["type"] == "LaunchRequest"
    one_shot = next(t for t in turns if t["utterance"].startswith("ask leg pain guide"))
    assert kind(one_shot) == "DescribePainIntent"
    assert one_shot["request"]["session"]["new"] is True
    check_sessions(turns)


@pytest.mark.e2e  # `python -m skill chat` in its own process
def test_quit_sends_session_ended_and_stops_reading(tmp_path):
    turns = chat(tmp_path, "quit", "my calf hurts")
    assert [t["request"]["request"]["type"] for t in turns] == [
        "LaunchRequest",
        "SessionEndedRequest",
    ]
    assert turns[-1]["utterance"] == "quit"


@pytest.mark.e2e  # `python -m skill chat` in its own process
def test_odd_input_never_crashes(tmp_path):
    odd = [
        "🦵🦵🦵",
        "ça fait mal à mon mollet",
        "x" * 10_000,
        "!!!???",
        "\t",
        "{slot} {{}} <speak>",
    ]
    turns = chat(tmp_path, *odd)
    assert len(turns) >= 1 + 5  # the tab-only line is blank
    for turn in turns:
        as_alexa(turn["request"])


@pytest.mark.e2e  # `python -m skill chat` in its own process
def test_bytes_that_are_not_utf8(tmp_path):
    turns = chat(tmp_path, raw=b"my calf \xff\xfe hurts\n")
    assert kind(turns[1]) == "DescribePainIntent"


@pytest.mark.e2e  # `python -m skill chat` in its own process
def test_screen_devices_announce_apl(tmp_path):
    turns = chat(tmp_path, "help", args=("--jsonl", "--screen", "--user", "ann"))
    request = turns[0]["request"]
    system = request["context"]["System"]
    assert system["device"]["supportedInterfaces"]["Alexa.Presentation.APL"]["runtime"][
        "maxVersion"
    ]
    assert "Viewport" in request["context"]
    assert system["user"]["userId"] == "amzn1.ask.account.console-ann"


@pytest.mark.e2e  # `python -m skill chat` in its own process
def test_interactive_mode_prints_plain_text(tmp_path):
    out = chat(tmp_path, "help", "quit", args=())
    assert "you> " in out
    assert "<speak>" not in out and "<break" not in out


def spoken(turn: dict) -> str:
    return ssml_to_text(
        turn["response"].get("response", {}).get("outputSpeech", {}).get("ssml", "")
    )


CHECK_IN = ("check in", "yes", "four", "no", "no", "yes")  # consent, pain, two checks, stretches


def test_date_sets_the_skills_clock_and_check_ins_on_two_days_are_summarised(tmp_path):
    day1 = chat(tmp_path, *CHECK_IN, args=("--jsonl", "--user", "amy", "--date", "2026-12-01"))
    assert all(t["request"]["request"]["timestamp"].startswith("2026-12-01T12:") for t in day1)
    assert "first check-in for you, with pain at 4" in spoken(day1[-2])
    day3 = chat(
        tmp_path,
        "check in",
        "six",
        "no",
        "no",
        "no",
        args=("--jsonl", "--user", "amy", "--date", "2026-12-03T08:30"),
    )
    assert day3[0]["request"]["request"]["timestamp"].startswith("2026-12-03T08:3")
    assert "up from 4 to 6 since Tuesday" in spoken(day3[-2])
    summary = chat(
        tmp_path,
        "how have my check ins been",
        args=("--jsonl", "--user", "amy", "--date", "2026-12-03T09:00"),
    )
    assert kind(summary[1]) == "SummaryIntent"
    assert "there were 2 check-ins for you" in spoken(summary[1])
    assert "Pain went from 4 to 6" in spoken(summary[1])


def test_date_must_be_a_day_or_a_day_and_time():
    from skill.console.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["--date", "1 December"])
    assert stop.value.code == 2


def test_fresh_is_a_first_time_user_with_no_history(tmp_path):
    chat(tmp_path, *CHECK_IN, args=("--jsonl", "--user", "me"))
    turns = chat(tmp_path, "check in", args=("--jsonl", "--fresh"))
    user = turns[0]["request"]["session"]["user"]["userId"]
    assert user.startswith("amzn1.ask.account.console-fresh-")
    assert spoken(turns[0]).startswith("Welcome to Leg Pain Guide.")  # not "Welcome back"
    assert "Is that okay?" in spoken(turns[1]), "consent is asked again, as for anyone new"
    again = chat(tmp_path, "check in", args=("--jsonl", "--fresh"))
    assert again[0]["request"]["session"]["user"]["userId"] != user
    assert len(turns) == 3, "nothing but turns in --jsonl mode"


def test_each_voice_on_one_account_has_its_own_check_ins(tmp_path):
    amy = chat(tmp_path, *CHECK_IN, args=("--jsonl", "--user", "home", "--voice", "amy"))
    person = amy[0]["request"]["context"]["System"]["person"]["personId"]
    assert person == "amzn1.ask.person.console-home-amy"
    assert "first check-in for you, with pain at 4" in spoken(amy[-2])
    ben = chat(tmp_path, *CHECK_IN, args=("--jsonl", "--user", "home", "--voice", "ben"))
    assert ben[0]["request"]["context"]["System"]["person"]["personId"] != person
    assert "first check-in for you, with pain at 4" in spoken(ben[-2]), "Amy's is not Ben's"
    again = chat(
        tmp_path, "check in", "three", "no", "no", "yes",
        args=("--jsonl", "--user", "home", "--voice", "amy"),
    )
    assert again[0]["request"]["context"]["System"]["person"]["personId"] == person
    assert "down from 4 to 3" in spoken(again[-2]), "the same voice in a later run"
    guest = chat(tmp_path, "check in", args=("--jsonl", "--user", "home"))
    assert "person" not in guest[0]["request"]["context"]["System"], "no voice: a guest"


def test_fresh_names_its_user_once_in_interactive_mode(tmp_path):
    out = chat(tmp_path, "quit", args=("--fresh",))
    (line,) = [line for line in out.splitlines() if "first-time user" in line]
    assert line.startswith("(a first-time user: --user fresh-")


def test_the_skill_console_script_runs_the_console(tmp_path):
    script = Path(sys.executable).parent / "skill"
    env = {**os.environ, "LEG_PAIN_DB": str(tmp_path / "store.sqlite3"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [str(script), "chat", "--jsonl"],
        input=b"help\n",
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    turns = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert kind(turns[0]) == "LaunchRequest" and kind(turns[1]) == "AMAZON.HelpIntent"


def test_a_python_without_the_skills_packages_says_at_once_how_to_run_it():
    # -S leaves out site-packages: what a system Python without the venv's packages sees.
    done = subprocess.run(
        [sys.executable, "-S", "-m", "skill", "chat"],
        input=b"help\n",
        capture_output=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == b"", "no --help and no first turn"
    message = done.stderr.decode()
    assert "no module named 'ask_sdk_core'" in message
    assert ".venv/bin/python -m skill chat" in message and "make chat" in message
    assert "Traceback" not in message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeAlexaServer:
    """`python -m skill fake-alexa` as a subprocess: what it printed before serving, the
    environment it told us to use, and the lines it prints for calls."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "skill", "fake-alexa", "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, text=True)
        self.banner: list[str] = []
        while not self.banner or self.banner[-1] != "Calls received:":
            line = self.process.stdout.readline()
            assert line, self.process.stderr.read()
            self.banner.append(line.rstrip("\n"))
        self.env = dict(line.removeprefix("export ").split("=", 1)
                        for line in self.banner if line.startswith("export "))
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, skip: str = "/settings/") -> str:
        """The next line it printed for a call (time zone reads left out), within 30 s."""
        while True:
            line = self.lines.get(timeout=30)
            if skip not in line:
                return line

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def fake_alexa_server():
    server = FakeAlexaServer()
    yield server
    server.stop()


def test_fake_alexa_prints_its_environment_and_answers_a_token_request(fake_alexa_server):
    url = f"http://127.0.0.1:{fake_alexa_server.port}"
    assert fake_alexa_server.banner[0].startswith(f"Fake Alexa APIs on {url} ")
    env = fake_alexa_server.env
    assert env["LWA_TOKEN_URL"] == url + "/auth/o2/token"
    assert env["ALEXA_EVENTS_STAGE"] == "development"
    assert any(f"--api-endpoint {url} --permissions " in line for line in fake_alexa_server.banner)
    form = urllib.parse.urlencode({
        "grant_type": "client_credentials", "scope": "alexa::proactive_events",
        "client_id": env["ALEXA_CLIENT_ID"], "client_secret": env["ALEXA_CLIENT_SECRET"]})
    request = urllib.request.Request(
        env["LWA_TOKEN_URL"], data=form.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        token = json.load(answer)
    assert token["access_token"] == "lwa-token-1" and token["expires_in"] == 3600
    assert fake_alexa_server.next_line() == "POST /auth/o2/token -> 200  token lwa-token-1"


def test_fake_alexa_refuses_a_wrong_client_secret(fake_alexa_server):
    env = fake_alexa_server.env
    form = urllib.parse.urlencode({
        "grant_type": "client_credentials", "scope": "alexa::proactive_events",
        "client_id": env["ALEXA_CLIENT_ID"], "client_secret": "guess"})
    request = urllib.request.Request(
        env["LWA_TOKEN_URL"], data=form.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401
    assert fake_alexa_server.next_line() == "POST /auth/o2/token -> 401  refused: invalid_client"


def test_a_reminder_through_fake_alexa_is_asked_for_by_voice_and_set_after_yes(
    tmp_path, fake_alexa_server
):
    url = f"http://127.0.0.1:{fake_alexa_server.port}"
    turns = chat(tmp_path, "remind me every day at nine am", "yes",
                 args=("--jsonl", "--api-endpoint", url, "--date", "2026-12-01T08:00"))
    assert turns[1]["response"]["response"]["directives"][0]["name"] == "AskFor"
    assert turns[2]["request"]["request"]["payload"]["status"] == "ACCEPTED"
    assert "I'll remind you every day at 9 AM" in spoken(turns[2])
    heard = [fake_alexa_server.next_line() for _ in range(2)]
    assert heard[0] == ("POST /v1/alerts/reminders -> 401  reminder 2026-12-01T09:00:00.000"
                        "  refused: no permission")
    assert heard[1] == "POST /v1/alerts/reminders -> 200  reminder 2026-12-01T09:00:00.000"


NOTIFY = "alexa::devices:all:notifications:write"
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def shared_code(tmp_path: Path, *options: str, env: dict[str, str] | None = None) -> str:
    """The owner checks in for mom and shares; the code, as a caregiver would say it."""
    turns = chat(tmp_path, "check in for my mom", *CHECK_IN[1:], "share my check ins",
                 args=("--jsonl", "--user", "owner", *options), env=env)
    ssml = turns[-1]["response"]["response"]["outputSpeech"]["ssml"]
    (code,) = set(re.findall(r'<say-as interpret-as="digits">(\d{6})</say-as>', ssml))
    return " ".join(DIGITS[int(d)] for d in code)


def scopes(turn: dict) -> set[str]:
    user = turn["request"]["context"]["System"]["user"]
    return set(user.get("permissions", {}).get("scopes", {}))


def test_yes_to_alexas_permission_question_accepts_and_grants_it_from_then_on(tmp_path):
    code = shared_code(tmp_path)
    turns = chat(tmp_path, "connect to code " + code, "send me alerts", "yes", "send me alerts",
                 args=("--jsonl", "--user", "carer"))
    asked = turns[2]["response"]["response"]
    (directive,) = asked["directives"]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    answer = turns[3]
    assert answer["utterance"] == "yes"
    request = answer["request"]["request"]
    assert request["type"] == "Connections.Response" and request["name"] == "AskFor"
    assert request["payload"]["status"] == "ACCEPTED"
    assert request["token"] == directive["token"]
    assert answer["request"]["session"]["new"] is True, "the answer comes as a fresh session"
    assert NOTIFY in scopes(answer)
    assert "your Alexa will get a notification from Leg Pain Guide" in spoken(answer)
    again = turns[4]
    assert kind(again) == "SendMeAlertsIntent" and NOTIFY in scopes(again)
    assert "directives" not in again["response"]["response"], "not asked twice"
    for turn in turns:
        as_alexa(turn["request"])


def test_no_to_alexas_permission_question_denies_it(tmp_path):
    code = shared_code(tmp_path)
    turns = chat(tmp_path, "connect to code " + code, "send me alerts", "no",
                 "send me alerts", "send me alerts", args=("--jsonl", "--user", "carer"))
    answer = turns[3]
    assert answer["request"]["request"]["type"] == "Connections.Response"
    assert answer["request"]["request"]["payload"]["status"] == "DENIED"
    assert NOTIFY not in scopes(answer)
    assert spoken(answer).startswith("Okay, no alerts.")
    assert answer["response"]["response"]["card"]["type"] == "AskForPermissionsConsent"
    assert ended(answer)
    assert kind(turns[4]) == "LaunchRequest", "the next words open the skill again"
    assert kind(turns[5]) == "SendMeAlertsIntent" and NOTIFY not in scopes(turns[5])
    assert turns[5]["response"]["response"]["directives"][0]["name"] == "AskFor", "asked again"


def test_alexas_permission_question_is_shown_in_interactive_mode(tmp_path):
    code = shared_code(tmp_path)
    out = chat(tmp_path, "connect to code " + code, "send me alerts", "no",
               args=("--user", "carer"))
    assert ("(Alexa asks: allow Leg Pain Guide to send you notifications? say yes or no)"
            in out)
    assert "Okay, no alerts." in out


# --- the console's own rules, with a stand-in skill ------------------------------------


class FakeSkill:
    """Ends the session when asked to stop; remembers how many turns it has seen."""

    def __init__(self) -> None:
        self.requests: list[dict] = []

    def __call__(self, event: dict) -> dict:
        self.requests.append(event)
        request = event["request"]
        turns = (event["session"].get("attributes") or {}).get("turns", 0) + 1
        stop = request.get("intent", {}).get("name") == "AMAZON.StopIntent"
        return {
            "version": "1.0",
            "sessionAttributes": {"turns": turns},
            "response": {
                "outputSpeech": {"type": "SSML", "ssml": "<speak>ok</speak>"},
                "shouldEndSession": stop,
            },
        }


def test_every_built_request_is_a_valid_alexa_envelope():
    skill = FakeSkill()
    chat = Conversation(handler=skill, screen=True)
    chat.start()
    for said in [
        "my mum's calf has been puffy since her flight",
        "about a seven",
        "three days",
        "help",
        "stop",
    ]:
        chat.say(said)
    chat.say("ask leg pain guide about my calf")
    chat.end()
    for request in skill.requests:
        parsed = as_alexa(request)
        assert (
            request["request"]["timestamp"].endswith("Z")
            and "." not in request["request"]["timestamp"]
        )
        assert request["request"]["requestId"].startswith("amzn1.echo-api.request.")
        assert parsed.session.session_id.startswith("amzn1.echo-api.session.")
        assert request["context"]["System"]["apiAccessToken"] == "console-token"
    describe = skill.requests[1]["request"]["intent"]
    assert set(describe["slots"]) == {  # DescribePainIntent, v2 (DEVELOPERS.md)
        "subject",
        "location",
        "side",
        "onset",
        "trigger",
        "symptom",
        "other_symptom",
        "third_symptom",
        "denied",
        "context",
        "duration",
        "compare",
        "since",
        "since_date",
        "fine",
    }
    assert describe["slots"]["side"] == {"name": "side", "confirmationStatus": "NONE"}
    location = describe["slots"]["location"]
    authority = location["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["authority"] == f"amzn1.er-authority.echo-sdk.{DEFAULT_SKILL_ID}.LEG_LOCATION"
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"] == {"name": "calf", "id": "calf"}
    score = skill.requests[2]["request"]["intent"]["slots"]["score"]
    assert score["value"] == "7" and "resolutions" not in score


def test_attributes_ride_along_and_a_new_session_starts_after_the_skill_ends_one():
    skill = FakeSkill()
    chat = Conversation(handler=skill)
    chat.start()
    chat.say("help")
    assert skill.requests[-1]["session"]["attributes"] == {"turns": 1}
    chat.say("stop")
    assert not chat.is_open
    chat.say("my calf hurts")
    assert skill.requests[-1]["request"]["type"] == "LaunchRequest"
    assert skill.requests[-1]["session"]["new"] is True
    assert chat.end() is not None and not chat.is_open
    assert chat.end() is None  # nothing left to close


def test_skill_id_from_the_environment(monkeypatch):
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.11111111-2222-3333-4444-555555555555")
    skill = FakeSkill()
    Conversation(handler=skill).start()
    assert skill.requests[0]["session"]["application"]["applicationId"].endswith("555555555555")


def test_a_rejected_request_is_reported_not_raised():
    def reject(event: dict) -> dict:
        raise RequestRejected("application id does not match SKILL_ID")

    turn = Conversation(handler=reject).start()
    assert "rejected" in turn.error and turn.response == {}
    assert "error" in turn.as_json()


# --- showing replies ----------------------------------------------------------------------


def test_ssml_is_shown_as_text_with_breaks_as_ellipses():
    ssml = '<speak>Hold it <break time="10s"/> and relax. Salt &amp; water.</speak>'
    assert ssml_to_text(ssml) == "Hold it … and relax. Salt & water."


def test_cards_are_indented_under_the_speech():
    envelope = {
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": "<speak>Call 911.</speak>"},
            "card": {
                "type": "Simple",
                "title": "Emergency",
                "content": "Call 911 now.\nDo not drive.",
            },
        }
    }
    assert reply_lines(envelope) == [
        "Call 911.",
        "    [Emergency]",
        "    Call 911 now.",
        "    Do not drive.",
    ]


@pytest.mark.parametrize("flag", ["--help"])
def test_help_exits_cleanly(flag):
    from skill.console.cli import main

    with pytest.raises(SystemExit) as stop:
        main([flag])
    assert stop.value.code == 0


def test_other_words_leave_alexas_permission_question_not_answered():
    asking = {"type": "Connections.SendRequest", "name": "AskFor", "token": "reminder:09:00",
              "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "2",
                          "permissionScopes": [{"permissionScope": "alexa::alerts:reminders:"
                                                "skill:readwrite", "consentLevel": "ACCOUNT"}]}}
    requests: list[dict] = []

    def skill(event: dict) -> dict:
        requests.append(event)
        body: dict = {"shouldEndSession": None}
        if event["request"].get("intent", {}).get("name") == "ReminderIntent":
            body["directives"] = [asking]
        return {"version": "1.0", "response": body}

    chat = Conversation(handler=skill)
    chat.start()
    chat.say("remind me every day at nine am")
    assert chat.asking is not None
    assert chat.asking.question() == "allow Leg Pain Guide to send you reminders?"
    chat.say("what time is it")
    answer = requests[-1]["request"]
    assert answer["type"] == "Connections.Response"
    assert answer["payload"]["status"] == "NOT_ANSWERED" and answer["token"] == "reminder:09:00"
    assert chat.asking is None and chat.permissions == ()
    as_alexa(requests[-1])


def test_fake_alexa_shows_the_alert_a_red_flag_check_in_pushes_to_the_caregiver(
    tmp_path, fake_alexa_server
):
    url = f"http://127.0.0.1:{fake_alexa_server.port}"
    # What fake-alexa printed; no SSM secret or DynamoDB table from the outer environment.
    env = {**fake_alexa_server.env, "TABLE_NAME": "", "ALEXA_CLIENT_SECRET_PARAMETER": ""}
    endpoint = ("--api-endpoint", url)
    code = shared_code(tmp_path, *endpoint, env=env)
    carer = chat(tmp_path, "connect to code " + code, "send me alerts", "yes",
                 args=("--jsonl", "--user", "carer", *endpoint), env=env)
    assert carer[3]["request"]["request"]["payload"]["status"] == "ACCEPTED"
    owner = chat(tmp_path, "alert my caregivers", "yes", "check in for my mom",
                 "her leg has gone cold and blue", "yes it is",
                 args=("--jsonl", "--user", "owner", *endpoint), env=env)
    assert "call 911 now. Is it?" in spoken(owner[4])
    assert spoken(owner[5]).startswith("This could be serious. Call 911 now.")
    assert fake_alexa_server.next_line() == "POST /auth/o2/token -> 200  token lwa-token-1"
    assert fake_alexa_server.next_line() == (
        "POST /v1/proactiveEvents/stages/development -> 202  EVENT "
        "AMAZON.MessageAlert.Activated for amzn1.ask.account.console-carer: "
        "'Leg Pain Guide', URGENT")
    later = chat(tmp_path, args=("--jsonl", "--user", "carer", *endpoint), env=env)
    assert "your mom's check-in said she should call 911 now" in spoken(later[0])
