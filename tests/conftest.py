"""Shared fixtures: every test starts with a clean fake of Alexa's APIs (and no Login
with Amazon token cached from another test)."""

from __future__ import annotations

import alexa_fake
import pytest

from skill import keys
from skill.alexa import alert_flow, proactive
from skill.store import budget

# Tests use the published development secret for user keys (a warning anywhere else).
keys.allow_development_secret()


@pytest.fixture(autouse=True)
def clean_alexa_fake():
    alexa_fake.start().reset()
    proactive.forget_tokens()
    yield


@pytest.fixture(autouse=True)
def roomy_budgets(request, monkeypatch):
    """A busy CI machine can take most of a second for one moto call, which would spend a
    warning's 0.6 s storage budget and fail tests about something else. The tests of the
    budgets themselves (marked real_budgets) keep the product's figures."""
    if request.node.get_closest_marker("real_budgets"):
        return
    monkeypatch.setattr(budget, "TURN_S", 30.0)
    monkeypatch.setattr(budget, "WARNING_S", 20.0)
    monkeypatch.setattr(alert_flow, "ALERT_S", 20.0)
