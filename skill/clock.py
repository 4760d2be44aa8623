"""The one clock. Nothing else in the product reads the time (a test checks the source).

- `now()` is the wall clock in seconds since the epoch. Inside a turn it is the turn's
  instant: Alexa's `request.timestamp` when it is close to the system clock, else the
  system clock read once when the turn began. So a turn sees one time from start to end.
- Outside a turn it is the system clock, moved by `set_clock` (the console's `--date`,
  tests): either frozen at an instant, or running from an instant.
- `monotonic()` measures elapsed time for deadlines; it never jumps and is never a date.

Lambda's clock is UTC; dates and times of day spoken to a person are worked out in the
device's zone (skill.alexa.timezone).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

# A request timestamp further than this from the system clock is not trusted as "now"
# (a replayed or hand-made envelope); the system clock is used instead.
MAX_SKEW_S = 600.0

_turn_now: ContextVar[float | None] = ContextVar("turn_now", default=None)
_frozen: float | None = None
_offset = 0.0


def _system() -> float:
    return _frozen if _frozen is not None else time.time() + _offset


def now() -> float:
    """Seconds since the epoch: the turn's instant, or the (possibly moved) system clock."""
    at = _turn_now.get()
    return at if at is not None else _system()


def utcnow() -> datetime:
    return datetime.fromtimestamp(now(), UTC)


def today_utc() -> date:
    return utcnow().date()


def monotonic() -> float:
    """For deadlines and caches only: seconds that never go backwards."""
    return time.monotonic()


def set_clock(at: datetime | float | None, *, frozen: bool = True) -> None:
    """Move the clock: to `at` and stay there (`frozen`), or run on from `at`.
    `None` puts the system clock back."""
    global _frozen, _offset
    if at is None:
        _frozen, _offset = None, 0.0
        return
    seconds = at.timestamp() if isinstance(at, datetime) else float(at)
    if frozen:
        _frozen, _offset = seconds, 0.0
    else:
        _frozen, _offset = None, seconds - time.time()


def advance(seconds: float) -> None:
    """Move a moved clock on (a frozen one stays frozen at the new instant)."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen += seconds
    else:
        _offset += seconds


def parse_timestamp(value: object) -> float | None:
    """Alexa's `request.timestamp` (ISO 8601, zone given) as epoch seconds; None if not."""
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if stamp.tzinfo is None:
        return None
    return stamp.timestamp()


@contextmanager
def turn(request_timestamp: object = None) -> Iterator[float]:
    """One instant for the whole turn (see the module note)."""
    system = _system()
    stamp = parse_timestamp(request_timestamp)
    at = stamp if stamp is not None and abs(stamp - system) <= MAX_SKEW_S else system
    token = _turn_now.set(at)
    try:
        yield at
    finally:
        _turn_now.reset(token)
