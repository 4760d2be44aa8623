"""Counted events, through one helper: each is one log line carrying a `metric` field
(a structured field beside the message, in Lambda's JSON log format and in
logs.JsonLines), which the template's metric filters count (`{ $.metric = "<name>" }`).
The message stays free for people: it is never parsed, so it can be reworded.

Only what an operator must see goes through here: storage that failed (the person was
told what was not done), apologies for bugs, caregiver alerts that did not go, and wrong
share codes (guessing, across all accounts). Lines carry no health details and no ids,
like every other log line.
"""

from __future__ import annotations

import logging
from enum import StrEnum

FIELD = "metric"  # the log record's attribute, and the JSON field the filters match


class Metric(StrEnum):
    """The metric names (CloudWatch namespace LegPainGuide, infra/template.yaml)."""

    STORAGE_FAILURES = "StorageFailures"  # a storage call failed or ran out of its turn
    BUG_APOLOGIES = "BugApologies"  # a person heard "something went wrong" for a bug
    ALERT_FAILURES = "AlertFailures"  # a caregiver alert not queued, or not pushed at once
    WRONG_SHARE_CODES = "WrongShareCodes"  # a share code tried that is no live code


def count(
    logger: logging.Logger,
    metric: Metric,
    message: str,
    *args: object,
    level: int = logging.WARNING,
    stacklevel: int = 2,
) -> None:
    """Log `message % args` once, counted as one `metric`. The line names the caller's
    place (stacklevel), not this helper's."""
    logger.log(level, message, *args, extra={FIELD: metric.value}, stacklevel=stacklevel)


def lines(records: list[logging.LogRecord], metric: Metric) -> list[str]:
    """The messages of the records that count `metric` (tests read caplog.records)."""
    return [r.getMessage() for r in records if counted(r) == metric.value]


def counted(record: logging.LogRecord) -> str | None:
    """The metric a log record counts, if any (tests, the JSON formatter)."""
    value = getattr(record, FIELD, None)
    return value if isinstance(value, str) else None
