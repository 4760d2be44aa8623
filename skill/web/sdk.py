"""The SDK's Flask integration (flask-ask-sdk's SkillAdapter), wired to the project's parts.

What SkillAdapter.dispatch_request does with a POST (flask-ask-sdk 1.0.0 and
ask-sdk-webservice-support 1.3.3): decode the body as UTF-8, `skill.serializer.deserialize`
it, run each verifier, `skill.invoke`, `skill.serializer.serialize`, jsonify. A
VerificationException becomes a 400 after an ERROR log with a traceback; any other
AskSdkException a 500. What is plugged in here, and why:

- the verifier is the project's (`ProjectVerifier`, on `cryptography`: verify.py), and the
  SDK's own RequestVerifier and TimestampVerifier are switched off. The SDK's verifier fetches any
  URL its loose rule passes (queries included) with no timeout and no redirect limit,
  before the timestamp is looked at, into a cache with no bound; it trusts only the
  system's roots; a fetch error escapes as a 500. docs/web-verification.md has the whole
  comparison;
- the skill it invokes is `EntrySkill`: the project's one entry (skill.alexa.entry.respond,
  as Lambda calls it), handed the raw JSON object. The SDK's deserializer would build the
  model before any check (CPU for every forged request), answers malformed JSON with a 500,
  and ask_sdk_model drops fields the entry keeps (a SkillDisabledRequest's body);
- every refusal is a `Refused` with a fixed reason (never request content). It is a
  werkzeug BadRequest, not the SDK's VerificationException, so it passes through the
  adapter untouched and the app logs it once through its RefusalLog (one line per reason
  per 10 s). A VerificationException the adapter logs itself, at ERROR with a traceback,
  for every request: under a forged flood a line per request (what the RefusalLog exists
  to avoid) and, measured, about 30-50 us more CPU per forged request with Flask's error
  handling, time the genuine requests beside it wait for.

Importing flask_ask_sdk imports certvalidator, and so oscrypto: the released oscrypto
1.3.0 cannot read OpenSSL 3's version string and fails at import. `make` installs
elements-oscrypto (the same module, from oscrypto's upstream main) over it:
skill/web/install_check.py checks that, and the import below says what to run if not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model.services import Serializer
from flask import Flask
from werkzeug.exceptions import BadRequest

from skill.web.errors import VerificationError
from skill.web.install_check import FIX, BrokenInstall
from skill.web.verify import SIGNATURE_HEADER, URL_HEADER, Verifier, json_object

try:
    from ask_sdk_webservice_support.verifier import AbstractVerifier
    from flask_ask_sdk.skill_adapter import (
        VERIFY_SIGNATURE_APP_CONFIG,
        VERIFY_TIMESTAMP_APP_CONFIG,
        SkillAdapter,
    )
except ModuleNotFoundError as exc:
    raise BrokenInstall(f"flask-ask-sdk is not installed ({exc}): run `make`") from exc
except Exception as exc:  # oscrypto.errors.LibraryNotFoundError, raised at import time
    raise BrokenInstall(
        f"flask-ask-sdk cannot be imported ({type(exc).__name__}: {exc}): the installed "
        "`oscrypto` module is not elements-oscrypto's, and oscrypto 1.3.0 cannot read "
        f"OpenSSL 3's version. Run `make`, which installs elements-oscrypto last, or {FIX}"
    ) from exc

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class Refused(BadRequest):
    """A refused request; `reason` is a fixed string for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(description="bad request")
        self.reason = reason


class ProjectVerifier(AbstractVerifier):
    """The project's verifier (verify.py) in the SDK's verifier slot."""

    def __init__(self, verifier: Verifier) -> None:
        self.verifier = verifier

    # The SDK types the envelope as its model, but hands verifiers what the adapter's
    # serializer made of the body: here a plain JSON object (_JsonObjects).
    def verify(  # type: ignore[override]
        self,
        headers: Mapping[str, str],
        serialized_request_env: str,
        deserialized_request_env: dict[str, Any],
    ) -> None:
        # The adapter hands verifiers the body as text it decoded strictly from UTF-8, so
        # encoding it again gives back the exact bytes Alexa signed.
        body = serialized_request_env.encode("utf-8")
        # Werkzeug's headers look a name up case-insensitively in the WSGI environ; walking
        # them all, as the verifier does with a plain mapping, costs more.
        wanted = {name: headers.get(name) for name in (URL_HEADER, SIGNATURE_HEADER)}
        try:
            self.verifier.verify_parsed(
                {k: v for k, v in wanted.items() if v}, body, deserialized_request_env
            )
        except VerificationError as exc:
            raise Refused(str(exc)) from exc


class _JsonObjects(Serializer):
    """The adapter's (de)serializer: the body as a JSON object, the answer as it is."""

    # Narrower than the SDK's generic signature on purpose: this adapter reads only JSON
    # objects from a request body, which Flask always has.
    def deserialize(self, payload: str, obj_type: Any) -> dict[str, Any]:  # type: ignore[override]
        try:
            return json_object(payload)
        except VerificationError as exc:
            raise Refused(str(exc)) from exc

    def serialize(self, obj: Any) -> Any:
        return obj  # the entry already answers with a JSON-ready dict


class EntrySkill(CustomSkill):
    """What SkillAdapter invokes: the project's entry, which checks SKILL_ID, deserializes
    safely, keeps one clock and a storage budget per turn, and never raises for bad input.
    The configuration is empty because the SDK never dispatches through this object."""

    def __init__(self, handler: Handler) -> None:
        super().__init__(skill_configuration=SkillBuilder().skill_configuration)
        # The SDK types this slot as its own DefaultSerializer; the adapter only calls the
        # Serializer interface on it, which _JsonObjects implements.
        self.serializer = _JsonObjects()  # type: ignore[assignment]
        self._handler = handler

    # The SDK types the envelopes as its models; with _JsonObjects they are JSON objects.
    def invoke(  # type: ignore[override]
        self, request_envelope: dict[str, Any], context: Any
    ) -> dict[str, Any]:
        from skill.alexa.entry import RequestRejected

        try:
            return self._handler(request_envelope)
        except RequestRejected as exc:
            raise Refused("request is for another skill") from exc


def adapt(app: Flask, handler: Handler, verifier: Verifier | None) -> SkillAdapter:
    """SkillAdapter on `app`, with the project's verifier (none when verification is off).
    Its dispatch_request raises Refused for a refused request."""
    # Off before init_app reads them: the SDK's own checks are replaced, not doubled.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    return SkillAdapter(
        skill=EntrySkill(handler),
        skill_id=verifier.skill_id if verifier else "unverified",
        verifiers=[] if verifier is None else [ProjectVerifier(verifier)],
        app=app,
    )
