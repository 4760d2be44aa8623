"""Expected failures, typed: what an account feature could not do this turn, and the words
the person hears for it. A flow raises one (or lets `storage(task)` turn a storage error
into one; `account_key(turn, task)` raises NoAccountKey); FailureHandler
(skill/alexa/errors.py), registered before the catch-all, answers in that feature's words
and counts a storage failure. None of these is a bug, so none logs a bug apology; anything
else a flow raises still does.

Where a turn must go on without the store (a warning, a check-in's answer, a launch),
the code catches StoreError itself and says what was not saved: a storage failure never
blocks or delays a red-flag warning (the triage path needs no storage at all).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from skill import metrics
from skill.alexa.turn import Turn
from skill.store import StoreError

logger = logging.getLogger(__name__)


class Task(NamedTuple):
    """Something an account feature does with the store. `feature` names it in the log;
    `words` is the content key of what the person hears when it fails (every locale);
    `end`: the session closes, as it would have after the task succeeded."""

    feature: str
    what: str
    words: str
    end: bool = False


# What the handlers do with the store, by feature (the words are in skill/content).
READ_SUMMARY = Task("summary", "read a summary", "summary.failed")
MAKE_SHARE_CODE = Task("sharing", "make a share code", "sharing.failed", end=True)
CHECK_SHARE_CODE = Task("sharing", "check a share code", "sharing.failed")
NAME_SHARED_PERSON = Task("sharing", "name a shared person", "sharing.failed")
STOP_SHARING = Task("sharing", "stop sharing", "sharing.stop_failed")
ALERTS_ON = Task("alerts", "turn caregiver alerts on", "alerts.owner_failed")
RECEIVE_ALERTS = Task("alerts", "agree to receive alerts", "alerts.failed")
STOP_ALERTS = Task("alerts", "stop alerts", "alerts.stop_failed")
DELETE_DATA = Task("account", "delete data", "deletion.failed", end=True)


class Failure(Exception):
    """An expected failure of `task`: answered in its words, never a bug apology."""

    def __init__(self, task: Task, cause: str) -> None:
        super().__init__(f"could not {task.what} ({cause})")
        self.task = task
        self.cause = cause  # a class name or a fixed phrase: never request data


class StoreUnavailable(Failure):
    """A storage call failed or ran out of the turn's deadline (skill/store/budget.py)."""


class ProfileUnavailable(StoreUnavailable):
    """The profile could not be read or saved this turn: persistence.py already counted
    the storage call that failed (or another write got there first, which is no outage)."""


class NoAccountKey(Failure):
    """The account's key cannot be derived: the request has no user id, or the key
    secret could not be read (persistence.user_key is None). Nothing can be stored."""


@contextmanager
def storage(task: Task) -> Iterator[None]:
    """Storage errors inside the block fail `task` (StoreUnavailable); anything else is
    a bug and goes on to the catch-all."""
    try:
        yield
    except StoreError as exc:
        raise StoreUnavailable(task, type(exc).__name__) from exc


def account_key(turn: Turn, task: Task) -> str:
    """The account's key, or NoAccountKey for `task`."""
    key = turn.user_key
    if key is None:
        raise NoAccountKey(task, "no account key")
    return key


def speaker(turn: Turn, task: Task) -> str:
    """Who is speaking ("self" or a recognised voice's profile), or NoAccountKey for
    `task`: without the account's key no speaker can be named either."""
    found = turn.speaker
    if found is None:
        raise NoAccountKey(task, "no speaker")
    return found


def count(failure: Failure) -> None:
    """Log the failure; a storage failure is counted (metrics.Metric.STORAGE_FAILURES).
    A missing account key is the request's (no user) or the secret's (already counted
    where it is read, skill/keys.py), so it is only logged; so is a profile not read or
    saved (counted by persistence.py)."""
    if isinstance(failure, StoreUnavailable) and not isinstance(failure, ProfileUnavailable):
        metrics.count(logger, metrics.Metric.STORAGE_FAILURES, "%s", failure)
    else:
        logger.warning("%s", failure)
