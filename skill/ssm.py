"""Secrets kept in SSM Parameter Store, read once per process: the user-key secret
(skill.keys) and the Alexa client secret for caregiver alerts (skill.alexa.proactive).

The client is a low-level one from the process's botocore session (skill.aws), made once
(at Lambda's init when a parameter is configured: `prepare`), and only then is botocore
imported. A read is one attempt within short timeouts, sized to fit one turn; a failure
is not remembered, so the next turn tries again.
"""

from __future__ import annotations

import threading
from typing import Any

from skill.store import budget

CONNECT_S, READ_S = 0.3, 0.7

_lock = threading.Lock()
_values: dict[str, str] = {}  # parameter name -> value
_clients: list[object] = []  # the one SSM client, once made


def prepare() -> None:
    """Create the client now (Lambda's init); it connects on its first call."""
    _client()


def _client() -> object:
    with _lock:
        if not _clients:
            from skill import aws

            _clients.append(aws.client("ssm", CONNECT_S, READ_S))
        return _clients[0]


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
        client: Any = _client()
        # Abandoned at the turn's deadline (skill.store.budget): a parameter store that
        # drips its answer never trips the socket timeouts.
        reply = budget.call(
            lambda: client.get_parameter(Name=name, WithDecryption=True),
            budget.remaining(),
            "ssm",
        )
        value = reply["Parameter"]["Value"]
    except Exception as exc:  # any failure: the caller says what is missing
        raise SecretUnavailable(error_code(exc)) from exc
    if not isinstance(value, str) or not value:
        raise SecretUnavailable("empty")
    with _lock:
        _values[name] = value
    return value


def cached(name: str) -> str | None:
    """The parameter if it was already read (never a network call)."""
    with _lock:
        return _values.get(name)


def forget() -> None:
    """Drop what was read, and the client (tests; a rotated secret)."""
    with _lock:
        _values.clear()
        _clients.clear()


def error_code(exc: Exception) -> str:
    """An AWS error code (ParameterNotFound, AccessDenied...) or the exception's type."""
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return str(code or type(exc).__name__)
