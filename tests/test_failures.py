"""Failures you can see (issue 21 item 5): when storage is down, each account feature says
so in its own words and the failure is counted as a storage failure, never as a bug; a
bug is an apology counted as one; a warning never waits for, or is lost to, storage.

The store is a real SQLite file that can go down: every call then raises StoreError, as
both backends do for an outage (skill/store/base.py)."""

from __future__ import annotations

import json
import logging
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from aws_support import fake_aws
from moto import mock_aws
from support import Conversation

from skill import keys, logs, metrics
from skill.checkins import sharing
from skill.store.base import StoreError
from skill.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
STORAGE = metrics.Metric.STORAGE_FAILURES
BUGS = metrics.Metric.BUG_APOLOGIES


class Outage:
    """A real SQLite store that can go down."""

    def __init__(self, path: Path) -> None:
        self.inner = SqliteStore(path)
        self.down = False

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise StoreError("OperationalError")
            return attr(*args, **kwargs)

        return call


@pytest.fixture
def store(tmp_path) -> Outage:
    return Outage(tmp_path / "store.sqlite3")


@pytest.fixture
def person(store) -> Conversation:
    convo = Conversation(store=store)
    convo.launch()
    return convo


def counted(caplog, metric: metrics.Metric) -> list[str]:
    return metrics.lines(caplog.records, metric)


def test_asking_for_a_summary_while_storage_is_down_says_the_check_ins_could_not_be_read(
        person, store, caplog):
    store.down = True
    with caplog.at_level(logging.WARNING):
        turn = person.intent("SummaryIntent", subject="mother")
    assert turn.text.startswith("Sorry, I couldn't read the check-ins just now.")
    assert turn.response["shouldEndSession"] is False
    assert counted(caplog, STORAGE) == ["could not read a summary (StoreError)"]
    assert counted(caplog, BUGS) == [] and logs.BUG_APOLOGY not in caplog.text


def test_asking_for_a_share_code_while_storage_is_down_says_nothing_changed_and_ends(
        person, store, caplog):
    store.down = True
    with caplog.at_level(logging.WARNING):
        turn = person.intent("ShareIntent")
    assert turn.text == ("Sorry, I couldn't reach my storage just now, so nothing changed. "
                         "Please try again in a moment.")
    assert turn.response["shouldEndSession"] is True
    assert counted(caplog, STORAGE) == ["could not make a share code (StoreError)"]
    assert counted(caplog, BUGS) == []


def test_stopping_sharing_while_storage_is_down_never_pretends_it_stopped(person, store, caplog):
    store.down = True
    with caplog.at_level(logging.WARNING):
        turn = person.intent("StopSharingIntent")
    assert turn.text.startswith("Sorry, I couldn't stop sharing just now")
    assert counted(caplog, STORAGE) == ["could not stop sharing (StoreError)"]
    assert counted(caplog, BUGS) == []


def test_turning_caregiver_alerts_on_while_storage_is_down_says_they_are_still_off(
        person, store, caplog):
    person.intent("AlertCaregiversIntent")
    store.down = True
    with caplog.at_level(logging.WARNING):
        turn = person.yes()
    assert turn.text.startswith("Sorry, I couldn't save that just now, so alerts are still off.")
    # Counted once, where the profile's save failed; the spoken failure is only logged.
    assert counted(caplog, STORAGE) == ["could not save the profile (StoreError)"]
    assert "could not turn caregiver alerts on (profile not saved)" in caplog.text
    assert counted(caplog, BUGS) == []


def test_stopping_alerts_while_storage_is_down_says_they_may_still_be_on(person, store, caplog):
    store.down = True
    with caplog.at_level(logging.WARNING):
        turn = person.intent("StopAlertsIntent")
    assert turn.text.startswith("Sorry, I couldn't stop alerts just now, so they may still be on.")
    assert counted(caplog, STORAGE) == ["could not stop alerts (StoreError)"]
    assert counted(caplog, BUGS) == []


def test_deleting_data_while_storage_is_down_says_it_was_not_deleted_and_ends(
        person, store, caplog):
    person.intent("DeleteDataIntent")
    store.down = True
    with caplog.at_level(logging.WARNING):
        turn = person.yes()
    assert turn.text == "Sorry, I couldn't delete the data just now. Please try again later."
    assert turn.response["shouldEndSession"] is True
    assert counted(caplog, STORAGE) == ["could not delete data (StoreError)"]
    assert counted(caplog, BUGS) == []


def test_a_check_in_warning_with_storage_down_still_warns_and_counts_no_bug(
        person, store, caplog):
    person.intent("CheckInIntent")
    person.yes()  # keep check-ins
    person.intent("PainScaleIntent", score="5")
    store.down = True
    with caplog.at_level(logging.WARNING):
        turn = person.yes()  # breathless, chest pain or a cold leg since last time
    assert turn.text.startswith("This could be serious. Call 911 now.")
    assert "I couldn't save your progress this time." in turn.text
    assert "could not save a check-in (StoreError)" in counted(caplog, STORAGE)
    assert counted(caplog, BUGS) == []


def test_a_bug_in_a_feature_is_an_apology_counted_as_a_bug_not_a_storage_failure(
        person, monkeypatch, caplog):
    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(sharing, "revoke_all", broken)
    with caplog.at_level(logging.WARNING):
        turn = person.intent("StopSharingIntent")
    assert turn.text.startswith("Sorry, something went wrong on my side.")
    (line,) = counted(caplog, BUGS)
    assert line.startswith(f"{logs.BUG_APOLOGY}: handler failed: RuntimeError")
    assert counted(caplog, STORAGE) == []


def test_without_the_key_secret_a_caregiver_feature_says_so_without_a_bug_apology(
        tmp_path, monkeypatch, caplog):
    fake_aws(monkeypatch)
    monkeypatch.delenv(keys.SECRET_ENV, raising=False)
    monkeypatch.setenv(keys.PARAMETER_ENV, f"/leg-pain-guide/missing-{uuid.uuid4().hex}")
    with mock_aws():
        convo = Conversation(store=SqliteStore(tmp_path / "s.sqlite3"))
        convo.launch()
        with caplog.at_level(logging.WARNING):
            turn = convo.intent("StopSharingIntent")
    assert turn.text.startswith("Sorry, I couldn't stop sharing just now")
    assert "could not stop sharing (no account key)" in caplog.text
    assert counted(caplog, BUGS) == []


def test_the_json_log_line_carries_the_metric_as_its_own_field():
    record = logging.LogRecord("skill.x", logging.WARNING, __file__, 1, "could not %s",
                               ("read",), None)
    record.metric = STORAGE.value
    line = json.loads(logs.JsonLines().format(record))
    assert line == {"level": "WARNING", "logger": "skill.x", "message": "could not read",
                    "metric": "StorageFailures"}


def test_no_lookup_error_is_raised_as_control_flow():
    """Failures are typed (skill/alexa/failures.py); a LookupError only where Python's
    own lookups raise it."""
    sources = {p: p.read_text() for p in (ROOT / "skill").rglob("*.py")}
    raised = [p.name for p, text in sources.items() if re.search(r"raise LookupError\b", text)]
    assert raised == []
