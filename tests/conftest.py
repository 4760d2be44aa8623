"""Shared fixtures: every test starts with a clean fake of Alexa's APIs (and no Login
with Amazon token cached from another test)."""

from __future__ import annotations

from datetime import UTC, datetime

import alexa_fake
import pytest

from skill import clock, config, keys
from skill.alexa import alert_sender, proactive
from skill.store import budget

# Tests use the published development secret for user keys (a warning anywhere else).
keys.allow_development_secret()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """`make test` runs `-m "not e2e"` and `make test-e2e` runs `-m e2e` over the whole
    suite; neither may select nothing (pytest's exit code 5). Checked before -m deselects,
    whenever the whole suite is collected, so a lost marker fails the fast tier at once."""
    if config.args_source != pytest.Config.ArgsSource.TESTPATHS or not items:
        return
    e2e = sum(1 for item in items if item.get_closest_marker("e2e"))
    if not 0 < e2e < len(items):
        raise pytest.UsageError(f"{e2e} of {len(items)} tests are marked e2e: a tier is empty")


@pytest.fixture(autouse=True)
def config_follows_the_environment(monkeypatch):
    """skill.config reads the environment once per process; each test is a fresh start
    for it: read again when the test begins and after each monkeypatch.setenv or delenv,
    so a test sets a variable as an operator would (config.override sets fields)."""
    config.reset()
    for name in ("setenv", "delenv"):
        monkeypatch.setattr(monkeypatch, name, _then_read_again(getattr(monkeypatch, name)))
    yield
    config.reset()


def _then_read_again(change):
    def changed(*args, **kwargs):
        change(*args, **kwargs)
        config.reset()

    return changed


@pytest.fixture(autouse=True)
def clean_alexa_fake(monkeypatch):
    """Also: the alert sender retries quickly here, and each test's senders are done
    before the next test starts (a call left hanging is let go first)."""
    monkeypatch.setattr(alert_sender, "BACKOFF_S", 0.02)
    monkeypatch.setattr(alert_sender, "BACKOFF_MAX_S", 0.1)
    alexa_fake.start().reset()
    proactive.forget_tokens()
    yield
    alexa_fake.FAKE.release.set()
    alexa_fake.FAKE.hang_token = alexa_fake.FAKE.hang_events = False
    alert_sender.settle_all(30)


@pytest.fixture
def lwa(monkeypatch):
    """The skill's Login with Amazon credentials, pointed at the Alexa fake."""
    monkeypatch.setenv("LWA_TOKEN_URL", alexa_fake.FAKE.url + alexa_fake.TOKEN_PATH)
    monkeypatch.setenv("ALEXA_CLIENT_ID", alexa_fake.CLIENT_ID)
    monkeypatch.setenv("ALEXA_CLIENT_SECRET", alexa_fake.CLIENT_SECRET)
    monkeypatch.delenv("ALEXA_CLIENT_SECRET_PARAMETER", raising=False)
    monkeypatch.delenv("ALEXA_EVENTS_STAGE", raising=False)


@pytest.fixture(autouse=True)
def roomy_budgets(request, monkeypatch):
    """A busy CI machine can take most of a second for one moto call, which would spend a
    warning's 0.6 s storage budget and fail tests about something else. The tests of the
    budgets themselves (marked real_budgets) keep the product's figures."""
    if request.node.get_closest_marker("real_budgets"):
        return
    monkeypatch.setattr(budget, "TURN_S", 30.0)
    monkeypatch.setattr(budget, "WARNING_S", 20.0)


@pytest.fixture(autouse=True)
def system_clock_after_each_test():
    """A test that moves the clock (skill.clock.set_clock) leaves it as it found it."""
    yield
    clock.set_clock(None)


@pytest.fixture
def frozen_clock():
    """The clock at Wednesday 25 November 2026, 10:00 UTC; `.advance(days=…)` moves it."""

    class Frozen:
        start = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)

        def __init__(self) -> None:
            clock.set_clock(self.start)

        def advance(self, *, days: float = 0, hours: float = 0, seconds: float = 0) -> None:
            clock.advance(days * 86400 + hours * 3600 + seconds)

        def set(self, when: datetime) -> None:
            clock.set_clock(when)

    return Frozen()


@pytest.fixture
def launched(tmp_path):
    """A person who has just opened the skill (in a locale), on their own SQLite file."""

    def make(locale: str = "en-US"):
        from support import Conversation

        talk = Conversation(tmp_path / "store.sqlite3", locale=locale)
        talk.launch()
        return talk

    return make


@pytest.fixture
def convo(launched):
    """A person who has just opened the skill in en-US, on their own SQLite file."""
    return launched()


# --- the web endpoint's certificate chain (test_web*.py): one test PKI per module, and a
# local server for its chain at the path Alexa's certificate URLs use.


@pytest.fixture(scope="module")
def pki():
    from web_pki import Pki

    return Pki()


@pytest.fixture
def chains(pki):
    from web_pki import ChainServer
    from web_support import CHAIN_PATH

    server = ChainServer()
    server.chains[CHAIN_PATH] = pki.pem()
    yield server
    server.close()
