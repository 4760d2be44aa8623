"""Alexa request verification for self-hosted endpoints, on `cryptography`.

flask-ask-sdk's verifier stack (certvalidator → oscrypto) cannot be imported on current
OpenSSL 3 (wbond/oscrypto#75, #78), so the rules Alexa documents are implemented here:

1. SignatureCertChainUrl: https, host s3.amazonaws.com, port 443 if given, normalised
   path starting /echo.api/;
2. the PEM chain from that URL (cached per URL until the leaf expires), valid now,
   chaining to a trusted root, with echo-api.amazon.com among the leaf's SANs;
3. Signature-256: RSA PKCS#1 v1.5 with SHA-256 over the raw body;
4. request timestamp within 150 s (skill events: within an hour);
5. the application id is the configured skill id.

Any failure raises VerificationError with a reason for the log.
"""

from __future__ import annotations

import base64
import json
import posixpath
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as _X509Error

ALEXA_SAN = "echo-api.amazon.com"
MAX_SKEW_S = 150
EVENT_MAX_SKEW_S = 3600
FETCH_TIMEOUT_S = 3.0


class VerificationError(Exception):
    """The request did not prove it came from Alexa."""


def check_cert_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for "host:abc", "host:99999", "[::1"
    except ValueError as exc:
        # Attacker-controlled header: a malformed URL is a 400, never a 500.
        raise VerificationError("certificate URL is malformed") from exc
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate URL is not https")
    if (parts.hostname or "").lower() != "s3.amazonaws.com":
        raise VerificationError("certificate URL host is not s3.amazonaws.com")
    if port not in (None, 443):
        raise VerificationError("certificate URL port is not 443")
    if not posixpath.normpath(parts.path or "/").startswith("/echo.api/"):
        raise VerificationError("certificate URL path is not under /echo.api/")


def default_roots() -> list[x509.Certificate]:
    import warnings

    import certifi
    from cryptography.utils import CryptographyDeprecationWarning

    with open(certifi.where(), "rb") as f, warnings.catch_warnings():
        # One root in certifi's bundle has a non-positive serial number; still valid today.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_pem_x509_certificates(f.read())


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as reply:
        return reply.read(64 * 1024)  # type: ignore[no-any-return]


@dataclass
class Verifier:
    """Production defaults are strict; tests inject their own URL rule, roots and clock."""

    skill_id: str
    url_rule: Callable[[str], None] = check_cert_url
    roots: list[x509.Certificate] = field(default_factory=default_roots)
    fetcher: Callable[[str], bytes] = fetch
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    _cache: dict[str, tuple[x509.Certificate, datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _fetch_lock: threading.Lock = field(default_factory=threading.Lock)
    fetches: int = 0

    def verify(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        """Check one request; returns the parsed body when every rule passes."""
        url = _header(headers, "SignatureCertChainUrl")
        signature = _header(headers, "Signature-256")
        self.url_rule(url)
        leaf = self.leaf_for(url)
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except ValueError as exc:
            raise VerificationError("signature is not base64") from exc
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationError("signing key is not RSA")
        try:
            key.verify(raw_signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise VerificationError("signature does not match the body") from exc
        try:
            event = json.loads(body)
        except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[..." nesting
            raise VerificationError("body is not JSON") from exc
        if not isinstance(event, dict):
            raise VerificationError("body is not a JSON object")
        self.check_timestamp(event)
        if application_id(event) != self.skill_id:
            raise VerificationError("application id is not this skill's")
        return event

    def leaf_for(self, url: str) -> x509.Certificate:
        cached = self._cached(url)
        if cached is not None:
            return cached
        # One fetch per URL even when many requests miss the cache at once.
        with self._fetch_lock:
            cached = self._cached(url)
            if cached is not None:
                return cached
            leaf = self._fetch_and_check(url)
            with self._lock:
                self._cache[url] = (leaf, leaf.not_valid_after_utc)
            return leaf

    def _cached(self, url: str) -> x509.Certificate | None:
        now = self.clock()
        with self._lock:
            entry = self._cache.get(url)
        if entry and entry[0].not_valid_before_utc <= now < entry[1]:
            return entry[0]
        return None

    def _fetch_and_check(self, url: str) -> x509.Certificate:
        now = self.clock()
        try:
            pem = self.fetcher(url)
        except Exception as exc:
            raise VerificationError(
                f"could not fetch the certificate chain: {type(exc).__name__}"
            ) from exc
        self.fetches += 1
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise VerificationError("certificate chain is not PEM") from exc
        leaf, intermediates = chain[0], chain[1:]
        if not (leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc):
            raise VerificationError("signing certificate is not valid now")
        try:
            verifier = (
                PolicyBuilder()
                .store(Store(self.roots))
                .time(now)
                .build_server_verifier(x509.DNSName(ALEXA_SAN))
            )
            verifier.verify(leaf, intermediates)
        except (_X509Error, ValueError) as exc:
            raise VerificationError(f"certificate chain refused: {exc}") from exc
        return leaf

    def check_timestamp(self, event: dict[str, Any]) -> None:
        request = event.get("request")
        stamp = request.get("timestamp") if isinstance(request, dict) else None
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


def _header(headers: dict[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower() and value:
            return value
    raise VerificationError(f"missing {name} header")


def application_id(event: dict[str, Any]) -> str | None:
    for path in (("context", "System", "application"), ("session", "application")):
        node: Any = event
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get("applicationId"), str):
            return node["applicationId"]  # type: ignore[no-any-return]
    return None
