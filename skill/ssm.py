"""Secrets kept in SSM Parameter Store, read once per process: the user-key secret
(skill.keys) and the Alexa client secret for caregiver alerts (skill.alexa.proactive).

boto3 is imported only here, and only when a parameter is configured (on Lambda the store
has usually imported it already). A read is one attempt within short timeouts, sized to
fit one turn; a failure is not remembered, so the next turn tries again.
"""

from __future__ import annotations

import os
import threading

CONNECT_S, READ_S = 0.3, 0.7

_lock = threading.Lock()
_values: dict[str, str] = {}  # parameter name -> value


class SecretUnavailable(Exception):
    """The parameter could not be read, or is empty. `code` is short and safe to log."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def read(name: str) -> str:
    with _lock:
        if name in _values:
            return _values[name]
    try:
        import boto3
        from botocore.config import Config

        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        config = Config(
            connect_timeout=CONNECT_S,
            read_timeout=READ_S,
            retries={"total_max_attempts": 1, "mode": "standard"},
        )
        client = boto3.client("ssm", region_name=region, config=config)
        value = client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except Exception as exc:  # any failure: the caller says what is missing
        raise SecretUnavailable(error_code(exc)) from exc
    if not isinstance(value, str) or not value:
        raise SecretUnavailable("empty")
    with _lock:
        _values[name] = value
    return value


def forget() -> None:
    """Drop what was read (tests; a rotated secret)."""
    with _lock:
        _values.clear()


def error_code(exc: Exception) -> str:
    """An AWS error code (ParameterNotFound, AccessDenied...) or the exception's type."""
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return str(code or type(exc).__name__)
