"""Delivering caregiver alerts: the one sender, run three ways.

A warning turn only writes the outbox (skill.alexa.alert_flow.note → alerts.queue: one
ALERT# item per caregiver) and makes no network call, so the warning never waits on Login
with Amazon or the Proactive Events API. This module delivers what the outbox holds:

- On AWS, `AlertSenderFunction` (lambda/alert_sender.py → `handle_stream`) is handed each
  new ALERT# item by the table's DynamoDB stream (an event filter lets nothing else
  through). Alerts not delivered are reported as batch item failures, so Lambda retries
  them (bisecting the batch), then sends their place in the stream to an encrypted SQS
  dead-letter queue, which raises an alarm. Only this function can read the client secret.
- Locally (SQLite: the console, `skill serve`, tests), `LocalSender`: a background thread
  per skill, woken when a turn queues an alert and when the skill is built (start-up).
- `python -m skill alerts send` drains the outbox once (cron, or a test).

Every alert goes through `deliver`: read it (gone = heard at launch or deleted with its
link: nothing to do); nothing if already sent or final; re-check the link (the owner still
alerts, both halves of the sharing link stand, the caregiver still wants them: otherwise
it is deleted); claim it with a conditional write (a second sender handed the same alert
backs off); get the token (cached) and send AMAZON.MessageAlert.Activated unicast,
retrying no answer, 429 and 5xx with exponential backoff and full jitter until the
deadline; 403 (the permission was withdrawn) and other refusals are final and recorded on
the alert; a delivery is marked sent with a conditional write. So a batch delivered twice
sends each alert once. An alert not pushed is still heard at the caregiver's next launch.

Logs carry no ids and no health words; every failure logs a line starting "alert failure"
(a metric filter counts them, infra/template.yaml).
"""

from __future__ import annotations

import contextvars
import logging
import random
import threading
import time
import weakref
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ask_sdk_model.services import ApiClient

from skill import clock, config, logs, metrics
from skill.alexa import proactive
from skill.alexa.api_client import TimedApiClient
from skill.checkins import alerts
from skill.store import Store, StoreError
from skill.triage.levels import Disposition

logger = logging.getLogger(__name__)
FAILURE = "alert failure"  # every failed alert logs a line starting so, counted as
ALERT_FAILURES = metrics.Metric.ALERT_FAILURES  # one metric (skill.metrics)

CALL_S = 3.0  # one HTTP call, everything included (the sender has time a turn has not)
ATTEMPTS = 5  # calls per alert in one delivery, the first included
BACKOFF_S = 0.5  # the first retry waits up to this (full jitter), doubling each time
BACKOFF_MAX_S = 8.0
LEASE_S = 60.0  # a claim older than this died with its sender: the alert is taken again
MAX_AGE_S = 6 * 3600  # an alert older than this is not pushed (heard at launch instead);
# the same figure as the stream's MaximumRecordAgeInSeconds (infra/template.yaml)
DRAIN_S = 45.0  # how long one local drain keeps retrying one alert at most
EXIT_WAIT_S = 15.0  # a console leaving waits this long at most for alerts being sent

SENDER_ENV = "ALERT_SENDER"  # "stream": the table's stream delivers (the skill on AWS)


def _sleep(seconds: float) -> None:
    time.sleep(max(0.0, seconds))


def deliver(store: Store, api_client: ApiClient, viewer: str, sk: str, deadline: float) -> bool:
    """Deliver one queued alert, retrying within `deadline` (clock.monotonic()). True
    when nothing more is to be done for it (sent, final, or gone); False to try again."""
    alert = alerts.outgoing(store, viewer, sk)
    if alert is None or alert.state in alerts.FINAL:
        return True
    now = clock.now()
    if alert.state == alerts.SENDING and alert.claimed_until() > now:
        return False  # another sender has it; should that one die, the claim lapses
    level = Disposition.parse(str(alert.data.get("level")))
    if level is None or not level.alerts_caregivers:
        alerts.mark(store, alert, alerts.HELD, why="level")
        return True
    if _age(alert, now) > MAX_AGE_S:
        metrics.count(logger, ALERT_FAILURES, "%s: too old to push; held for launch", FAILURE)
        alerts.mark(store, alert, alerts.HELD, why="age")
        return True
    stands, wanted = alerts.link_stands(store, alert)
    if not stands or wanted is None:
        alerts.drop(store, alert)
        logger.info("alert dropped: its link or either side's choice is gone")
        return True
    user_id = wanted.get("user_id")
    if not isinstance(user_id, str) or not user_id:
        alerts.mark(store, alert, alerts.HELD, why="notifications off")
        return True
    claimed = alerts.mark(store, alert, alerts.SENDING, until=now + LEASE_S, tries=alert.tries + 1)
    if claimed is None:
        return False  # changed meanwhile (another sender, or heard): look again later
    endpoint = wanted.get("endpoint")
    recipient = alerts.Recipient(
        viewer=viewer,
        user_id=user_id,
        locale=str(wanted.get("locale") or "en-US"),
        endpoint=endpoint if isinstance(endpoint, str) else None,
        reference=str(alert.data.get("event") or sk.rsplit("#", 1)[-1])[:100],
    )
    failed = _push(api_client, recipient, level, deadline)
    if failed is None:
        alerts.mark(store, claimed, alerts.SENT)
        if alerts.renewal_due(wanted, now):
            alerts.renew(store, viewer, now)  # in use: the opt-in is kept
        logger.info("alert sent")
        return True
    if failed.retry:
        metrics.count(logger, ALERT_FAILURES, "%s: %s; will retry", FAILURE, failed)
        alerts.mark(store, claimed, alerts.RETRY)
        return False
    # 403: the caregiver withdrew the permission; another refusal will not change either.
    state = alerts.REFUSED if failed.status == 403 else alerts.HELD
    metrics.count(logger, ALERT_FAILURES, "%s: %s; final, held for launch", FAILURE, failed)
    alerts.mark(store, claimed, state, status=failed.status, why=str(failed)[:60])
    return True


def _age(alert: alerts.Outgoing, now: float) -> float:
    try:
        at = datetime.fromisoformat(str(alert.data.get("at")))
    except ValueError:
        return 0.0
    return now - (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _push(
    api_client: ApiClient, recipient: alerts.Recipient, level: Disposition, deadline: float
) -> proactive.AlertFailed | None:
    """The token and the event, tried again while it may help and time allows. Returns
    None once Alexa accepted the event, else the last failure."""
    failed: proactive.AlertFailed | None = None
    for attempt in range(ATTEMPTS):
        if attempt:
            pause = random.uniform(0, min(BACKOFF_MAX_S, BACKOFF_S * 2 ** (attempt - 1)))
            if clock.monotonic() + pause + CALL_S > deadline:
                break
            _sleep(pause)
        try:
            token = proactive.access_token(api_client)
            proactive.send(api_client, token, recipient.endpoint or "", recipient, level)
        except proactive.AlertFailed as exc:
            failed = exc
        except Exception as exc:  # noqa: BLE001 - anything unforeseen: try again later
            failed = proactive.AlertFailed(logs.describe(exc), retry=True)
        else:
            return None
        if failed.status == 401:
            proactive.forget_tokens()  # the cached token was not taken: fetch a new one
            failed.retry = True
        if not failed.retry:
            break
    return failed


def sender_client(allow_loopback: bool = False) -> ApiClient:
    """The HTTP client a sender uses: its own, with a sender's longer per-call deadline
    (a local fake on plain http://127.0.0.1 only for the console and tests)."""
    return TimedApiClient(timeout_s=CALL_S, allow_loopback_http=allow_loopback)


# --- AWS: the stream-driven function ---------------------------------------------------------


def handle_records(
    records: list[dict[str, Any]], store: Store, api_client: ApiClient, deadline: float
) -> dict[str, list[dict[str, str]]]:
    """One batch of DynamoDB stream records. Returns the partial batch response: the
    sequence numbers of the records to retry (ReportBatchItemFailures)."""
    failures: list[dict[str, str]] = []
    for record in records:
        change = record.get("dynamodb") or {}
        number = str(change.get("SequenceNumber", ""))
        keys = change.get("Keys") or {}
        pk = (keys.get("pk") or {}).get("S", "")
        sk = (keys.get("sk") or {}).get("S", "")
        if record.get("eventName") != "INSERT" or not sk.startswith(alerts.PREFIX):
            continue  # the event filter lets only new alerts through; anything else: skip
        try:
            done = deliver(store, api_client, pk.removeprefix("USER#"), sk, deadline)
        except Exception as exc:  # noqa: BLE001 - this record is retried; the rest go on
            metrics.count(logger, ALERT_FAILURES, "%s: %s; will retry", FAILURE, logs.describe(exc))
            done = False
        if not done:
            failures.append({"itemIdentifier": number})
    return {"batchItemFailures": failures}


_stream_parts: dict[str, Any] = {}


def prepare() -> None:
    """AlertSenderFunction's init: the store and its clients, the SSM client when the
    client secret is a parameter, and the HTTP client (no connection is opened)."""
    from skill import ssm
    from skill.store import open_store

    store = open_store()
    warm = getattr(store, "prepare", None)
    if callable(warm):
        warm()
    if config.get().alexa_client_secret_parameter:
        ssm.prepare()
    _stream_parts.update(store=store, client=sender_client())


def handle_stream(event: Any, context: Any = None) -> dict[str, list[dict[str, str]]]:
    """AlertSenderFunction's handler. Keeps a few seconds of the invocation in hand, so
    the failures are reported before the function's timeout."""
    if "store" not in _stream_parts:
        prepare()
    left_ms = context.get_remaining_time_in_millis() if context is not None else 60_000
    deadline = clock.monotonic() + max(0.0, left_ms / 1000 - CALL_S - 2)
    records = event.get("Records") if isinstance(event, dict) else None
    return handle_records(
        records if isinstance(records, list) else [],
        _stream_parts["store"],
        _stream_parts["client"],
        deadline,
    )


# --- locally: a background thread per skill --------------------------------------------------


def in_process() -> bool:
    """Whether this process delivers its own alerts: everywhere except the skill function
    on AWS, where the table's stream hands them to AlertSenderFunction."""
    return not config.get().alerts_by_stream


_senders: weakref.WeakSet[LocalSender] = weakref.WeakSet()


class LocalSender:
    """Drains the outbox on a background thread: the alerts a turn just queued, any
    left to retry, and (on SQLite) everything still undelivered. The thread starts when
    woken and ends when nothing is left, so an idle skill holds no thread."""

    def __init__(self, store: Store, api_client: ApiClient | None = None) -> None:
        self.store = store
        self.api_client = api_client or sender_client()
        self._lock = threading.Condition()
        self._keys: dict[tuple[str, str], None] = {}  # ordered set: this burst's alerts
        self._retry: dict[tuple[str, str], None] = {}
        self._again = False
        self._thread: threading.Thread | None = None
        _senders.add(self)

    def wake(self, keys: Iterable[tuple[str, str]] = ()) -> None:
        """Deliver these alerts (and whatever else waits) soon, off the caller's thread."""
        with self._lock:
            self._keys.update(dict.fromkeys(keys))
            self._again = True
            if self._thread is None:
                # A fresh context: no turn's storage budget or clock instant comes along.
                run = contextvars.Context().run
                self._thread = threading.Thread(
                    target=run, args=(self._run,), name="alert-sender", daemon=True
                )
                self._thread.start()

    def settle(self, timeout: float) -> bool:
        """Wait until nothing is being sent (tests, a console leaving). False on timeout."""
        end = clock.monotonic() + timeout
        with self._lock:
            while self._thread is not None:
                left = end - clock.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._again:
                    self._thread = None
                    self._lock.notify_all()
                    return
                self._again = False
                work = {**self._keys, **self._retry}
                self._keys.clear()
                self._retry.clear()
            try:
                work.update(dict.fromkeys(alerts.outbox(self.store)))
            except StoreError as exc:  # the ones known are still tried
                metrics.count(
                    logger,
                    metrics.Metric.STORAGE_FAILURES,
                    "could not read the outbox (%s)",
                    type(exc).__name__,
                )
            left = drain(self.store, self.api_client, list(work))
            with self._lock:
                self._retry.update(dict.fromkeys(left))


def drain(
    store: Store, api_client: ApiClient, keys: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Try each alert once (with its retries); returns the ones to try again later."""
    left = []
    for viewer, sk in keys:
        try:
            done = deliver(store, api_client, viewer, sk, clock.monotonic() + DRAIN_S)
        except Exception as exc:  # noqa: BLE001 - one alert's failure stops no other
            metrics.count(logger, ALERT_FAILURES, "%s: %s; will retry", FAILURE, logs.describe(exc))
            done = False
        if not done:
            left.append((viewer, sk))
    return left


def settle_all(timeout: float = EXIT_WAIT_S) -> bool:
    """Wait for every local sender of this process to finish (bounded in all)."""
    end = clock.monotonic() + timeout
    return all(s.settle(max(0.0, end - clock.monotonic())) for s in list(_senders))


def send_once(store: Store, api_client: ApiClient | None = None) -> tuple[int, int]:
    """`python -m skill alerts send`: every undelivered alert, once. Returns how many
    were looked at and how many are left to retry."""
    keys = alerts.outbox(store)
    left = drain(store, api_client or sender_client(), keys)
    return len(keys), len(left)


def main(argv: list[str]) -> int:
    """`python -m skill alerts send [--allow-local-fake]`."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m skill alerts",
        description="Caregiver alerts. `send` delivers every alert still in the outbox "
        "once, with the same retries as the in-process sender (for cron, or a test), and "
        "exits 1 if some are left to retry. On SQLite only: on DynamoDB the table's stream "
        "hands each alert to AlertSenderFunction.",
    )
    parser.add_argument("action", choices=["send"])
    parser.add_argument(
        "--allow-local-fake",
        action="store_true",
        help="let events go to plain http://127.0.0.1 (python -m skill fake-alexa)",
    )
    args = parser.parse_args(argv)
    from skill.store import open_store

    store = open_store()
    if not callable(getattr(store, "scan", None)):
        print("alerts send: this store has no outbox to drain (DynamoDB: the stream's sender)")
        return 2
    looked, left = send_once(store, sender_client(args.allow_local_fake))
    print(f"alerts: {looked} in the outbox, {looked - left} done, {left} left to retry")
    return 1 if left else 0
