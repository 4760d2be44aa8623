"""The web endpoint runs on the SDK's Flask adapter (flask-ask-sdk's SkillAdapter) with the
project's verifier plugged in, and the venv's oscrypto module is the fixed one.

Real parts: the installed flask-ask-sdk and oscrypto, the test PKI's certificates and
signatures, a local chain server, Flask's test client (test_web*.py run the same app on
the real server)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging

import pytest
from flask_ask_sdk.skill_adapter import (
    EXTENSION_NAME,
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)
from support import SKILL_ID
from web_support import answer, envelope, forged_signature, headers

from skill.web import install_check, sdk
from skill.web.app import create_app
from skill.web.verify import Verifier

CHAIN_PATH = "/echo.api/echo-api-cert.pem"


@pytest.fixture
def app(pki, chains):
    verifier = Verifier(skill_id=SKILL_ID, url_rule=chains.url_rule, roots=[pki.root])
    return create_app(verifier=verifier, verify=True, handler=answer)


def the_adapter(app) -> SkillAdapter:
    adapters = app.extensions[EXTENSION_NAME]
    assert len(adapters) == 1
    return next(iter(adapters.values()))


# --- the install ----------------------------------------------------------------------

def test_flask_ask_sdk_and_its_verifier_module_import_on_this_openssl():
    # oscrypto 1.3.0 raises LibraryNotFoundError here on OpenSSL >= 3.0.10.
    import oscrypto
    from ask_sdk_webservice_support.verifier import RequestVerifier  # noqa: F401

    assert oscrypto.backend() == "openssl"


def test_every_oscrypto_file_on_disk_is_elements_oscrypto_s():
    assert install_check.oscrypto_problems() == []
    assert install_check.main() == 0


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def test_the_install_check_names_overwritten_missing_and_unreviewed_files(tmp_path):
    from importlib.metadata import PathDistribution

    info = tmp_path / "elements_oscrypto-1.4.0b1.dist-info"
    info.mkdir()
    (tmp_path / "oscrypto").mkdir()
    (tmp_path / "oscrypto" / "__init__.py").write_bytes(b"fixed = True\n")
    (tmp_path / "oscrypto" / "_ffi.py").write_bytes(b"broken = True\n")  # overwritten
    (info / "RECORD").write_text("\n".join([
        record_line("oscrypto/__init__.py", b"fixed = True\n"),
        record_line("oscrypto/_ffi.py", b"fixed = True\n"),
        record_line("oscrypto/gone.py", b"x\n"),
        "elements_oscrypto-1.4.0b1.dist-info/RECORD,,",
    ]))
    dist = PathDistribution(info)
    reviewed = install_check.record_digest(
        [f for f in install_check.recorded(dist) if str(f).startswith("oscrypto/") and f.hash])
    assert install_check.oscrypto_problems(dist, reviewed=reviewed) == [
        "oscrypto/_ffi.py is not elements-oscrypto's (another oscrypto overwrote it)",
        "oscrypto/gone.py is missing",
    ]
    # The same files are not the elements-oscrypto 1.4.0b1 that was reviewed.
    assert install_check.oscrypto_problems(dist)[0] == (
        "elements-oscrypto's files are not the ones reviewed")


def test_the_pins_and_the_makefile_install_elements_oscrypto_last():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    constraints = (root / "constraints.txt").read_text().splitlines()
    assert "elements-oscrypto==1.4.0b1" in constraints
    assert "flask-ask-sdk==1.0.0" in constraints
    recipe = (root / "Makefile").read_text().split("$(STAMP): ")[1].split("\n\n")[0]
    steps = [line.strip() for line in recipe.splitlines()
             if line.startswith("\t") and not line.startswith("\t#")]
    assert steps[-1] == "touch $(STAMP)"
    assert "-e '.[dev]'" in steps[-4]
    assert "--no-deps --force-reinstall" in steps[-3] and "elements-oscrypto" in steps[-3]
    assert steps[-2] == "$(BIN)/python -m skill.web.install_check"
    assert "skill.web.install_check" in (root / ".ci" / "run").read_text()


# --- the endpoint is the SDK's adapter, with the project's verifier ----------------------

def test_post_is_dispatched_by_the_sdks_skill_adapter(app, pki, chains, monkeypatch):
    dispatched = []
    real = SkillAdapter.dispatch_request

    def spy(self):
        dispatched.append(self)
        return real(self)

    monkeypatch.setattr(SkillAdapter, "dispatch_request", spy)
    body = envelope()
    reply = app.test_client().post("/", data=body, headers=headers(chains.url(CHAIN_PATH),
                                                                   pki.sign(body)))
    assert reply.status_code == 200
    assert reply.get_json() == answer({})
    assert dispatched == [the_adapter(app)]


def test_the_sdks_own_verifiers_are_off_and_the_projects_is_in_their_place(app):
    assert app.config[VERIFY_SIGNATURE_APP_CONFIG] is False
    assert app.config[VERIFY_TIMESTAMP_APP_CONFIG] is False
    verifiers = the_adapter(app)._webservice_handler._verifiers
    assert [type(v) for v in verifiers] == [sdk.ProjectVerifier]


def test_with_verification_off_the_adapter_has_no_verifier():
    app = create_app(verify=False, handler=answer)
    assert the_adapter(app)._webservice_handler._verifiers == []


def test_a_signed_body_with_text_beyond_ascii_verifies(app, pki, chains):
    # The adapter hands verifiers decoded text; the signature is over the raw bytes.
    event = json.loads(envelope())
    event["request"]["note"] = "douleur à la cuisse, 痛み"
    body = json.dumps(event, ensure_ascii=False).encode()
    reply = app.test_client().post("/", data=body, headers=headers(chains.url(CHAIN_PATH),
                                                                   pki.sign(body)))
    assert reply.status_code == 200


def test_a_forged_request_logs_one_warning_and_no_sdk_error_or_traceback(app, chains, caplog):
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        statuses = [client.post("/", data=envelope(), headers=headers(
            chains.url(CHAIN_PATH), forged_signature())).status_code for _ in range(5)]
    assert statuses == [400] * 5
    assert [(r.levelname, r.getMessage()) for r in caplog.records
            if r.levelno >= logging.WARNING] == [
        ("WARNING", "refused request: signature does not match the body")]
    assert not [r for r in caplog.records if r.exc_info]


def test_a_refusal_answers_json_not_the_sdks_html_page(app, chains):
    reply = app.test_client().post("/", data=envelope(), headers=headers(
        chains.url(CHAIN_PATH), forged_signature()))
    assert reply.status_code == 400
    assert reply.get_json() == {"error": "bad request"}


def test_with_verification_off_a_request_for_another_skill_is_400_and_logged(
        monkeypatch, caplog, tmp_path):
    from skill.alexa.entry import handle_event

    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    monkeypatch.setenv("LEG_PAIN_DB", str(tmp_path / "s.sqlite3"))
    client = create_app(verify=False, handler=handle_event).test_client()
    with caplog.at_level(logging.WARNING):
        reply = client.post("/", data=envelope(app_id="amzn1.ask.skill.other"),
                            content_type="application/json")
    assert reply.status_code == 400
    assert "refused request: request is for another skill" in caplog.messages


def test_a_fault_in_dispatch_stays_a_logged_500(app, pki, chains, monkeypatch, caplog):
    # Only refusals are quietened: the SDK's error and traceback for anything else stay.
    from ask_sdk_core.exceptions import AskSdkException

    def broken(event):
        raise AskSdkException("dispatch broke")

    monkeypatch.setattr(the_adapter(app)._skill, "_handler", broken)
    body = envelope()
    with caplog.at_level(logging.ERROR):
        reply = app.test_client().post("/", data=body, headers=headers(
            chains.url(CHAIN_PATH), pki.sign(body)))
    assert reply.status_code == 500
    assert [r.getMessage() for r in caplog.records if r.exc_info] == ["Skill dispatch exception"]


@pytest.mark.e2e
def test_serve_on_a_broken_oscrypto_says_what_to_run_instead_of_a_traceback(tmp_path):
    # A stand-in for oscrypto 1.3.0 on OpenSSL 3: flask_ask_sdk's import fails the same way.
    import os
    import subprocess
    import sys

    fake = tmp_path / "flask_ask_sdk"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "skill_adapter.py").write_text(
        "raise OSError('Error detecting the version of libcrypto')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "LEG_PAIN_DB": str(tmp_path / "s.db")}
    done = subprocess.run([sys.executable, "-m", "skill", "serve", "--dev-secret", "--port", "0"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "flask-ask-sdk cannot be imported" in done.stderr
    assert "elements-oscrypto" in done.stderr
    assert "Traceback" not in done.stderr
