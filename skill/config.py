"""The one configuration. Nothing else in the product reads the environment (a test
checks the source), as nothing but skill.clock reads the time.

`get()` reads every setting once, on first use in the process (a Lambda cold start, a
console, a server), and keeps the frozen result. Each setting has one parsing rule:

- text: surrounding spaces dropped; "" when unset;
- flag: "1", "true", "yes", "on" are on and "0", "false", "no", "off" off (any case);
  anything else, or unset, is the setting's default;
- whole number: digits within the setting's bounds, else its default, with a warning.

Tests and tools set it with `override(...)` (or change the environment and `reset()`);
the README's configuration table names every variable.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import Any

logger = logging.getLogger(__name__)

ON = ("1", "true", "yes", "on")
OFF = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Config:
    # Where things are kept
    table_name: str = ""  # TABLE_NAME: DynamoDB when set, else SQLite
    sqlite_path: str = ""  # LEG_PAIN_DB: the SQLite file ("" = the documented default)
    aws_region: str = ""  # AWS_REGION, else AWS_DEFAULT_REGION
    on_lambda: bool = False  # AWS_LAMBDA_FUNCTION_NAME is set (Lambda sets it)
    checkin_retention_days: int = 90  # CHECKIN_RETENTION_DAYS: check-ins expire after it
    # Who may call
    skill_id: str = ""  # SKILL_ID: requests for any other skill are rejected
    verify_requests: bool = True  # ALEXA_VERIFY_REQUESTS: the web endpoint checks signatures
    # The key secret (skill.keys): the value, or the name of an SSM SecureString parameter.
    # The value is taken as given (spaces included): it keys every stored item.
    key_secret: str = ""  # USER_KEY_SECRET
    key_secret_parameter: str = ""  # USER_KEY_SECRET_PARAMETER
    dev_secret: bool = False  # LEG_PAIN_DEV_SECRET: `skill serve` may use the published one
    # Caregiver alerts (Proactive Events through Login with Amazon)
    alexa_client_id: str = ""  # ALEXA_CLIENT_ID
    alexa_client_secret: str = ""  # ALEXA_CLIENT_SECRET
    alexa_client_secret_parameter: str = ""  # ALEXA_CLIENT_SECRET_PARAMETER
    lwa_token_url: str = ""  # LWA_TOKEN_URL ("" = Amazon's)
    events_development: bool = False  # ALEXA_EVENTS_STAGE=development: the development stage
    alerts_by_stream: bool = False  # ALERT_SENDER=stream: AlertSenderFunction sends them
    # Hosting
    log_level: str = "INFO"  # LOG_LEVEL
    port: int = 8080  # PORT: `python -m skill serve`
    # The console's trained hearing (development only): where its models are cached.
    nlu_cache: str = ""  # LEG_PAIN_NLU_CACHE ("" = the user's cache folder)
    xdg_cache_home: str = ""  # XDG_CACHE_HOME (the user's cache folder, when set)


def _text(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = _text(env, name).lower()
    return True if value in ON else False if value in OFF else default


def _number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = _text(env, name)
    if not value:
        return default
    if value.isdigit() and low <= int(value) <= high:
        return int(value)
    logger.warning("%s is not a whole number from %d to %d; using %d", name, low, high, default)
    return default


def read(env: Mapping[str, str]) -> Config:
    """The configuration an environment gives (pure: any mapping will do)."""
    return Config(
        table_name=_text(env, "TABLE_NAME"),
        sqlite_path=_text(env, "LEG_PAIN_DB"),
        aws_region=_text(env, "AWS_REGION") or _text(env, "AWS_DEFAULT_REGION"),
        on_lambda=bool(_text(env, "AWS_LAMBDA_FUNCTION_NAME")),
        checkin_retention_days=_number(env, "CHECKIN_RETENTION_DAYS", 90, 1, 3650),
        skill_id=_text(env, "SKILL_ID"),
        verify_requests=_flag(env, "ALEXA_VERIFY_REQUESTS", True),
        key_secret=env.get("USER_KEY_SECRET", ""),
        key_secret_parameter=_text(env, "USER_KEY_SECRET_PARAMETER"),
        dev_secret=_flag(env, "LEG_PAIN_DEV_SECRET", False),
        alexa_client_id=_text(env, "ALEXA_CLIENT_ID"),
        alexa_client_secret=_text(env, "ALEXA_CLIENT_SECRET"),
        alexa_client_secret_parameter=_text(env, "ALEXA_CLIENT_SECRET_PARAMETER"),
        lwa_token_url=_text(env, "LWA_TOKEN_URL"),
        events_development=_text(env, "ALEXA_EVENTS_STAGE").lower() == "development",
        alerts_by_stream=_text(env, "ALERT_SENDER").lower() == "stream",
        log_level=_text(env, "LOG_LEVEL").upper() or "INFO",
        port=_number(env, "PORT", 8080, 1, 65535),
        nlu_cache=_text(env, "LEG_PAIN_NLU_CACHE"),
        xdg_cache_home=_text(env, "XDG_CACHE_HOME"),
    )


_current: list[Config] = []  # the configuration read, once read


def get() -> Config:
    """The process's configuration, read from the environment on first use."""
    if not _current:
        _current.append(read(os.environ))
    return _current[0]


def reset() -> None:
    """Read the environment again on next use (tests that change it, between tests)."""
    _current.clear()


@contextmanager
def override(**changes: Any) -> Iterator[Config]:
    """Tests: these settings changed (names as in Config) until the block ends."""
    known = {f.name for f in fields(Config)}
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"no such settings: {sorted(unknown)}")
    before = get()
    changed = replace(before, **changes)
    _current[:] = [changed]
    try:
        yield changed
    finally:
        _current[:] = [before]
