"""One configuration: the product reads the environment only through skill.config, once
per process, with one parsing rule per setting; tests can set it."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest

from skill import config

SKILL = Path(__file__).resolve().parent.parent / "skill"
READS_ENVIRONMENT = re.compile(r"\bos\.environ\b|\bgetenv\(|\bos\.getenvb?\b|\benviron\[")


def test_nothing_in_the_product_reads_the_environment_but_the_config():
    offenders = [
        f"{path.relative_to(SKILL)}:{number}"
        for path in SKILL.rglob("*.py")
        if path.name != "config.py" or path.parent != SKILL
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if READS_ENVIRONMENT.search(line)
    ]
    assert offenders == []


def test_the_grep_sees_the_ways_of_reading_the_environment():
    lines = ('os.environ.get("X")', 'os.environ["X"]', 'os.getenv("X")', "environ['X']")
    for line in lines:
        assert READS_ENVIRONMENT.search(line), line


def test_unset_gives_the_defaults():
    assert config.read({}) == config.Config()
    assert config.read({}).verify_requests and config.read({}).checkin_retention_days == 90


def test_text_is_stripped_but_the_key_secret_is_taken_as_given():
    settings = config.read({"SKILL_ID": "  amzn1.ask.skill.x \n", "USER_KEY_SECRET": " s3cret "})
    assert settings.skill_id == "amzn1.ask.skill.x"
    assert settings.key_secret == " s3cret "  # it keys every stored item: never rewritten


@pytest.mark.parametrize(
    ("value", "on"),
    [("off", False), ("0", False), ("FALSE", False), ("no", False), ("on", True), ("1", True),
     ("Yes", True), ("", None), ("maybe", None)],
)
def test_a_flag_is_on_or_off_and_anything_else_is_its_default(value, on):
    """None: the default (verification on, the development secret off)."""
    assert config.read({"ALEXA_VERIFY_REQUESTS": value}).verify_requests is (on is not False)
    assert config.read({"LEG_PAIN_DEV_SECRET": value}).dev_secret is (on is True)


def test_a_bad_number_is_the_default_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        assert config.read({"CHECKIN_RETENTION_DAYS": "30"}).checkin_retention_days == 30
        assert config.read({"CHECKIN_RETENTION_DAYS": "ninety"}).checkin_retention_days == 90
        assert config.read({"CHECKIN_RETENTION_DAYS": "0"}).checkin_retention_days == 90
        assert config.read({"PORT": "99999"}).port == 8080
    assert [r.getMessage().split()[0] for r in caplog.records] == [
        "CHECKIN_RETENTION_DAYS", "CHECKIN_RETENTION_DAYS", "PORT"]


def test_the_region_and_the_alert_sender():
    assert config.read({"AWS_DEFAULT_REGION": "us-west-2"}).aws_region == "us-west-2"
    assert config.read({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "x"}).aws_region == (
        "eu-west-1")
    assert config.read({"ALERT_SENDER": " Stream "}).alerts_by_stream
    assert config.read({"ALEXA_EVENTS_STAGE": "development"}).events_development


def test_read_once_until_reset(monkeypatch):
    monkeypatch.setenv("SKILL_ID", "first")  # conftest: a test's setenv reads again
    assert config.get().skill_id == "first"
    os.environ["SKILL_ID"] = "changed behind its back"  # monkeypatch restores it after
    assert config.get().skill_id == "first"  # a cold start reads once
    config.reset()
    assert config.get().skill_id == "changed behind its back"


def test_override_sets_settings_for_a_block_and_refuses_unknown_names():
    before = config.get()
    with config.override(checkin_retention_days=7) as changed:
        assert config.get() is changed and changed.checkin_retention_days == 7
        from skill.checkins import records

        assert records.retention_days() == 7
    assert config.get() is before
    with pytest.raises(TypeError), config.override(no_such_setting=1):
        pass


def test_the_readme_names_every_variable_the_config_reads():
    names = set(re.findall(r'env(?:, |\.get\()"([A-Z_]+)"', (SKILL / "config.py").read_text()))
    readme = (SKILL.parent / "README.md").read_text()
    table = readme.split("### Configuration", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.M))
    platform = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME"}  # AWS's own
    assert names - platform == listed
