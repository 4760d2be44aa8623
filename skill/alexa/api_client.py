"""HTTP client for Alexa service APIs (Reminders, the device's time zone).

The SDK's DefaultApiClient sets no timeout, and Alexa gives a skill 8 seconds in all, so
this one bounds each call's total time. requests' own timeouts bound connecting and each
read, but not looking the host name up (getaddrinfo blocks as long as the resolver takes),
so the call runs on a worker thread and is abandoned at the deadline; the thread ends on
its own when the lookup or its timeouts do. HTTPS only; tests may allow plain HTTP to
127.0.0.1 for a local fake. URLs that could be read as two different hosts (userinfo, a
backslash) are refused: split_url.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import SplitResult, urlsplit

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

TOTAL_S = 1.5  # one call, everything included: name lookup, connecting, sending, reading


class AmbiguousUrl(ValueError):
    """A URL that parsers may read differently (userinfo, a backslash, a space)."""


def split_url(url: str) -> SplitResult:
    """`url` split as the HTTP client will connect to it, or AmbiguousUrl.

    urllib.parse and requests (urllib3) disagree on some URLs: for
    `https://evil.example\\@api.amazonalexa.com` urllib.parse sees the host
    api.amazonalexa.com, requests connects to evil.example. Anything that could be read two
    ways is refused: userinfo (@), backslashes, whitespace or control characters, and any
    URL whose host urllib3 reads differently."""
    from urllib3.util import parse_url

    if not url or any(c == "\\" or c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise AmbiguousUrl("the URL has a backslash, a space or a control character")
    try:
        parts = urlsplit(url)
        seen = parse_url(url)
        port = parts.port
    except ValueError as exc:
        raise AmbiguousUrl("the URL cannot be parsed") from exc
    if "@" in parts.netloc or seen.auth:
        raise AmbiguousUrl("the URL has user information")
    if (seen.host or "").lower() != (parts.hostname or "") or seen.port != port:
        raise AmbiguousUrl("the URL's host is read two ways")
    return parts


class TimedApiClient(ApiClient):  # type: ignore[misc]
    def __init__(self, timeout_s: float = TOTAL_S, allow_loopback_http: bool = False) -> None:
        self.timeout_s = timeout_s
        self.allow_loopback_http = allow_loopback_http

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        try:
            url = split_url(request.url or "")
        except AmbiguousUrl as exc:
            raise ApiClientException(str(exc)) from exc
        loopback = url.scheme == "http" and url.hostname == "127.0.0.1"
        if url.scheme != "https" and not (loopback and self.allow_loopback_http):
            raise ApiClientException("Alexa APIs are called over HTTPS only")
        headers = dict(request.headers or [])
        body = request.body
        if body is not None and "json" in str(headers.get("Content-type", "")):
            body = json.dumps(body)
        outcome: dict[str, Any] = {}

        def call() -> None:
            import requests  # ~90 ms to import: only pay it when an API is actually called

            try:
                outcome["reply"] = requests.request(
                    str(request.method),
                    request.url,
                    headers=headers,
                    data=body,
                    timeout=self.timeout_s,
                )
            except Exception as exc:  # noqa: BLE001 - handed to the caller below
                outcome["error"] = exc

        worker = threading.Thread(target=call, name="alexa-api", daemon=True)
        worker.start()
        worker.join(self.timeout_s)
        if worker.is_alive():
            raise ApiClientException("Timeout")
        if "error" in outcome:
            raise ApiClientException(type(outcome["error"]).__name__) from outcome["error"]
        reply = outcome["reply"]
        return ApiClientResponse(
            headers=list(reply.headers.items()), status_code=reply.status_code, body=reply.text
        )
