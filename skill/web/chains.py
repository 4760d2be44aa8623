"""Certificate chains by URL: a small cache that a forged flood cannot grow, stall or use
to hammer S3.

- Verified chains: at most `entries` URLs, least recently used out. Only URLs that served
  a chain we verified get in, so a flood of made-up URLs cannot evict Alexa's.
- Failures (fetch errors, refused chains): remembered for `failure_ttl_s`, at most
  `failures` URLs, so the same bad URL costs one fetch a minute at most.
- One fetch in flight per URL; other requests for that URL wait for it, requests for
  other URLs do not. At most `max_fetches` fetches run at once and at most `max_waiters`
  requests wait on them in all, so even a slow S3 holds only a bounded number of server
  threads (serve.THREADS is sized so that some always stay free); beyond that, a refusal.
- New fetches take a token from a bucket (`fetch_burst`, refilled at `fetch_per_s`): a
  flood of distinct URLs gets a few fetches, then quick refusals. Cached URLs need no token.
- URLs named like Alexa's own certificates (GENUINE_NAME: echo-api-cert.pem,
  echo-api-cert-12.pem) take their tokens from a bucket of their own and may always use
  one fetch slot the others may not: after a restart, a flood of made-up URLs (a fresh one
  each time) used to spend every token, so Alexa's own URL was never fetched and no
  genuine request was answered. A flood of made-up names in Alexa's own pattern still
  competes with Alexa's (each costs one fetch, then is remembered as a failure).
- A cached chain is used only while every certificate in its validated path (leaf,
  intermediates, root) is within its dates.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric import rsa

from skill.web.errors import VerificationError

# The file names Alexa's signing certificates have had (the path is checked in certurl.py).
GENUINE_NAME = re.compile(r"echo-api-cert(?:-[0-9]{1,5})?\.pem")


def genuine_looking(url: str) -> bool:
    return GENUINE_NAME.fullmatch(url.rsplit("/", 1)[-1]) is not None


@dataclass(frozen=True)
class Limits:
    entries: int = 32
    failures: int = 256
    failure_ttl_s: float = 60.0
    fetch_burst: int = 5
    fetch_per_s: float = 0.5
    max_fetches: int = 2
    # In all, across flights. With 2 fetches that is at most 6 of serve.THREADS (8) held;
    # the price: a cold start serves at most 5 simultaneous requests from its first fetch.
    max_waiters: int = 4
    wait_s: float = 5.0  # a waiter gives up after this (the fetch itself times out at 3 s)
    # URLs named like Alexa's own: a bucket of their own, and one fetch slot kept for them.
    genuine_burst: int = 3
    genuine_per_s: float = 0.2


@dataclass(frozen=True)
class Chain:
    """What a request needs from a verified chain, and when the whole path is valid."""

    key: rsa.RSAPublicKey
    valid_from: datetime
    valid_until: datetime

    def valid_at(self, now: datetime) -> bool:
        return self.valid_from <= now <= self.valid_until


@dataclass(frozen=True)
class CacheInfo:
    entries: int
    failures: int
    in_flight: int
    waiting: int
    fetches: int
    rate_limited: int


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    chain: Chain | None = None
    error: str = "certificate fetch failed"


class _TokenBucket:
    def __init__(self, burst: int, per_s: float, now: datetime) -> None:
        self.burst, self.per_s = burst, per_s
        self.tokens, self.last = float(burst), now

    def take(self, now: datetime) -> bool:
        elapsed = max(0.0, (now - self.last).total_seconds())  # clocks can step back
        self.tokens = min(self.burst, self.tokens + elapsed * self.per_s)
        self.last = max(self.last, now)
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


Loader = Callable[[str, datetime], Chain]
V = TypeVar("V")


class ChainCache:
    """`load(url, now)` fetches and verifies one chain, raising VerificationError."""

    def __init__(self, load: Loader, clock: Callable[[], datetime], limits: Limits) -> None:
        self._load, self._clock, self.limits = load, clock, limits
        self._good: OrderedDict[str, Chain] = OrderedDict()
        self._bad: OrderedDict[str, tuple[datetime, str]] = OrderedDict()
        self._flights: dict[str, _Flight] = {}
        self._bucket = _TokenBucket(limits.fetch_burst, limits.fetch_per_s, clock())
        self._genuine_bucket = _TokenBucket(limits.genuine_burst, limits.genuine_per_s, clock())
        self._lock = threading.Lock()
        self._fetches = self._rate_limited = self._waiting = 0

    def get(self, url: str) -> Chain:
        with self._lock:
            now = self._clock()
            chain = self._cached(url, now)
            if chain is not None:
                return chain
            flight = self._flights.get(url)
            if flight is None:
                flight = self._start_flight(url, now)
                owner = True
            elif self._waiting >= self.limits.max_waiters:
                raise VerificationError("too many requests waiting on certificate fetches")
            else:
                self._waiting += 1
                owner = False
        return self._fly(url, flight, now) if owner else self._wait(flight)

    def info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(
                len(self._good),
                len(self._bad),
                len(self._flights),
                self._waiting,
                self._fetches,
                self._rate_limited,
            )

    def _cached(self, url: str, now: datetime) -> Chain | None:
        chain = self._good.get(url)
        if chain is not None:
            if chain.valid_at(now):
                self._good.move_to_end(url)
                return chain
            del self._good[url]  # some certificate in the path expired: fetch afresh
        failure = self._bad.get(url)
        if failure is not None:
            until, reason = failure
            if now < until:
                raise VerificationError(f"{reason} (remembered)")
            del self._bad[url]
        return None

    def _start_flight(self, url: str, now: datetime) -> _Flight:
        genuine = genuine_looking(url)
        others = sum(1 for flying in self._flights if not genuine_looking(flying))
        if len(self._flights) >= self.limits.max_fetches or (
            not genuine and others >= self.limits.max_fetches - 1
        ):
            self._rate_limited += 1
            raise VerificationError("too many certificate fetches in flight")
        bucket = self._genuine_bucket if genuine else self._bucket
        if not bucket.take(now):
            self._rate_limited += 1
            raise VerificationError("new certificate URLs are rate limited")
        self._fetches += 1
        flight = self._flights[url] = _Flight()
        return flight

    def _fly(self, url: str, flight: _Flight, now: datetime) -> Chain:
        try:
            chain = self._load(url, now)
            flight.chain = chain
            return chain
        except VerificationError as exc:
            flight.error = str(exc)
            raise
        except Exception as exc:
            # The loader converts what it expects; anything else is still a 400, not a 500.
            flight.error = f"certificate chain could not be checked: {type(exc).__name__}"
            raise VerificationError(flight.error) from exc
        finally:
            # Always land the flight, whatever happened, so waiters never hang.
            with self._lock:
                del self._flights[url]
                if flight.chain is not None:
                    self._remember(self._good, url, flight.chain, self.limits.entries)
                else:
                    until = now + timedelta(seconds=self.limits.failure_ttl_s)
                    self._remember(self._bad, url, (until, flight.error), self.limits.failures)
            flight.done.set()

    def _wait(self, flight: _Flight) -> Chain:
        landed = flight.done.wait(self.limits.wait_s)
        with self._lock:
            self._waiting -= 1
        if not landed:
            raise VerificationError("certificate fetch timed out")
        if flight.chain is None:
            raise VerificationError(flight.error)
        return flight.chain

    @staticmethod
    def _remember(store: OrderedDict[str, V], url: str, value: V, bound: int) -> None:
        store[url] = value
        store.move_to_end(url)
        while len(store) > bound:
            store.popitem(last=False)
