"""Shared fixtures: every test starts with a clean fake of Alexa's APIs."""

from __future__ import annotations

import alexa_fake
import pytest


@pytest.fixture(autouse=True)
def clean_alexa_fake():
    alexa_fake.start().reset()
    yield
