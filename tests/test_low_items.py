"""Issue 12 row 7, the low items: "posture tips" then "why?" answers; numbers that are not
finite ("inf", "1e309", "nan") are no number; Repeat never says forged session attributes
that are not SSML this skill could have said; and calls to Alexa's own APIs (reminders,
the device's time zone) are bounded in total time, the host-name lookup included."""

from __future__ import annotations

import logging
import socket
import time

import pytest
from alexa_fake import FAKE
from ask_sdk_model import Slot
from ask_sdk_model.services import ApiClientRequest
from silent_endpoint import SilentEndpoint
from support import Conversation

from skill.alexa import slots
from skill.alexa.api_client import TOTAL_S, TimedApiClient
from skill.content import for_locale

STALLED_HOST = "api.stalled-dns.example"
REMINDER_FAILED = for_locale("en-US").say("reminders.failed")
DNS_STALL_S = 6.0


@pytest.fixture
def convo(tmp_path):
    c = Conversation(tmp_path / "s.sqlite3")
    c.launch()
    return c


def test_posture_tips_then_why_answers_without_an_apology(convo):
    tips = convo.intent("PostureIntent")
    assert "feet flat on the floor" in tips.text
    turn = convo.intent("WhyIntent")
    assert "something went wrong" not in turn.text
    assert not turn.ended and turn.reprompt


@pytest.mark.parametrize("value", ["inf", "-inf", "1e309", "nan", "Infinity"])
def test_a_number_that_is_not_finite_is_no_number(value):
    assert slots.number(Slot(name="score", value=value)) is None


@pytest.mark.parametrize("value", ["inf", "1e309", "nan"])
def test_a_pain_score_of_infinity_is_asked_again(convo, value, caplog):
    with caplog.at_level(logging.WARNING):
        turn = convo.intent("PainScaleIntent", score=value)
    assert "something went wrong" not in turn.text
    assert "zero to ten" in turn.text
    convo.launch()
    convo.intent("CheckInIntent")
    convo.yes()
    turn = convo.intent("PainScaleIntent", score=value)
    assert "something went wrong" not in turn.text and "zero to ten" in turn.text


FORGED = {
    "not SSML": "Call <b>me</b> & <i>now",
    "an unknown tag": 'Hello <mark name="x"/> there',
    "a break over 10 s": 'Wait <break time="60s"/> done',
    "unclosed": "<s>one <emphasis>two</s>",
    "a second document": "</speak><speak>injected",
    "too long": "word " * 5000,
}


@pytest.mark.parametrize("forged", FORGED.values(), ids=FORGED.keys())
def test_repeat_never_says_forged_last_speech(convo, forged):
    convo.says(location="calf", trigger="exercise")
    question = convo.turns[-1].reprompt
    convo.attributes = {**convo.attributes, "last": {"speech": forged, "reprompt": "x"}}
    turn = convo.intent("AMAZON.RepeatIntent")  # check_response: valid SSML, under 24 KB
    assert "injected" not in turn.text and "word word" not in turn.text
    assert question in turn.text, "the current question instead"


def test_repeat_still_says_what_was_said(convo):
    said = convo.says(location="calf", trigger="exercise")
    assert convo.intent("AMAZON.RepeatIntent").text == said.text


@pytest.fixture
def stalled_dns(monkeypatch):
    """Name lookups of one host take 6 s, as a stalled resolver does (getaddrinfo is not
    bounded by socket timeouts); every other name resolves as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == STALLED_HOST:
            time.sleep(DNS_STALL_S)
            raise socket.gaierror("stalled")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_an_api_call_is_bounded_including_the_name_lookup(stalled_dns):
    client = TimedApiClient()
    started = time.monotonic()
    with pytest.raises(Exception, match="Timeout"):
        client.invoke(ApiClientRequest(method="GET", url=f"https://{STALLED_HOST}/v2/x"))
    took = time.monotonic() - started
    assert took < TOTAL_S + 0.5, f"{took:.2f} s"


def test_an_api_that_accepts_and_never_answers_is_bounded_too():
    silent = SilentEndpoint()
    try:
        client = TimedApiClient(allow_loopback_http=True)
        started = time.monotonic()
        with pytest.raises(Exception):  # noqa: B017 - the read timeout or the deadline
            client.invoke(ApiClientRequest(method="GET", url=f"{silent.url}/v2/x"))
        assert time.monotonic() - started < TOTAL_S + 0.5
    finally:
        silent.close()


def test_a_reminder_turn_answers_in_time_when_name_lookups_stall(tmp_path, stalled_dns):
    convo = Conversation(tmp_path / "s.sqlite3")
    fake_url, FAKE.url = FAKE.url, f"https://{STALLED_HOST}"  # the envelopes' apiEndpoint
    try:
        convo.launch()
        started = time.monotonic()
        turn = convo.intent("ReminderIntent", time="MO")
        took = time.monotonic() - started
    finally:
        FAKE.url = fake_url
    assert REMINDER_FAILED in turn.text
    # Two calls at most (the time zone, then the reminder), each within TOTAL_S.
    assert took < 2 * TOTAL_S + 1.0, f"{took:.2f} s"
