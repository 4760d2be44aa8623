"""The local fake of Alexa's APIs, for tests: it lives in the product's development tooling
(skill/console/fake_alexa.py, also `python -m skill fake-alexa`); tests import it from here."""

from skill.console.fake_alexa import *  # noqa: F403
from skill.console.fake_alexa import FAKE, FakeAlexa, start  # noqa: F401
