"""HTTP client for Alexa service APIs (Reminders, the device's time zone).

The SDK's DefaultApiClient sets no timeout, and Alexa gives a skill 8 seconds in all, so
this one bounds each call's total time. urllib3's timeouts bound connecting and each read,
but not looking the host name up (getaddrinfo blocks as long as the resolver takes), so
the call runs on a worker thread and is abandoned at the deadline; the thread ends on its
own when the lookup or its timeouts do. HTTPS only, certificates checked against certifi's
bundle, no redirects followed; tests may allow plain HTTP to 127.0.0.1 for a local fake.
URLs that could be read as two different hosts (userinfo, a backslash) are refused:
split_url. One urllib3 pool per process keeps connections to Alexa's API alive between
turns; urllib3 is imported when an API is first called (botocore has usually imported it
already on Lambda), and `requests` is not used.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import SplitResult, urlencode, urlsplit

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

from skill import config
from skill.store import budget

TOTAL_S = 1.5  # one call, everything included: name lookup, connecting, sending, reading


class AmbiguousUrl(ValueError):
    """A URL that parsers may read differently (userinfo, a backslash, a space)."""


def split_url(url: str) -> SplitResult:
    """`url` split as the HTTP client will connect to it, or AmbiguousUrl.

    urllib.parse and urllib3 disagree on some URLs: for
    `https://evil.example\\@api.amazonalexa.com` urllib.parse sees the host
    api.amazonalexa.com, urllib3 connects to evil.example. Anything that could be read two
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


# Where calls may go over HTTPS: Alexa's API hosts (the apiEndpoint of every region) and
# Login with Amazon, plus the host LWA_TOKEN_URL names (set by the operator).
API_HOSTS = frozenset(
    {"api.amazonalexa.com", "api.eu.amazonalexa.com", "api.fe.amazonalexa.com", "api.amazon.com"}
)


def amazon_host(url: SplitResult) -> bool:
    """An allowed host on the default port, named, never an IP literal."""
    host = url.hostname or ""
    allowed = set(API_HOSTS)
    token_url = config.get().lwa_token_url
    if token_url.startswith("https://"):
        allowed.add(urlsplit(token_url).hostname or "")
    return host in allowed and url.netloc.lower() in (host, f"{host}:443")


class TimedApiClient(ApiClient):
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
        if url.scheme == "https" and not amazon_host(url):
            # Checked here, where every call is sent, whatever built the URL: a token or
            # a forged request's apiEndpoint never takes a call anywhere else.
            raise ApiClientException("not one of Amazon's API hosts")
        headers = dict(request.headers or [])
        body = request.body
        if body is not None and "json" in str(headers.get("Content-type", "")):
            body = json.dumps(body)
        elif isinstance(body, dict):
            body = urlencode(body)  # a form, as requests would have sent it
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                import urllib3

                outcome["reply"] = _pool(url).request(
                    str(request.method),
                    request.url,
                    headers=headers,
                    body=body.encode("utf-8") if isinstance(body, str) else body,
                    timeout=urllib3.Timeout(connect=self.timeout_s, read=self.timeout_s),
                    retries=False,
                    redirect=False,
                )
            except Exception as exc:  # noqa: BLE001 - handed to the caller below
                outcome["error"] = exc

        # Never past the turn's deadline for network calls (skill.store.budget.CALLS_S),
        # whatever earlier calls of the turn took.
        wait = min(self.timeout_s, budget.calls_remaining())
        if wait < budget.MIN_CALL_S:
            raise ApiClientException("Timeout")
        worker = threading.Thread(target=call, name="alexa-api", daemon=True)
        worker.start()
        worker.join(wait)
        if worker.is_alive():
            raise ApiClientException("Timeout")
        if "error" in outcome:
            raise ApiClientException(type(outcome["error"]).__name__) from outcome["error"]
        reply = outcome["reply"]
        return ApiClientResponse(
            headers=list(reply.headers.items()), status_code=reply.status, body=_text(reply)
        )


_pool_lock = threading.Lock()
_pools: dict[str | None, Any] = {}  # proxy URL (None: direct) -> its urllib3 manager


def _pool(url: SplitResult) -> Any:
    """The process's connection pool for this URL: direct, or through the proxy the
    environment names for its scheme (HTTPS_PROXY, NO_PROXY...), as requests did."""
    from urllib.request import getproxies, proxy_bypass

    proxy = getproxies().get(url.scheme)
    if proxy and proxy_bypass(url.hostname or ""):
        proxy = None
    with _pool_lock:
        manager = _pools.get(proxy)
        if manager is None:
            import certifi
            import urllib3

            ca = certifi.where()
            manager = (
                urllib3.ProxyManager(proxy, cert_reqs="CERT_REQUIRED", ca_certs=ca)
                if proxy
                else urllib3.PoolManager(4, cert_reqs="CERT_REQUIRED", ca_certs=ca)
            )
            _pools[proxy] = manager
        return manager


def _text(reply: Any) -> str:
    """The body as text: in the charset the reply names, else UTF-8 (Alexa's APIs answer
    JSON); undecodable bytes are replaced, never raised."""
    content_type = str(reply.headers.get("Content-Type", ""))
    charset = "utf-8"
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip('"')
    try:
        return bytes(reply.data).decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        return bytes(reply.data).decode("utf-8", "replace")
