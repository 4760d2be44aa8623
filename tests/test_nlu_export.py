"""`make nlu-export` (infra/nlu_export.py): the ASK CLI files that check a deployed skill
against the corpus, in the shapes the ASK CLI reads."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCALES = {"en-US", "en-CA", "en-GB", "en-AU", "en-IN"}


@pytest.fixture(scope="module")
def exporter():
    spec = importlib.util.spec_from_file_location("nlu_export", ROOT / "infra" / "nlu_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def exported(exporter, tmp_path_factory):
    out = tmp_path_factory.mktemp("nlu")
    exporter.export(out, only=["ach-", "ho-cs-cast", "dvt-"])
    return out


def test_replay_files_have_the_shape_ask_dialog_reads(exported):
    """ask dialog --replay refuses a file without skillId or locale, or with an empty
    userInput line; each file here is one vignette, launched first."""
    files = sorted((exported / "replay").glob("*/*.json"))
    assert len(files) >= 3
    for path in files:
        content = json.loads(path.read_text())
        assert content["skillId"].startswith("amzn1.ask.skill."), path
        assert content["locale"] in LOCALES and path.parent.name == content["locale"]
        assert content["type"] == "text"
        said = content["userInput"]
        assert isinstance(said, list) and len(said) >= 3, path
        assert all(isinstance(s, str) and s.strip() == s and s for s in said), path
        assert said[0] == "open leg pain guide"


def fake_ask(tmp_path: Path, intent: str) -> dict[str, str]:
    """An `ask` on PATH whose profile-nlu always selects `intent`."""
    answer = {"selectedIntent": {"name": intent, "confirmationStatus": "NONE", "slots": {}}}
    script = tmp_path / "ask"
    script.write_text(f"#!/bin/sh\necho '{json.dumps(answer)}'\n")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "SKILL_ID": "amzn1.x"}


def test_the_profile_script_checks_every_corpus_line(exported, exporter):
    script = exported / "profile-nlu.sh"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert script.read_text().count("\ncheck ") == len(exporter.corpus_rows())


def test_the_profile_script_counts_and_fails_on_a_miss(exporter, tmp_path):
    rows = [r for r in exporter.corpus_rows() if r["locale"] == "en-US"][:40]
    script = tmp_path / "profile-nlu.sh"
    script.write_text(exporter.profile_script(rows))
    run = subprocess.run(["bash", str(script)], env=fake_ask(tmp_path, "RedFlagIntent"),
                         capture_output=True, text=True, timeout=60)
    hits = sum(r["intent"] == "RedFlagIntent" for r in rows)
    assert 0 < hits < len(rows)
    assert f"{hits}/{len(rows)} corpus lines selected the expected intent" in run.stdout
    assert run.returncode == 1
    assert 'MISS en-US "no, I can\'t": RedFlagIntent, expected AMAZON.NoIntent' in run.stdout
    every = [r for r in rows if r["intent"] == "RedFlagIntent"]
    script.write_text(exporter.profile_script(every))
    run = subprocess.run(["bash", str(script)], env=fake_ask(tmp_path, "RedFlagIntent"),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout


def test_the_profile_script_needs_a_skill_id(exported):
    env = {k: v for k, v in os.environ.items() if k != "SKILL_ID"}
    run = subprocess.run(["bash", str(exported / "profile-nlu.sh")], env=env,
                         capture_output=True, text=True, timeout=30)
    assert run.returncode != 0 and "SKILL_ID" in run.stderr
