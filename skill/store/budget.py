"""A storage budget per turn: a turn never waits on storage more than about 1.5 s in all,
nor on storage and Alexa's APIs together more than CALLS_S.

Alexa waits 8 s for the whole response, the function stops at 7 s, and a warning must never
sit behind a slow table. So each request starts a budget (skill.alexa.interceptors); every
store call first asks what is left, sizes its own timeouts and attempts to fit, and is not
made at all once the budget is spent (it raises BudgetSpent, a StoreError, which callers
already turn into "that wasn't saved"). A warning's save runs under `tight()`, a far smaller
budget, so the warning is spoken within a fraction of a second whatever storage does.

The budget is a wall-clock deadline, not a socket timeout: botocore's and urllib3's
timeouts bound each socket read, so an endpoint that sends one byte every 0.15 s never
trips them. A network call (DynamoDB, SSM, an Alexa API) therefore runs through `call`,
on a worker thread that is abandoned at the deadline; the turn answers without it (the
thread ends on its own when its socket timeouts or the server do).

The budget lives in a context variable: per thread on the web server, per invocation on
Lambda. Outside a request (tools, the store's own tests) there is no budget.
"""

from __future__ import annotations

import contextvars
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple, TypeVar

from skill import clock
from skill.store.base import StoreError

TURN_S = 1.5  # all storage waits of one turn together
WARNING_S = 0.6  # what a warning's storage may add (its save, and queueing caregiver alerts)
MIN_CALL_S = 0.05  # less than this left: do not start a call at all
# Every network call of one turn together (storage within TURN_S of it, and Alexa's APIs),
# so a turn with hung APIs still answers well inside Alexa's 8 s and Lambda's 7 s.
CALLS_S = 2.4
T = TypeVar("T")


class BudgetSpent(StoreError):
    """This turn has already waited on storage as long as it may."""


class Budget(NamedTuple):
    deadline: float  # for storage, clock.monotonic()
    end: float  # for any network call (storage's deadline is never later)

    def remaining(self) -> float:
        return max(0.0, self.deadline - clock.monotonic())

    def calls_remaining(self) -> float:
        return max(0.0, self.end - clock.monotonic())


_current: ContextVar[Budget | None] = ContextVar("leg_pain_guide_storage_budget", default=None)


@contextmanager
def turn(seconds: float | None = None) -> Iterator[Budget]:
    """One request: within the block, storage may take `seconds` (TURN_S) in all."""
    # The module figures are read per call, not bound as defaults, so the test suite can
    # widen them for a slow machine (tests/conftest.py) and keep them real where timed.
    now = clock.monotonic()
    end = now + max(CALLS_S, TURN_S if seconds is None else seconds)
    budget = Budget(now + (TURN_S if seconds is None else seconds), end)
    token = _current.set(budget)
    failed = _failed.set(set())
    try:
        yield budget
    finally:
        _failed.reset(failed)
        _current.reset(token)


_failed: ContextVar[set[str] | None] = ContextVar("leg_pain_guide_failed_calls", default=None)


def failed_this_turn(what: str) -> bool:
    """Whether `what` (a name the caller chose) already failed in this turn."""
    found = _failed.get()
    return found is not None and what in found


def note_failure(what: str) -> None:
    """`what` failed: later asks in this turn need not wait for it again (the next turn
    tries afresh)."""
    found = _failed.get()
    if found is not None:
        found.add(what)


def remaining() -> float:
    """Seconds storage may still take in this turn (infinite outside a request)."""
    budget = _current.get()
    return math.inf if budget is None else budget.remaining()


def check(needed: float = MIN_CALL_S) -> float:
    """What is left, or BudgetSpent when that is less than `needed`."""
    left = remaining()
    if left < needed:
        raise BudgetSpent("BudgetSpent")
    return left


@contextmanager
def tight(seconds: float | None = None) -> Iterator[None]:
    """Within the block storage may take at most `seconds` (WARNING_S) more, and never more
    than the turn has left: for saves that must not hold up what is spoken next."""
    outer = _current.get()
    deadline = clock.monotonic() + (WARNING_S if seconds is None else seconds)
    end = math.inf
    if outer is not None:
        deadline, end = min(deadline, outer.deadline), outer.end
    token = _current.set(Budget(deadline, max(deadline, end)))
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Within the block every network call (storage or API) may take at most `seconds`
    more, and never more than the turn has left: for a lookup the turn can do without."""
    outer = _current.get()
    end = clock.monotonic() + seconds
    deadline = end
    if outer is not None:
        end, deadline = min(end, outer.end), min(end, outer.deadline)
    token = _current.set(Budget(deadline, end))
    try:
        yield
    finally:
        _current.reset(token)


def calls_remaining() -> float:
    """Seconds any network call may still take in this turn (infinite outside a request)."""
    budget = _current.get()
    return math.inf if budget is None else budget.calls_remaining()


class Abandoned(BudgetSpent):
    """A call still running at the deadline: the turn goes on without it."""


def call(work: Callable[[], T], wait: float, name: str = "network-call") -> T:
    """`work()`, waited for at most `wait` seconds of wall-clock time (infinite: inline).

    The call runs on a daemon thread in a copy of this context (the turn's clock and
    budget); at the deadline it is abandoned and Abandoned is raised. An abandoned write
    may still land later, as after any timeout; callers already say it was not saved."""
    if math.isinf(wait):
        return work()
    if wait <= 0:
        raise Abandoned("Abandoned")
    context = contextvars.copy_context()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = context.run(work)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    worker.join(wait)
    if worker.is_alive():
        raise Abandoned("Abandoned")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
