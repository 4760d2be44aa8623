"""Alexa request verification for self-hosted endpoints, on `cryptography`.

The endpoint runs on flask-ask-sdk's SkillAdapter with this verifier in its verifier slot
(sdk.ProjectVerifier); the SDK's own RequestVerifier is off, for the reasons compared in
docs/web-verification.md (unbounded fetches and cache, no timeout, 500s, system roots).
Every check that costs nothing runs first, so a forged request that fails one never
causes an outbound fetch:

1. both headers present; Signature-256 is base64 of an RSA-sized signature (256, 384
   or 512 bytes);
2. SignatureCertChainUrl passes the strict rule in certurl.py (which also gives the
   canonical URL the cache is keyed by);
3. the body is a JSON object, its timestamp within 150 s (skill events: an hour), its
   application id ours;
4. only then the chain for that URL (chains.py: cached, rate-limited, one fetch per
   URL), valid now along the whole path, chaining to a trusted root, with
   echo-api.amazon.com among the leaf's SANs;
5. the signature: RSA PKCS#1 v1.5 with SHA-256 over the raw body.

Any failure raises VerificationError with a fixed reason for the log.
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as _X509Error

from skill import clock
from skill.alexa.entry import application_id
from skill.web.certurl import UrlRule, cert_url_rule, check_cert_url
from skill.web.chains import CacheInfo, Chain, ChainCache, Limits
from skill.web.errors import VerificationError

__all__ = ["Limits", "VerificationError", "Verifier", "cert_url_rule", "check_cert_url"]

ALEXA_SAN = "echo-api.amazon.com"
URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
MAX_SKEW_S = 150
EVENT_MAX_SKEW_S = 3600
FETCH_TIMEOUT_S = 3.0
MAX_CHAIN_BYTES = 64 * 1024
SIGNATURE_BYTES = (256, 384, 512)  # RSA 2048, 3072, 4096; Alexa signs with 2048
MAX_SIGNATURE_CHARS = 4 * 512 // 3 + 4


def default_roots() -> list[x509.Certificate]:
    import warnings

    import certifi
    from cryptography.utils import CryptographyDeprecationWarning

    with open(certifi.where(), "rb") as f, warnings.catch_warnings():
        # One root in certifi's bundle has a non-positive serial number; still valid today.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_pem_x509_certificates(f.read())


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """The chain must come from the URL we checked, not wherever a redirect points."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str) -> bytes:
    # Built per fetch (fetches are rare) so HTTPS_PROXY is read when fetching, not at import.
    opener = urllib.request.build_opener(_NoRedirects)
    with opener.open(url, timeout=FETCH_TIMEOUT_S) as reply:
        data: bytes = reply.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise ValueError("certificate chain is too large")
    return data


def _utcnow() -> datetime:
    return clock.utcnow()


@dataclass
class Verifier:
    """Production defaults are strict; tests inject their own URL rule, roots, fetcher,
    clock and limits, and everything else runs as in production."""

    skill_id: str
    url_rule: UrlRule = check_cert_url
    roots: list[x509.Certificate] = field(default_factory=default_roots)
    fetcher: Callable[[str], bytes] = fetch
    clock: Callable[[], datetime] = _utcnow
    limits: Limits = field(default_factory=Limits)
    _chains: ChainCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._chains = ChainCache(self._load, self.clock, self.limits)

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """Check one request; returns the parsed body when every rule passes."""
        url, signature = self._credentials(headers)
        event = json_object(body)
        self._check(url, signature, body, event)
        return event

    def verify_parsed(self, headers: Mapping[str, str], body: bytes, event: dict[str, Any]) -> None:
        """The same rules for a body already parsed into `event` (the SDK's adapter parses
        before its verifiers run). The signature is still checked over the raw `body`."""
        url, signature = self._credentials(headers)
        self._check(url, signature, body, event)

    def _credentials(self, headers: Mapping[str, str]) -> tuple[str, bytes]:
        url = _header(headers, URL_HEADER)
        signature = _signature(_header(headers, SIGNATURE_HEADER))
        return self.url_rule(url), signature

    def _check(self, url: str, signature: bytes, body: bytes, event: dict[str, Any]) -> None:
        self.check_timestamp(event)
        if application_id(event) != self.skill_id:
            raise VerificationError("application id is not this skill's")
        # Only now, with every free check passed, may the request cost a fetch.
        chain = self._chains.get(url)
        try:
            chain.key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise VerificationError("signature does not match the body") from exc

    def cache_info(self) -> CacheInfo:
        """Sizes and counters of the chain cache (for tests and diagnostics)."""
        return self._chains.info()

    def _load(self, url: str, now: datetime) -> Chain:
        try:
            pem = self.fetcher(url)
        except Exception as exc:
            raise VerificationError(
                f"could not fetch the certificate chain: {type(exc).__name__}"
            ) from exc
        try:
            leaf, *intermediates = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise VerificationError("certificate chain is not PEM") from exc
        try:
            verifier = (
                PolicyBuilder()
                .store(Store(self.roots))
                .time(now)
                .build_server_verifier(x509.DNSName(ALEXA_SAN))
            )
            path = verifier.verify(leaf, intermediates)
        except (_X509Error, ValueError) as exc:
            raise VerificationError(f"certificate chain refused: {exc}") from exc
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationError("signing key is not RSA")
        # The cached chain is good only while every certificate on the path is.
        return Chain(
            key=key,
            valid_from=max(c.not_valid_before_utc for c in path),
            valid_until=min(c.not_valid_after_utc for c in path),
        )

    def check_timestamp(self, event: dict[str, Any]) -> None:
        request = event.get("request")
        if not isinstance(request, dict):
            raise VerificationError("request has no timestamp")
        stamp = request.get("timestamp")
        if not isinstance(stamp, str):
            raise VerificationError("request has no timestamp")
        try:
            when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError as exc:
            raise VerificationError("timestamp is not ISO 8601") from exc
        if when.tzinfo is None:
            raise VerificationError("timestamp has no time zone")
        kind = str(request.get("type", ""))
        limit = EVENT_MAX_SKEW_S if kind.startswith("AlexaSkillEvent.") else MAX_SKEW_S
        if abs((self.clock() - when).total_seconds()) > limit:
            raise VerificationError("timestamp is too far from now")


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower() and value:
            return value
    raise VerificationError(f"missing {name} header")


def _signature(text: str) -> bytes:
    if len(text) > MAX_SIGNATURE_CHARS:
        raise VerificationError("signature is too long")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationError("signature is not base64") from exc
    if len(raw) not in SIGNATURE_BYTES:
        raise VerificationError("signature is not the length of an RSA signature")
    return raw


def json_object(body: bytes | str) -> dict[str, Any]:
    """The body as a JSON object, or VerificationError (never a RecursionError or a 500)."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[..." nesting
        raise VerificationError("body is not JSON") from exc
    if not isinstance(event, dict):
        raise VerificationError("body is not a JSON object")
    return event
