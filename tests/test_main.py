"""`python -m skill`: the commands and their options are discoverable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# e2e: `python -m skill` in its own process.
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, input="")


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
