"""`python -m skill`: the commands and their options are discoverable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# e2e: `python -m skill` in its own process.
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, input="", env=env)


def without_secret(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("USER_KEY_SECRET", "USER_KEY_SECRET_PARAMETER", "LEG_PAIN_DEV_SECRET")}
    return {**env, "SKILL_ID": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000", **extra}


def test_serve_refuses_to_start_on_the_published_development_secret():
    result = run("serve", "--port", "0", env=without_secret())
    assert result.returncode == 2
    assert "USER_KEY_SECRET" in result.stderr and "--dev-secret" in result.stderr
    assert "listening" not in result.stdout


@pytest.mark.parametrize("how", [("--dev-secret",), ("LEG_PAIN_DEV_SECRET=1",),
                                 ("USER_KEY_SECRET=an-operators-secret",)])
def test_serve_starts_with_a_secret_or_the_explicit_development_flag(how):
    args = [a for a in how if a.startswith("--")]
    extra = dict(a.split("=", 1) for a in how if "=" in a)
    server = subprocess.Popen([sys.executable, "-m", "skill", "serve", "--port", "0", *args],
                              cwd=ROOT, env=without_secret(**extra), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert "listening" in line, server.stderr.read() if server.poll() is not None else line
    finally:
        server.terminate()
        server.wait(10)


def test_the_console_still_needs_no_secret():
    result = run("chat", "--jsonl", env=without_secret())
    assert result.returncode == 0, result.stderr


def test_help_lists_every_command_and_its_options():
    result = run("--help")
    assert result.returncode == 0
    for text in ("chat", "serve", "--jsonl", "--locale", "--user", "--screen", "--port",
                 "--no-verify"):
        assert text in result.stdout, text


def test_an_unknown_command_says_what_exists():
    result = run("bogus")
    assert result.returncode == 2
    assert "unknown command 'bogus'" in result.stderr and "serve" in result.stderr
