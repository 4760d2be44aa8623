"""The Proactive Events API: tell a caregiver's Alexa there is an update (issue 14).

Token: Login with Amazon client credentials, scope `alexa::proactive_events`, POSTed to
LWA_TOKEN_URL (default Amazon's) with ALEXA_CLIENT_ID and the client secret
(ALEXA_CLIENT_SECRET, or the SSM SecureString parameter named by
ALEXA_CLIENT_SECRET_PARAMETER, read once per process). The token is kept in memory until
a minute before it expires.

Event: POST {apiEndpoint}/v1/proactiveEvents, or …/stages/development when
ALEXA_EVENTS_STAGE=development, `AMAZON.MessageAlert.Activated` sent Unicast to the
caregiver's user id. Alexa reads it as "one new message from Leg Pain Guide": the event
holds no symptom, no level, no name, so nobody near the caregiver's device learns
anything private. What happened is heard when the caregiver opens the skill.

The token is a credential for every user of the skill, so it is only ever sent to
Alexa's own API hosts (or to 127.0.0.1 when the client allows a local fake). Calls go
through TimedApiClient (HTTPS, a deadline per call); any failure raises AlertFailed
with a short reason for the log, never an id or a health word.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlencode

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

from skill import clock, config, ssm
from skill.alexa.api_client import AmbiguousUrl, split_url
from skill.checkins.alerts import Recipient
from skill.triage.levels import Disposition

DEFAULT_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
SCOPE = "alexa::proactive_events"
EVENT = "AMAZON.MessageAlert.Activated"
SENDER = "Leg Pain Guide"
ALEXA_HOSTS = ("api.amazonalexa.com", "api.eu.amazonalexa.com", "api.fe.amazonalexa.com")
EXPIRY = timedelta(hours=23)  # Alexa takes at most 24 hours ahead
REFRESH_EARLY_S = 60  # fetch a new token this long before the old one expires

_lock = threading.Lock()
_tokens: dict[tuple[str, str], tuple[str, float]] = {}  # (url, client id) -> token, until


class AlertFailed(Exception):
    """A token or an event was not accepted; the text is a short reason for the log.
    `status` is the HTTP status Alexa (or Login with Amazon) answered, None when nothing
    answered; `retry` says whether trying again later can help (no answer, 429, 5xx)."""

    def __init__(self, reason: str, status: int | None = None, retry: bool = False) -> None:
        super().__init__(reason)
        self.status = status
        self.retry = retry


def _refused(what: str, status: int) -> AlertFailed:
    return AlertFailed(f"{what} refused ({status})", status, status == 429 or status >= 500)


def forget_tokens() -> None:
    """Drop cached tokens and secrets (tests; a rotated client secret)."""
    with _lock:
        _tokens.clear()
    ssm.forget()


def event_body(
    recipient: Recipient, level: Disposition, now: datetime | None = None
) -> dict[str, Any]:
    """One MessageAlert event for one caregiver: "a new message from Leg Pain Guide",
    marked urgent for an emergency, and nothing else."""
    now = now or clock.utcnow()
    group: dict[str, object] = {"creator": {"name": SENDER}, "count": 1}
    if level == Disposition.EMERGENCY:
        group["urgency"] = "URGENT"
    return {
        "timestamp": _stamp(now),
        "referenceId": recipient.reference,
        "expiryTime": _stamp(now + EXPIRY),
        "event": {
            "name": EVENT,
            "payload": {"state": {"status": "UNREAD", "freshness": "NEW"}, "messageGroup": group},
        },
        "localizedAttributes": [{"locale": recipient.locale, "creatorName": SENDER}],
        "relevantAudience": {"type": "Unicast", "payload": {"user": recipient.user_id}},
    }


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def events_url(endpoint: str, allow_loopback: bool = False) -> str:
    """Where to send events for a caregiver whose requests come from `endpoint`: only
    https to one of Alexa's API hosts, read the way the HTTP client will connect (no
    userinfo, no backslash, no IP literal, no path or query tricks), or plain http to
    127.0.0.1 when the client allows a local fake. Checked when each event is sent, since
    the endpoint stored with a caregiver's opt-in is used much later."""
    try:
        parts = split_url(endpoint or "")
    except AmbiguousUrl as exc:
        raise AlertFailed("the API endpoint is not one of Alexa's") from exc
    host = parts.hostname or ""
    alexa = (
        parts.scheme == "https"
        and host in ALEXA_HOSTS
        and parts.netloc.lower() in (host, f"{host}:443")
        and not _ip_literal(host)
    )
    local = allow_loopback and parts.scheme == "http" and host == "127.0.0.1"
    if not (alexa or local) or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise AlertFailed("the API endpoint is not one of Alexa's")
    development = config.get().events_development
    path = "/v1/proactiveEvents/stages/development" if development else "/v1/proactiveEvents"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _ip_literal(host: str) -> bool:
    try:
        ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def access_token(api_client: ApiClient) -> str:
    """A Login with Amazon token for proactive events, from the cache while it lasts."""
    settings = config.get()
    client_id = settings.alexa_client_id
    url = settings.lwa_token_url or DEFAULT_TOKEN_URL
    with _lock:
        cached = _tokens.get((url, client_id))
    if cached and cached[1] > clock.monotonic():
        return cached[0]
    secret = client_secret()
    if not client_id or not secret:
        raise AlertFailed("no client id or secret configured")
    body = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": SCOPE,
        }
    )
    reply = _call(api_client, url, body, [("Content-type", "application/x-www-form-urlencoded")])
    if reply.status_code != 200:
        raise _refused("token", reply.status_code)
    try:
        data = json.loads(reply.body or "")
        token = str(data["access_token"])
        lasts = int(data.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as exc:
        raise AlertFailed("token reply not understood", retry=True) from exc
    with _lock:
        _tokens[(url, client_id)] = (token, clock.monotonic() + max(0, lasts - REFRESH_EARLY_S))
    return token


def send(
    api_client: ApiClient, token: str, endpoint: str, recipient: Recipient, level: Disposition
) -> None:
    """Send one caregiver's event; Alexa answers 202 when it accepts it."""
    url = events_url(endpoint, bool(getattr(api_client, "allow_loopback_http", False)))
    body = event_body(recipient, level)  # the client writes JSON bodies itself
    headers = [("Content-type", "application/json"), ("Authorization", f"Bearer {token}")]
    reply = _call(api_client, url, body, headers)
    if not 200 <= reply.status_code < 300:
        raise _refused("event", reply.status_code)


def _call(
    api_client: ApiClient, url: str, body: str | dict[str, Any], headers: list[tuple[str, str]]
) -> ApiClientResponse:
    # The SDK types `body` as str, yet its own service clients hand the client objects to
    # write as JSON (as TimedApiClient does for a JSON content type).
    request = ApiClientRequest(url=url, method="POST", headers=headers, body=body)  # type: ignore[arg-type]
    try:
        return api_client.invoke(request)
    except Exception as exc:  # a timeout or a network fault: a short reason, no text
        reason = f"no answer ({str(exc)[:40] or type(exc).__name__})"
        raise AlertFailed(reason, retry=True) from exc


def client_secret() -> str | None:
    settings = config.get()
    if settings.alexa_client_secret:
        return settings.alexa_client_secret
    name = settings.alexa_client_secret_parameter
    return _parameter(name) if name else None


def _parameter(name: str) -> str:
    try:
        return ssm.read(name)
    except ssm.SecretUnavailable as exc:  # the push fails; the alert waits for the launch
        if exc.code == "empty":
            raise AlertFailed("client secret parameter is empty") from exc
        raise AlertFailed(f"client secret unreadable ({exc.code})", retry=True) from exc
