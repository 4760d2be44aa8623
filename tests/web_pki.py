"""A test PKI for the web endpoint: root CA → intermediate → Alexa-like leaf, minted with
`cryptography`, and a local HTTP server on 127.0.0.1 that serves the chain."""

from __future__ import annotations

import base64
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from skill.web.certurl import UrlRule, cert_url_rule

NOW = datetime.now(UTC).replace(microsecond=0)


def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def cert(subject: str, subject_key, issuer: str, issuer_key, ca: bool, san: str | None = None,
         not_before: datetime | None = None, not_after: datetime | None = None,
         issuer_cert: x509.Certificate | None = None) -> x509.Certificate:
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
               .public_key(subject_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before or NOW - timedelta(days=1))
               .not_valid_after(not_after or NOW + timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()),
                              critical=False))
    if issuer_cert is not None:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_key.public_key()), critical=False)
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=True,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage(
            [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]),
                                            critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class Pki:
    """Root, intermediate and leaves; pem(leaf) is what the chain URL serves."""

    def __init__(self) -> None:
        self.root_key, self.mid_key = key(), key()
        self.root = cert("Test Root", self.root_key, "Test Root", self.root_key, ca=True)
        self.mid = cert("Test Intermediate", self.mid_key, "Test Root", self.root_key, ca=True,
                        issuer_cert=self.root)
        self.leaf_key = key()
        self.leaf = self.make_leaf()

    def make_leaf(self, san: str = "echo-api.amazon.com", **dates: datetime) -> x509.Certificate:
        return cert("echo-api.amazon.com", self.leaf_key, "Test Intermediate", self.mid_key,
                    ca=False, san=san, issuer_cert=self.mid, **dates)

    def pem(self, leaf: x509.Certificate | None = None) -> bytes:
        return b"".join(c.public_bytes(serialization.Encoding.PEM)
                        for c in (leaf or self.leaf, self.mid))

    def sign(self, body: bytes) -> str:
        return base64.b64encode(self.leaf_key.sign(body, padding.PKCS1v15(),
                                                   hashes.SHA256())).decode()


class ChainServer:
    """Serves PEM chains on 127.0.0.1 by path, one thread per request, and counts fetches.

    `gates[path]` holds a fetch of that path until the event is set (a slow S3);
    `delay_s` slows every fetch; `serve_any` serves `chains[default]` for every path;
    `redirects[path]` answers 302 to another location."""

    def __init__(self) -> None:
        self.chains: dict[str, bytes] = {}
        self.gates: dict[str, threading.Event] = {}
        self.delay_s = 0.0
        self.serve_any = False
        self.redirects: dict[str, str] = {}
        self.default = ""
        self.paths: list[str] = []
        self.arrived = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with outer.arrived:
                    outer.paths.append(self.path)
                    outer.arrived.notify_all()
                gate = outer.gates.get(self.path)
                if gate is not None:
                    gate.wait(10)
                time.sleep(outer.delay_s)
                if self.path in outer.redirects:
                    self.send_response(302)
                    self.send_header("Location", outer.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = outer.chains.get(self.path)
                if data is None and outer.serve_any:
                    data = outer.chains.get(outer.default)
                self.send_response(200 if data else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def fetches(self) -> int:
        with self.arrived:
            return len(self.paths)

    def wait_for_fetch(self, path: str, timeout: float = 5.0) -> None:
        with self.arrived:
            if not self.arrived.wait_for(lambda: path in self.paths, timeout):
                raise AssertionError(f"no fetch of {path} arrived")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def url_rule(self) -> UrlRule:
        """The production URL rule, strict in every way, for this server instead of S3."""
        return cert_url_rule(scheme="http", host="127.0.0.1", port=self.port)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
