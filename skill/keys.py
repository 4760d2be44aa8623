"""Keys and tags made from Alexa ids with a secret, so no table key and no log line holds
a raw id, and a log line cannot be joined to a table row without the secret (the one raw
id the table holds is a caregiver's, in their ALERTME item while they want alerts,
because a Proactive Events notification must name it: skill.checkins.alerts):

    table key    HMAC-SHA-256(k_user, user id), 32 hex      pk = USER#<key>
    voice key    HMAC-SHA-256(k_person, person id), 12 hex  profile voice-<key>
    request key  HMAC-SHA-256(k_request, request id), 16 hex  a replayed request's check-in
    session seal HMAC-SHA-256(k_session, state), 32 hex   the state sent back is ours
    guess key    HMAC-SHA-256(k_guess, table key), 32 hex  GUESS#<key>: share-code tries
    log tag      HMAC-SHA-256(k_log, user id), 10 hex       user=<tag> in the request log

where k_<name> = HMAC-SHA-256(secret, "leg-pain-guide/<name>"): one secret, a different
key per use. The secret is USER_KEY_SECRET, or the SSM SecureString parameter named by
USER_KEY_SECRET_PARAMETER (read once per process, with short timeouts). Without either,
a published development secret is used; that is fine for the console and the tests, and
logged as a warning anywhere else, because anyone could then recompute the keys.
Changing the secret (or this scheme) orphans data stored under the old keys.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import logging

from skill import config, metrics, ssm
from skill.store import budget
from skill.store.base import StoreError

logger = logging.getLogger(__name__)
STORAGE_FAILURES = metrics.Metric.STORAGE_FAILURES
DEVELOPMENT_SECRET = "leg-pain-guide-development-secret-do-not-deploy"
SECRET_ENV = "USER_KEY_SECRET"
PARAMETER_ENV = "USER_KEY_SECRET_PARAMETER"
_state = {"development_allowed": False, "warned": False}
KEY_WAIT_S = 0.4  # the most a turn waits for the secret while it is not yet read


class KeyUnavailable(StoreError):
    """The secret could not be read (the SSM call failed): nothing can be stored or read
    this turn. Retried on the next turn."""


def allow_development_secret() -> None:
    """The console and the tests may use the development secret without a warning."""
    _state["development_allowed"] = True


def _secret() -> bytes:
    settings = config.get()
    if settings.key_secret:
        return settings.key_secret.encode()
    name = settings.key_secret_parameter
    if name:
        return _parameter(name).encode()
    if not _state["development_allowed"] and not _state["warned"]:
        _state["warned"] = True
        logger.warning(
            "user keys use the development secret: set %s or %s (README, Privacy)",
            SECRET_ENV,
            PARAMETER_ENV,
        )
    return DEVELOPMENT_SECRET.encode()


def ready() -> bool:
    """Whether the secret is in memory, so a key costs no network call (the request log
    and anything on a warning's path use keys only then)."""
    settings = config.get()
    name = settings.key_secret_parameter
    return bool(settings.key_secret) or not name or ssm.cached(name) is not None


def _parameter(name: str) -> str:
    if budget.failed_this_turn(PARAMETER_ENV):
        raise KeyUnavailable("KeyUnavailable")  # said once a turn, waited for once a turn
    try:
        budget.check()
        return ssm.read(name)
    except (StoreError, ssm.SecretUnavailable) as exc:  # no keys this turn; retried next
        budget.note_failure(PARAMETER_ENV)
        code = exc.code if isinstance(exc, ssm.SecretUnavailable) else type(exc).__name__
        if code == "empty":
            metrics.count(logger, STORAGE_FAILURES, "the user-key secret parameter is empty")
        else:
            metrics.count(logger, STORAGE_FAILURES, "could not read the user-key secret (%s)", code)
        raise KeyUnavailable("KeyUnavailable") from exc


def _mac(purpose: str, value: str, length: int) -> str:
    return _mac_with(_secret(), purpose, value, length)


@functools.lru_cache(maxsize=256)
def _mac_with(secret: bytes, purpose: str, value: str, length: int) -> str:
    """Kept for the ids of recent turns: a turn asks for the same keys several times (the
    request log's tag, the profile's key, the check-in's), and a session for them again."""
    key = _purpose_key(secret, purpose)
    # surrogatepass: an id with a lone surrogate ("\ud800", which JSON can carry but UTF-8
    # cannot) still gets its own key instead of raising UnicodeEncodeError.
    data = value.encode("utf-8", "surrogatepass")
    return hmac.new(key, data, hashlib.sha256).hexdigest()[:length]


@functools.lru_cache(maxsize=8)
def _purpose_key(secret: bytes, purpose: str) -> bytes:
    """Derived once per secret and purpose, not on every request."""
    return hmac.new(secret, f"leg-pain-guide/{purpose}".encode(), hashlib.sha256).digest()


def user_key(user_id: str) -> str:
    """The account's key in the store."""
    return _mac("user", user_id, 32)


def person_key(person_id: str) -> str:
    """A recognised voice's profile name (after "voice-")."""
    return _mac("person", person_id, 12)


def request_key(request_id: str) -> str:
    """The same request (a replay, an Alexa retry) always gets the same key."""
    return _mac("request", request_id, 16)


def guess_key(user_key: str) -> str:
    """Where an account's share-code guesses are counted: outside its partition, so
    deleting the account's data does not reset them, and not joinable to it."""
    return _mac("guess", user_key, 32)


def session_seal(text: str) -> str:
    """The seal of a session's state (skill.alexa.session_seal): 128 bits, not cached
    (every state is different); hmac.digest, the one-shot C path, as it runs every turn."""
    key = _purpose_key(_secret(), "session")
    return hmac.digest(key, text.encode("utf-8", "surrogatepass"), "sha256")[:16].hex()


def log_tag(user_id: str) -> str:
    """A short tag for the logs: stable per account, unrelated to the table key. "?"
    while the secret is not in memory: the request log runs before every handler, so it
    must never wait for the secret (a warning would wait behind it)."""
    return _mac("log", user_id, 10) if ready() else "?"


def load() -> None:
    """Read the secret now (Lambda's cold start) so the first turn does not wait for it;
    failures are logged and retried on first use."""
    with contextlib.suppress(KeyUnavailable):
        _secret()
