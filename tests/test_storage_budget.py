"""A turn never waits on storage more than about 1.5 s in all, warnings never
wait on storage, and when storage hangs every turn still answers and says what was not saved.

The skill's real DynamoDB store is pointed, through boto3's own AWS_ENDPOINT_URL_DYNAMODB,
at a local TCP socket that accepts connections and never answers (tests/silent_endpoint.py),
and real envelopes go through tests/support.py. The bounds here are generous but real
(every turn under 3 s, a warning under 1 s); faster targets belong in `make bench`."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from aws_support import fake_aws
from dripping_endpoint import DrippingEndpoint
from silent_endpoint import SilentEndpoint
from support import Conversation, Turn

TURN_LIMIT_S = 3.0
WARNING_LIMIT_S = 1.0
FIGURES: dict[str, float] = {}
pytestmark = pytest.mark.real_budgets


@pytest.fixture
def silent(monkeypatch) -> Iterator[SilentEndpoint]:
    endpoint = SilentEndpoint()
    fake_aws(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint.url)
    yield endpoint
    endpoint.close()


@pytest.fixture
def convo(silent) -> Conversation:
    from skill.store.dynamodb import DynamoStore

    return Conversation(store=DynamoStore("leg-pain-guide-silent"))


def timed(name: str, turn: callable) -> tuple[Turn, float]:  # type: ignore[valid-type]
    started = time.monotonic()
    result = turn()
    elapsed = time.monotonic() - started
    FIGURES[name] = max(elapsed, FIGURES.get(name, 0.0))
    return result, elapsed


def test_every_turn_of_a_check_in_answers_in_time_and_says_what_was_not_saved(convo, silent):
    turn, took = timed("launch", convo.launch)
    assert "Welcome" in turn.text and took < TURN_LIMIT_S
    turn, took = timed("check-in start", lambda: convo.intent("CheckInIntent"))
    assert "Is that okay?" in turn.text and took < TURN_LIMIT_S
    turn, took = timed("consent", convo.yes)
    assert "couldn't save that" in turn.text and took < TURN_LIMIT_S
    turn, took = timed("pain", lambda: convo.intent("PainScaleIntent", score="4"))
    assert took < TURN_LIMIT_S
    convo.no()
    convo.no()
    turn, took = timed("check-in end", convo.yes)
    assert "I couldn't save" in turn.text and took < TURN_LIMIT_S
    assert "first check-in" in turn.text or "noted" in turn.text or "Thanks" in turn.text
    assert silent.requests > 0, "the store really was called"


def test_a_check_in_warning_is_spoken_within_a_second_and_says_it_was_not_saved(convo):
    convo.launch()
    convo.intent("CheckInIntent")
    convo.yes()
    convo.intent("PainScaleIntent", score="6")
    turn, took = timed("check-in emergency warning", convo.yes)  # breathless since last time
    assert turn.text.startswith("This could be serious. Call 911 now.")
    assert "I couldn't save" in turn.text
    assert took < WARNING_LIMIT_S, f"{took:.2f} s"


def test_an_urgent_check_in_warning_too(convo):
    convo.launch()
    convo.intent("CheckInIntent")
    convo.yes()
    convo.intent("PainScaleIntent", score="6")
    convo.no()
    turn, took = timed("check-in urgent warning", convo.yes)  # new swelling
    assert "should be seen today" in turn.text and "I couldn't save" in turn.text
    assert took < WARNING_LIMIT_S, f"{took:.2f} s"


def test_a_triage_warning_makes_no_storage_call_before_the_alert_outbox(convo, silent, monkeypatch):
    """The warning is decided without storage; the first storage call of its turn is the
    caregiver alerts' outbox write (alert_flow.queue), within the warning's allowance."""
    from skill.alexa import alert_flow

    at_queue: list[int] = []
    queue = alert_flow.queue

    def counting(*args, **kwargs):
        at_queue.append(silent.requests)
        return queue(*args, **kwargs)

    monkeypatch.setattr(alert_flow, "queue", counting)
    convo.launch()
    heard, took = timed("red flag heard", lambda: convo.says(location="calf", symptom="breathless"))
    assert "call 911 now" in heard.text and took < WARNING_LIMIT_S
    before = silent.requests
    turn, took = timed("triage emergency", convo.yes)
    assert turn.disposition == "emergency" and turn.text.startswith("This could be serious.")
    assert took < WARNING_LIMIT_S
    assert at_queue[-1] == before, "nothing waited on storage before the outbox write"


def test_caregiver_and_account_turns_answer_in_time_and_say_what_failed(convo):
    convo.launch()
    checks = [
        ("summary", lambda: convo.intent("SummaryIntent", subject="mother"),
         "couldn't read the check-ins"),
        ("share", lambda: convo.intent("ShareIntent"), "couldn't reach my storage"),
    ]
    for name, send, said in checks:
        convo.launch()
        turn, took = timed(name, send)
        assert said in turn.text and took < TURN_LIMIT_S, (name, took, turn.text)
    convo.launch()
    turn, took = timed("connect", lambda: convo.intent("ConnectIntent", code="123456"))
    assert "couldn't reach my storage" in turn.text and took < TURN_LIMIT_S
    turn, took = timed("stop sharing", lambda: convo.intent("StopSharingIntent"))
    assert "couldn't stop sharing" in turn.text and took < TURN_LIMIT_S
    convo.intent("DeleteDataIntent")
    turn, took = timed("delete my data", convo.yes)
    assert "couldn't delete" in turn.text and took < TURN_LIMIT_S


def test_a_guide_still_runs_and_stopping_says_the_place_was_not_kept(convo):
    convo.launch()
    turn, took = timed("guide step", lambda: convo.intent("RiceIntent"))
    assert "Step 1 of" in turn.text and took < TURN_LIMIT_S
    turn, took = timed("guide stop", lambda: convo.intent("AMAZON.StopIntent"))
    assert "couldn't save your place" in turn.text and took < TURN_LIMIT_S


@pytest.fixture
def dripping(monkeypatch) -> Iterator[DrippingEndpoint]:
    """DynamoDB and SSM that answer one byte every 0.15 s: no socket timeout ever trips."""
    endpoint = DrippingEndpoint()
    fake_aws(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", endpoint.url)
    yield endpoint
    endpoint.close()


@pytest.mark.wall_clock
def test_a_dripping_table_is_abandoned_at_the_deadline_and_warnings_come_within_a_second(
    dripping,
):
    from skill.store.dynamodb import DynamoStore

    convo = Conversation(store=DynamoStore("leg-pain-guide-dripping"))
    turn, took = timed("launch, dripping table", convo.launch)
    assert "Welcome" in turn.text and took < TURN_LIMIT_S, f"{took:.2f} s"
    assert dripping.requests > 0, "the store really was called"
    heard, took = timed("red flag heard, dripping table",
                        lambda: convo.says(location="calf", symptom="breathless"))
    assert "call 911 now" in heard.text and took < WARNING_LIMIT_S, f"{took:.2f} s"
    turn, took = timed("triage emergency, dripping table", convo.yes)
    assert turn.disposition == "emergency" and took < WARNING_LIMIT_S, f"{took:.2f} s"
    convo.launch()
    convo.intent("CheckInIntent")
    convo.yes()
    convo.intent("PainScaleIntent", score="6")
    turn, took = timed("check-in warning, dripping table", convo.yes)
    assert turn.text.startswith("This could be serious. Call 911 now.")
    assert took < WARNING_LIMIT_S, f"{took:.2f} s"


@pytest.mark.wall_clock
def test_a_dripping_secret_parameter_never_holds_up_a_warning(dripping, monkeypatch, tmp_path):
    """The request log runs before every handler and used to derive the user's key, and so
    read the secret, first: a warning waited 20 s behind a dripping parameter store."""
    from skill import keys, ssm

    monkeypatch.delenv(keys.SECRET_ENV, raising=False)
    monkeypatch.setenv(keys.PARAMETER_ENV, "/leg-pain-guide/user-key-secret")
    ssm.forget()
    try:
        convo = Conversation(tmp_path / "s.sqlite3")
        turn, took = timed("launch, dripping secret", convo.launch)
        assert took < TURN_LIMIT_S, f"{took:.2f} s"
        heard, took = timed("red flag heard, dripping secret",
                            lambda: convo.says(location="calf", symptom="breathless"))
        assert "call 911 now" in heard.text and took < WARNING_LIMIT_S, f"{took:.2f} s"
        turn, took = timed("triage emergency, dripping secret", convo.yes)
        assert turn.disposition == "emergency" and took < WARNING_LIMIT_S, f"{took:.2f} s"
        assert dripping.requests > 0, "the parameter store really was called"
    finally:
        ssm.forget()


def test_zz_print_the_measured_turn_times():
    """The figures docs/PERFORMANCE.md quotes (pytest -s tests/test_storage_budget.py)."""
    if FIGURES:
        print("\nturn times against a silent DynamoDB endpoint (s):")
        for name, seconds in sorted(FIGURES.items(), key=lambda kv: -kv[1]):
            print(f"  {name:32} {seconds:.2f}")
    assert all(s < TURN_LIMIT_S for s in FIGURES.values())
