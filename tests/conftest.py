"""Shared fixtures: every test starts with a clean fake of Alexa's APIs (and no Login
with Amazon token cached from another test)."""

from __future__ import annotations

import alexa_fake
import pytest

from skill import keys
from skill.alexa import proactive

# Tests use the published development secret for user keys (a warning anywhere else).
keys.allow_development_secret()


@pytest.fixture(autouse=True)
def clean_alexa_fake():
    alexa_fake.start().reset()
    proactive.forget_tokens()
    yield
