"""Hostile input to the web endpoint is a 400/413, never a 500 (regressions beyond test_web.py).

Found by probing: a SignatureCertChainUrl with a malformed port made urlsplit raise
ValueError (500, before any signature check); deeply nested JSON raised RecursionError;
waitress buffered bodies up to 1 GB before Flask's 128 KB limit saw them.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from datetime import UTC, datetime

import pytest
from support import SKILL_ID

from skill.web.app import MAX_BODY_BYTES, create_app
from skill.web.serve import make_server
from skill.web.verify import VerificationError, Verifier, check_cert_url

CHAIN_PATH = "/echo.api/echo-api-cert.pem"


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch):
    # Nothing here should reach the store, but if it does it must not touch $HOME.
    monkeypatch.setenv("LEG_PAIN_DB", str(tmp_path / "store.sqlite3"))
    monkeypatch.delenv("SKILL_ID", raising=False)


def answer(event: dict) -> dict:
    # Stand-in for handle_event: these tests are about what never reaches the skill.
    return {"version": "1.0", "response": {"shouldEndSession": True}}


def launch_body() -> bytes:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    app = {"applicationId": SKILL_ID}
    return json.dumps({
        "version": "1.0",
        "session": {"new": True, "sessionId": "amzn1.echo-api.session.x", "application": app,
                    "user": {"userId": "amzn1.ask.account.web"}},
        "context": {"System": {"application": app, "user": {"userId": "amzn1.ask.account.web"},
                               "device": {"deviceId": "d", "supportedInterfaces": {}}}},
        "request": {"type": "LaunchRequest", "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                    "timestamp": stamp, "locale": "en-US"},
    }).encode()


MALFORMED_URLS = [
    "https://s3.amazonaws.com:abc/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:99999/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:-1/echo.api/echo-api-cert.pem",
    "https://[::1/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api%2f..%2fevil.pem",
    "//s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https:///echo.api/echo-api-cert.pem",
    " ",
]


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_malformed_certificate_urls_fail_the_rule(url):
    with pytest.raises(VerificationError):
        check_cert_url(url)


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_malformed_certificate_urls_get_400_without_a_fetch(url, pki):
    fetched = []
    verifier = Verifier(skill_id=SKILL_ID, roots=[pki.root], fetcher=fetched.append)
    client = create_app(verifier=verifier, verify=True, handler=answer).test_client()
    body = launch_body()
    reply = client.post("/", data=body, headers={
        "SignatureCertChainUrl": url, "Signature-256": pki.sign(body),
        "Content-Type": "application/json"})
    assert reply.status_code == 400
    assert fetched == []


def test_deeply_nested_json_with_verification_off_is_400():
    client = create_app(verify=False, handler=answer).test_client()
    for body in (b"[" * 100_000, b'{"a":' * 20_000):
        assert client.post("/", data=body, content_type="application/json").status_code == 400


def test_deeply_nested_json_that_is_signed_is_400(pki, chains):
    verifier = Verifier(skill_id=SKILL_ID, url_rule=chains.url_rule, roots=[pki.root])
    client = create_app(verifier=verifier, verify=True, handler=answer).test_client()
    body = b"[" * 100_000
    reply = client.post("/", data=body, headers={
        "SignatureCertChainUrl": chains.url(CHAIN_PATH), "Signature-256": pki.sign(body),
        "Content-Type": "application/json"})
    assert reply.status_code == 400


def test_the_skill_id_can_be_given_to_the_factory_and_the_defaults_stay_strict(pki, chains):
    # SKILL_ID is unset (fixture): the argument alone satisfies "verification needs a skill id".
    client = create_app(verify=True, skill_id=SKILL_ID, handler=answer).test_client()
    body = launch_body()
    reply = client.post("/", data=body, headers={
        "SignatureCertChainUrl": chains.url(CHAIN_PATH), "Signature-256": pki.sign(body),
        "Content-Type": "application/json"})
    # Production rule: a perfectly signed request from a non-Amazon URL is refused unfetched.
    assert reply.status_code == 400
    assert chains.fetches == 0


def test_the_real_server_refuses_an_oversized_body_before_reading_it():
    server = make_server(create_app(verify=False, handler=answer), port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.effective_port), timeout=10) as s:
            # Headers only: the 413 must come back without the client sending any body.
            s.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1))
            status = s.recv(64).split(b"\r\n")[0]
    finally:
        server.close()
    assert b" 413 " in status
