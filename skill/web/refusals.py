"""One warning per refused request, until a flood makes that the attack.

Each reason is logged the first time, then at most once per `every_s` with the number of
refusals not logged in between. A forged flood of thousands of requests a second would
otherwise write thousands of lines a second: disk, and CPU that genuine requests need
(measured: the per-request warning doubled the p99 of signed requests under a flood).
Reasons are fixed strings from the verifier, never request content.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from skill import clock

MAX_REASONS = 64  # reasons are a small fixed set; this only bounds the bookkeeping


class RefusalLog:
    def __init__(
        self,
        logger: logging.Logger,
        every_s: float = 10.0,
        clock: Callable[[], float] = clock.monotonic,
    ) -> None:
        self._logger, self._every_s, self._clock = logger, every_s, clock
        self._next: dict[str, float] = {}  # reason -> when it may be logged again
        self._unlogged: dict[str, int] = {}
        self._lock = threading.Lock()

    def refused(self, reason: str) -> None:
        with self._lock:
            now = self._clock()
            if now < self._next.get(reason, now):
                self._unlogged[reason] = self._unlogged.get(reason, 0) + 1
                return
            if len(self._next) >= MAX_REASONS and reason not in self._next:
                self._next.clear()
                self._unlogged.clear()
            self._next[reason] = now + self._every_s
            unlogged = self._unlogged.pop(reason, 0)
        if unlogged:
            self._logger.warning(
                "refused request: %s (and %d more in the last %.0f s or so)",
                reason,
                unlogged,
                self._every_s,
            )
        else:
            self._logger.warning("refused request: %s", reason)
