"""One botocore session per process, and low-level clients made from it.

The DynamoDB store (skill.store.dynamodb) and the SSM secrets (skill.ssm) share the
session, so its credentials, endpoint rules and service models are loaded once. Lambda
creates the clients at init (skill.alexa.entry.prepare), not in the first request.
botocore is imported here only, and only when a client is wanted; boto3 is not used (its
resource layer costs import time and memory the skill does not need). boto3's endpoint
variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL) are botocore's, so they still
apply.
"""

from __future__ import annotations

import threading
from typing import Any

from skill import config

_lock = threading.Lock()
_session: list[Any] = []  # the one session, once made


def region() -> str | None:
    return config.get().aws_region or None


def session() -> Any:
    with _lock:
        if not _session:
            import botocore.session

            _session.append(botocore.session.get_session())
        return _session[0]


def client(service: str, connect_s: float, read_s: float, keepalive: bool = False) -> Any:
    """A low-level client that makes one attempt per call (callers retry within their
    own budgets) with these socket timeouts, in the region the environment names."""
    from botocore.config import Config

    config = Config(
        connect_timeout=connect_s,
        read_timeout=read_s,
        retries={"total_max_attempts": 1, "mode": "standard"},
        tcp_keepalive=keepalive,
    )
    return session().create_client(service, region_name=region(), config=config)


def forget() -> None:
    """Drop the session (tests that change credentials or mocks between clients)."""
    with _lock:
        _session.clear()
