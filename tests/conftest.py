"""Shared fixtures: every test starts with a clean fake of Alexa's APIs."""

from __future__ import annotations

import alexa_fake
import pytest

from skill import keys

# Tests use the published development secret for user keys (a warning anywhere else).
keys.allow_development_secret()


@pytest.fixture(autouse=True)
def clean_alexa_fake():
    alexa_fake.start().reset()
    yield
