"""The SignatureCertChainUrl rule: strict, cheap, and it returns the canonical URL.

Alexa documents: scheme https and host s3.amazonaws.com (both case-insensitive), port
absent or 443, normalised path under /echo.api/ (case-sensitive). We are stricter than
that, because the URL is attacker-controlled and every distinct URL that passes could
cost an outbound fetch: no userinfo, query or fragment; the port, when given, is exactly
"443" (urlsplit would read ":0443" as 443); no dot segments (also as "%2e%2e"), no empty
segments, only unreserved characters in the path. Escaped unreserved characters are
decoded (RFC 3986 §6.2.2.2), so "%65cho" and "echo" name one object and one cache entry;
any other escape ("%2f", "%25", "%ff") is refused. Genuine Alexa URLs look like
https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem.

Amazon's own examples call ".../echo.api/../echo.api/echo-api-cert.pem" valid (after
normalisation); Alexa does not send such URLs, so we refuse them rather than resolve them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from skill.web.errors import VerificationError

MAX_URL_CHARS = 512
_DEFAULT_PORTS = {"https": 443, "http": 80}
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")  # RFC 3986 unreserved
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")

UrlRule = Callable[[str], str]


def cert_url_rule(
    scheme: str = "https", host: str = "s3.amazonaws.com", port: int = 443
) -> UrlRule:
    """A rule for one origin. Production uses the default; tests point it at 127.0.0.1."""
    origin = f"{scheme}://{host}"
    if port != _DEFAULT_PORTS.get(scheme):
        origin += f":{port}"
    authorities = {host, f"{host}:{port}"}

    def rule(url: str) -> str:
        path = _path_of(url, scheme, authorities)
        return origin + "/" + "/".join(_segments(path))

    return rule


def _path_of(url: str, scheme: str, authorities: set[str]) -> str:
    if not (0 < len(url) <= MAX_URL_CHARS and url.isascii() and url.isprintable()):
        raise VerificationError("certificate URL is malformed")
    if " " in url or "\\" in url:
        raise VerificationError("certificate URL is malformed")
    if "?" in url or "#" in url:
        raise VerificationError("certificate URL has a query or fragment")
    given_scheme, sep, rest = url.partition("://")
    if not sep or given_scheme.lower() != scheme:
        raise VerificationError(f"certificate URL is not {scheme}")
    authority, _, path = rest.partition("/")
    if "@" in authority:
        raise VerificationError("certificate URL has userinfo")
    if authority.lower() not in authorities:
        # One message for host and port: both mean "not the certificate origin".
        raise VerificationError("certificate URL host or port is not the certificate origin")
    return path


def _segments(path: str) -> list[str]:
    decoded = _ESCAPE.sub(_unreserved, path)
    segments = decoded.split("/")
    if segments[0] != "echo.api" or len(segments) < 2:
        raise VerificationError("certificate URL path is not under /echo.api/")
    for segment in segments[1:]:
        if segment in ("", ".", "..") or not _SEGMENT.fullmatch(segment):
            raise VerificationError("certificate URL path has an empty, dot or odd segment")
    return segments


def _unreserved(escape: re.Match[str]) -> str:
    # Only escapes of unreserved characters mean the same as the character itself; an
    # escaped "/" or "%" (double encoding) could name another object, so it is refused.
    char = chr(int(escape.group(1), 16))
    if not _SEGMENT.fullmatch(char):
        raise VerificationError("certificate URL path has an escaped reserved character")
    return char


check_cert_url: UrlRule = cert_url_rule()
