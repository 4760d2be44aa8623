"""HTTP client for Alexa service APIs (Reminders).

The SDK's DefaultApiClient sets no timeout, and Alexa gives a skill 8 seconds in all, so
this one does. HTTPS only; tests may allow plain HTTP to 127.0.0.1 for a local fake.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse


class TimedApiClient(ApiClient):  # type: ignore[misc]
    def __init__(self, timeout_s: float = 3.0, allow_loopback_http: bool = False) -> None:
        self.timeout_s = timeout_s
        self.allow_loopback_http = allow_loopback_http

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        url = urlsplit(request.url or "")
        loopback = url.scheme == "http" and url.hostname == "127.0.0.1"
        if url.scheme != "https" and not (loopback and self.allow_loopback_http):
            raise ApiClientException("Alexa APIs are called over HTTPS only")
        headers = dict(request.headers or [])
        body = request.body
        if body is not None and "json" in str(headers.get("Content-type", "")):
            body = json.dumps(body)
        import requests  # ~90 ms to import: only pay it when an API is actually called

        try:
            reply = requests.request(
                str(request.method), request.url, headers=headers, data=body, timeout=self.timeout_s
            )
        except requests.RequestException as exc:
            raise ApiClientException(type(exc).__name__) from exc
        return ApiClientResponse(
            headers=list(reply.headers.items()), status_code=reply.status_code, body=reply.text
        )
