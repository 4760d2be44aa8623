"""Logging for the package: the level from LOG_LEVEL, and lines that reach CloudWatch.

Lambda's Python runtime leaves the root logger at WARNING unless the function's logging
config says otherwise, so "skill" sets its own level. Records then propagate to the
runtime's root handler; if no root handler would print them (none installed, or all
set above our level), on Lambda we add our own stderr handler instead, so the request
log never silently disappears. Outside Lambda nothing is added: the console's stdout
carries JSON turns and must stay clean. Libraries that log bodies or URLs at DEBUG
(botocore, boto3, urllib3, requests, s3transfer) are held at WARNING whatever the level.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from pathlib import Path

from skill import config, metrics

PACKAGE = "skill"
MAX_TEXT = 60  # characters of an exception's text (or of a name the request sent) logged
_ROOT = Path(__file__).resolve().parent.parent
# At DEBUG these log request and response bodies (raw user ids, share codes, pain
# scores) and URLs with device ids, so they stay at WARNING whatever LOG_LEVEL says.
THIRD_PARTY = ("botocore", "boto3", "urllib3", "requests", "s3transfer")
THIRD_PARTY_LEVEL = logging.WARNING
# Every apology for a bug (an exception in a handler or in the SDK, a response that could
# not be delivered, a warning's check-in not saved because of one) logs a line starting
# with this, counted as metrics.Metric.BUG_APOLOGIES (bug_apology): the template's
# BugApologies metric filter counts them and its alarm fires on the first. Bad input is
# not a bug, nor is an expected failure (storage out, skill/alexa/failures.py): those are
# answered without this line.
BUG_APOLOGY = "bug apology"


def bug_apology(logger: logging.Logger, what: str, exc: BaseException | None = None) -> None:
    """Log (and count) one apology a person heard because of a bug."""
    detail = f": {describe(exc)}" if exc is not None else ""
    metrics.count(
        logger,
        metrics.Metric.BUG_APOLOGIES,
        "%s: %s%s",
        BUG_APOLOGY,
        what,
        detail,
        level=logging.ERROR,
        stacklevel=3,
    )


def describe(exc: BaseException) -> str:
    """An exception for the log: its type, its text cut to MAX_TEXT characters (texts can
    quote a request: a slot value, a forged 20 KB attribute), and where it was raised,
    innermost frames of this package last. Never the full traceback text."""
    text = " ".join(str(exc).split())
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "…"
    frames = [
        f"{_short(f.filename)}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)
    ]
    ours = [f for f in frames if f.startswith(f"{PACKAGE}/")] or frames
    where = " < ".join(reversed(ours[-3:]))
    return f"{type(exc).__name__}({text!r}) at {where or '?'}"


def _short(filename: str) -> str:
    try:
        return Path(filename).resolve().relative_to(_ROOT).as_posix()
    except ValueError:
        return Path(filename).name


class JsonLines(logging.Formatter):
    """One JSON object per line, like Lambda's JSON log format."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"level": record.levelname, "logger": record.name, "message": record.getMessage()}
        metric = getattr(record, metrics.FIELD, None)
        if isinstance(metric, str):
            line[metrics.FIELD] = metric  # what the template's metric filters count
        return json.dumps(line)


def configure(level_name: str | None = None) -> logging.Logger:
    level = logging.getLevelName((level_name or config.get().log_level).upper())
    if not isinstance(level, int):
        level = logging.INFO
    logger = logging.getLogger(PACKAGE)
    logger.setLevel(level)
    for name in THIRD_PARTY:
        logging.getLogger(name).setLevel(max(level, THIRD_PARTY_LEVEL))
    on_lambda = config.get().on_lambda
    printed = any(h.level <= level for h in logging.getLogger().handlers)
    if on_lambda and not printed and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
        logger.propagate = False
    return logger
