"""Table keys are HMAC-SHA-256 of the Alexa user id with a secret, log tags
a different HMAC, voice profiles keyed the same way; the secret comes from the environment
or an SSM SecureString parameter (moto), a published development default is a logged
warning outside the console and the tests; and what a request sends (intent names,
exception texts) is cut short in the logs."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from aws_support import fake_aws
from moto import mock_aws
from stores import KINDS, make_store
from support import Conversation

from skill import keys, metrics
from skill.checkins import records
from skill.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
SECRET = "a-test-secret-of-the-operators-choosing"


def documented(secret: str, purpose: str, value: str, length: int) -> str:
    """The scheme as README and skill/keys.py document it, written out independently."""
    key = hmac.new(secret.encode(), f"leg-pain-guide/{purpose}".encode(), hashlib.sha256)
    return hmac.new(key.digest(), value.encode(), hashlib.sha256).hexdigest()[:length]


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv(keys.SECRET_ENV, SECRET)
    return SECRET


def stored_keys(store: SqliteStore) -> set[str]:
    rows = store._db.execute("SELECT pk FROM items").fetchall()  # the raw table, as stored
    return {pk for (pk,) in rows}


def test_table_keys_are_an_hmac_of_the_user_id_with_the_secret(tmp_path, secret):
    store = SqliteStore(tmp_path / "s.sqlite3")
    convo = Conversation(store=store, user="privacy")
    convo.launch()
    expected = documented(SECRET, "user", convo.user_id, 32)
    assert stored_keys(store) == {f"USER#{expected}"}
    plain = hashlib.sha256(convo.user_id.encode()).hexdigest()[:32]
    assert expected != plain, "not a bare hash anyone can recompute from an id"


def test_another_secret_gives_other_keys(monkeypatch, tmp_path):
    monkeypatch.setenv(keys.SECRET_ENV, "first")
    first = keys.user_key("amzn1.ask.account.x")
    monkeypatch.setenv(keys.SECRET_ENV, "second")
    assert keys.user_key("amzn1.ask.account.x") != first  # data keyed the old way: orphaned


def test_log_tags_are_a_different_hmac_that_does_not_join_to_the_table(tmp_path, secret, caplog):
    convo = Conversation(tmp_path / "s.sqlite3", user="privacy")
    with caplog.at_level(logging.INFO, logger="skill.requests"):
        convo.launch()
    (tag,) = set(re.findall(r"user=(\w+)", caplog.text))
    assert tag == documented(SECRET, "log", convo.user_id, 10)
    table_key = documented(SECRET, "user", convo.user_id, 32)
    assert tag not in table_key, "a log line cannot be joined to a row"
    assert "privacy" not in caplog.text


def test_voice_profiles_are_keyed_the_same_way(tmp_path, secret):
    store = SqliteStore(tmp_path / "s.sqlite3")
    convo = Conversation(store=store, user="household", person="alice")
    convo.launch()
    convo.intent("CheckInIntent")
    convo.yes()
    convo.intent("PainScaleIntent", score="3")
    convo.no()
    convo.no()
    convo.yes()
    user = documented(SECRET, "user", convo.user_id, 32)
    voice = documented(SECRET, "person", "amzn1.ask.person.alice", 12)
    assert [c.pain for c in records.history(store, user, f"voice-{voice}")] == [3]


@pytest.fixture
def ssm(monkeypatch) -> Any:
    fake_aws(monkeypatch)
    monkeypatch.delenv(keys.SECRET_ENV, raising=False)
    with mock_aws():
        import boto3

        yield boto3.client("ssm", region_name="us-east-1")


def test_the_secret_can_come_from_an_ssm_securestring(ssm, monkeypatch, tmp_path):
    name = f"/leg-pain-guide/test-{uuid.uuid4().hex}"
    ssm.put_parameter(Name=name, Value="from-ssm", Type="SecureString")
    monkeypatch.setenv(keys.PARAMETER_ENV, name)
    store = SqliteStore(tmp_path / "s.sqlite3")
    convo = Conversation(store=store, user="ssm")
    convo.launch()
    assert stored_keys(store) == {f"USER#{documented('from-ssm', 'user', convo.user_id, 32)}"}


def test_without_the_secret_nothing_is_stored_and_the_skill_still_answers(
        ssm, monkeypatch, tmp_path, caplog):
    monkeypatch.setenv(keys.PARAMETER_ENV, f"/leg-pain-guide/missing-{uuid.uuid4().hex}")
    store = SqliteStore(tmp_path / "s.sqlite3")
    convo = Conversation(store=store)
    with caplog.at_level(logging.WARNING):
        turn = convo.launch()
        convo.says(location="calf", symptom="breathless")
        warning = convo.confirms()
    assert "Welcome" in turn.text and warning.disposition == "emergency"
    assert stored_keys(store) == set()
    assert "could not read the user-key secret (ParameterNotFound)" in metrics.lines(
        caplog.records, metrics.Metric.STORAGE_FAILURES)


LAMBDA_LAUNCH = """
import json, sys
sys.path.insert(0, "lambda")
import lambda_function
app = {"applicationId": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"}
user = {"userId": "amzn1.ask.account.default-secret"}
event = {"version": "1.0",
         "session": {"new": True, "sessionId": "amzn1.echo-api.session.x", "application": app,
                     "user": user},
         "context": {"System": {"application": app, "user": user,
                                "device": {"deviceId": "d", "supportedInterfaces": {}}}},
         "request": {"type": "LaunchRequest", "requestId": "amzn1.echo-api.request.x",
                     "timestamp": "2026-11-25T10:00:00Z", "locale": "en-US"}}
print(json.dumps(lambda_function.handler(event, None)["response"]["outputSpeech"]["ssml"]))
"""


def _run(args: list[str], tmp_path: Path, extra: dict[str, str], stdin: str = "") -> Any:
    env = {k: v for k, v in os.environ.items()
           if k not in (keys.SECRET_ENV, keys.PARAMETER_ENV, "TABLE_NAME")}
    env.update({"LEG_PAIN_DB": str(tmp_path / "s.sqlite3"), "HOME": str(tmp_path), **extra})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.e2e
def test_the_development_secret_is_a_warning_on_lambda(tmp_path):
    lambda_env = {"AWS_LAMBDA_FUNCTION_NAME": "leg-pain-guide-skill"}
    result = _run(["-c", LAMBDA_LAUNCH], tmp_path, lambda_env)
    assert "Welcome" in json.loads(result.stdout)
    assert result.stderr.count("user keys use the development secret") == 1
    configured = _run(["-c", LAMBDA_LAUNCH], tmp_path, {**lambda_env, keys.SECRET_ENV: "x"})
    assert "development secret" not in configured.stderr


@pytest.mark.e2e
def test_the_console_uses_the_development_secret_quietly(tmp_path):
    result = _run(["-m", "skill", "chat", "--jsonl"], tmp_path, {}, stdin="hello\n")
    assert json.loads(result.stdout.splitlines()[0])["response"]
    assert "development secret" not in result.stderr


def test_unknown_intent_names_are_cut_short_in_the_log(tmp_path, caplog):
    convo = Conversation(tmp_path / "s.sqlite3")
    convo.launch()
    name = "Pain" + "X" * 20_000 + "SwollenCalfIntent"
    with caplog.at_level(logging.INFO):
        turn = convo.intent(name)
    assert "didn't catch that" in turn.text
    assert "SwollenCalf" not in caplog.text
    assert max(len(r.getMessage()) for r in caplog.records) < 200


def test_exception_texts_are_cut_short_in_the_log(tmp_path, caplog, monkeypatch):
    import skill.alexa.triage_flow as flow

    def boom(*args: Any, **kwargs: Any) -> None:
        raise ValueError("my calf is swollen " + "x" * 20_000)

    monkeypatch.setattr(flow, "advance", boom)
    convo = Conversation(tmp_path / "s.sqlite3")
    with caplog.at_level(logging.ERROR):
        turn = convo.says(location="calf")
    assert "something went wrong" in turn.text
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is None, "no full traceback with the text in it"
    line = logging.Formatter().format(record)
    assert len(line) < 400, len(line)
    assert "ValueError" in line and "triage" in line, "still says what and where"
    assert "x" * 100 not in caplog.text


@pytest.fixture
def debug_logs(monkeypatch, caplog):
    """LOG_LEVEL=DEBUG, set up as the hosts do, every logger's records captured."""
    from skill import logs

    named = [logging.getLogger(n) for n in ("skill", *logs.THIRD_PARTY)]
    levels = [(lg, lg.level) for lg in named]
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    caplog.set_level(logging.DEBUG)
    logs.configure()
    yield caplog
    for lg, level in levels:
        lg.setLevel(level)


@pytest.mark.parametrize("kind", KINDS)
def test_a_whole_conversation_at_debug_logs_no_id_code_or_score(kind, tmp_path, monkeypatch,
                                                                  debug_logs):
    store_iter = make_store(kind, tmp_path, monkeypatch)
    store = next(store_iter)
    try:
        owner = Conversation(store=store, user="private-owner")
        owner.launch()
        turn = owner.intent("CheckInIntent")
        if "Is that okay?" in turn.text:
            owner.yes()
        owner.intent("PainScaleIntent", score="7")
        owner.no()
        owner.no()
        owner.launch()
        turn = owner.intent("ShareIntent")
        (code,) = set(re.findall(r'<say-as interpret-as="digits">(\d{6})</say-as>', turn.ssml))
        carer = Conversation(store=store, user="private-carer")
        carer.launch()
        assert carer.intent("ConnectIntent", code=code).text.startswith("Connected.")
        carer.says(subject="mother")
        carer.launch()
        owner.launch()  # a triage with words a slot heard, and a warning with its save
        owner.says(location="hamstring", symptom="hot_red", other_symptom="swollen")
        owner.yes()
    finally:
        store_iter.close()
    texts = [logging.Formatter().format(r) for r in debug_logs.records]
    assert any("request type=" in t for t in texts), "the request log is still there"
    for text in texts:
        assert "amzn1.ask.account" not in text, text[:300]
        assert "private-owner" not in text and "private-carer" not in text, text[:300]
        assert "amzn1.ask.device" not in text, text[:300]
        assert code not in text, text[:300]
        assert not re.search(r"(pain|score)\W{0,12}7", text, re.I), text[:300]
        assert not re.search(r"hamstring|hot.red|swollen|mother", text, re.I), text[:300]
