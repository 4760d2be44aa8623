"""A storage budget per turn: a turn never waits on storage more than about 1.5 s in all.

Alexa waits 8 s for the whole response, the function stops at 7 s, and a warning must never
sit behind a slow table. So each request starts a budget (skill.alexa.interceptors); every
store call first asks what is left, sizes its own timeouts and attempts to fit, and is not
made at all once the budget is spent (it raises BudgetSpent, a StoreError, which callers
already turn into "that wasn't saved"). A warning's save runs under `tight()`, a far smaller
budget, so the warning is spoken within a fraction of a second whatever storage does.

The budget lives in a context variable: per thread on the web server, per invocation on
Lambda. Outside a request (tools, the store's own tests) there is no budget.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from skill import clock
from skill.store.base import StoreError

TURN_S = 1.5  # all storage waits of one turn together
WARNING_S = 0.6  # what a warning's storage may add (its save, and queueing caregiver alerts)
MIN_CALL_S = 0.05  # less than this left: do not start a call at all


class BudgetSpent(StoreError):
    """This turn has already waited on storage as long as it may."""


@dataclass(frozen=True)
class Budget:
    deadline: float  # clock.monotonic()

    def remaining(self) -> float:
        return max(0.0, self.deadline - clock.monotonic())


_current: ContextVar[Budget | None] = ContextVar("leg_pain_guide_storage_budget", default=None)


@contextmanager
def turn(seconds: float | None = None) -> Iterator[Budget]:
    """One request: within the block, storage may take `seconds` (TURN_S) in all."""
    # The module figures are read per call, not bound as defaults, so the test suite can
    # widen them for a slow machine (tests/conftest.py) and keep them real where timed.
    budget = Budget(clock.monotonic() + (TURN_S if seconds is None else seconds))
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


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
    if outer is not None:
        deadline = min(deadline, outer.deadline)
    token = _current.set(Budget(deadline))
    try:
        yield
    finally:
        _current.reset(token)
