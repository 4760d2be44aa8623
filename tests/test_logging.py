"""Logs on Lambda: the runtime leaves the root logger at WARNING, so the package sets its
own level from LOG_LEVEL and the INFO request log still appears. Each case runs in a
fresh interpreter, because logging set-up is global to a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# e2e: the Lambda logging set-up, each case in a fresh process.
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]

# A LaunchRequest through lambda_function.handler, after logging is set up the way
# Lambda's runtime does it. ROOT_HANDLER_LEVEL: the level of the runtime's root handler.
SCRIPT = """
import json, logging, os, sys, uuid
root = logging.getLogger()
root.setLevel(logging.WARNING)  # the runtime's default
if os.environ["ROOT_HANDLER_LEVEL"] != "none":
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(os.environ["ROOT_HANDLER_LEVEL"])
    handler.setFormatter(logging.Formatter("runtime %(levelname)s %(message)s"))
    root.addHandler(handler)
sys.path.insert(0, "lambda")
import lambda_function
app = {"applicationId": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"}
user = {"userId": "amzn1.ask.account.logging-test"}
event = {"version": "1.0",
         "session": {"new": True, "sessionId": "amzn1.echo-api.session.x", "application": app,
                     "user": user},
         "context": {"System": {"application": app, "user": user,
                                "device": {"deviceId": "d", "supportedInterfaces": {}}}},
         "request": {"type": "LaunchRequest", "requestId": "amzn1.echo-api.request.x",
                     "timestamp": "2026-11-25T10:00:00Z", "locale": "en-US"}}
out = lambda_function.handler(event, None)
print(json.dumps(out["response"]["outputSpeech"]["ssml"][:40]))
"""


def run(tmp_path: Path, root_handler_level: str, log_level: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "AWS_LAMBDA_FUNCTION_NAME": "leg-pain-guide-skill",
        "LOG_LEVEL": log_level,
        "ROOT_HANDLER_LEVEL": root_handler_level,
        "LEG_PAIN_DB": str(tmp_path / "store.sqlite3"),
    }
    env.pop("TABLE_NAME", None)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=True,
    )


@pytest.mark.parametrize("root_handler_level", ["WARNING", "NOTSET", "none"])
def test_the_request_log_appears_under_lambdas_logging_set_up(tmp_path, root_handler_level):
    result = run(tmp_path, root_handler_level, "INFO")
    assert "Welcome" in json.loads(result.stdout)
    lines = [line for line in result.stderr.splitlines() if "request type=LaunchRequest" in line]
    assert len(lines) == 1, result.stderr  # once: never twice through two handlers
    assert "logging-test" not in result.stderr, "raw user ids are never logged"


def test_log_level_warning_keeps_the_request_log_quiet(tmp_path):
    result = run(tmp_path, "NOTSET", "WARNING")
    assert "request type=" not in result.stderr
