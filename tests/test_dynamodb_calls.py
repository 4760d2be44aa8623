"""How many DynamoDB calls a turn makes, counted where botocore makes them (its
before-call event) against a moto table built from the template: a launch makes at most
two, a guide step at most one, and a triage answer none (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aws_support import create_table_from_template, fake_aws
from moto import mock_aws
from support import Conversation

from skill import aws, keys
from skill.store.base import user_pk

TABLE = "leg-pain-guide-calls"


class Counted:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, model: Any, **kwargs: Any) -> None:
        self.calls.append(model.name)

    def during(self, work: Any) -> list[str]:
        self.calls.clear()
        work()
        return list(self.calls)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Counted, Any]]:
    fake_aws(monkeypatch)
    counter = Counted()
    with mock_aws():
        import boto3

        from skill.store.dynamodb import DynamoStore

        create_table_from_template(boto3.resource("dynamodb", region_name="us-east-1"), TABLE)
        # Registered on the session, so every client the store makes from it counts.
        aws.session().register("before-call.dynamodb", counter)
        try:
            store = DynamoStore(TABLE)
            store.prepare()
            yield counter, store
        finally:
            aws.session().unregister("before-call.dynamodb", counter)


def test_a_new_accounts_launch_creates_its_profile_in_one_call(counted):
    counter, store = counted
    talk = Conversation(store=store, user="new-person")
    assert counter.during(talk.launch) == ["PutItem"]  # it never asked for alerts: no query
    assert "Welcome to Leg Pain Guide" in talk.turns[-1].text


def test_a_returning_launch_reads_the_profile_and_writes_nothing(counted):
    counter, store = counted
    Conversation(store=store, user="back-again").launch()
    again = Conversation(store=store, user="back-again")
    assert counter.during(again.launch) == ["PutItem"]  # refused: the read
    assert "Welcome back" in again.turns[-1].text
    (profile,) = [data for sk, data in store.query(user_pk(_key(again))) if sk == "PROFILE"]
    assert profile["visits"] == 1
    assert set(profile) == {"v", "visits", "epoch", "hears_alerts"}


def test_an_account_that_asked_for_alerts_or_from_before_looks_for_them_at_launch(counted):
    counter, store = counted
    Conversation(store=store, user="carer").launch()
    pk = user_pk(keys.user_key("amzn1.ask.account.carer"))
    item = store.get_item(pk, "PROFILE")
    for hears in (True, None):  # asked for alerts; or a profile from before this was kept
        store.put_item(pk, "PROFILE", {k: v for k, v in item.items() if k != "hears_alerts"}
                       | ({"hears_alerts": hears} if hears is not None else {}))
        again = Conversation(store=store, user="carer")
        assert counter.during(again.launch) == ["PutItem", "Query"], hears


def test_a_guide_step_makes_no_call_and_the_place_is_written_when_the_session_ends(counted):
    counter, store = counted
    talk = Conversation(store=store, user="stretcher")
    talk.launch()
    assert counter.during(lambda: talk.intent("StretchIntent", stretch="calf")) == []
    assert counter.during(lambda: talk.intent("AMAZON.NextIntent")) == []
    ended = {"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"}
    assert counter.during(lambda: talk.send(talk.envelope(ended))) == ["PutItem"]
    saved = store.get_item(user_pk(_key(talk)), "PROFILE")
    assert saved["guide"]["id"].endswith("calf") and saved["guide"]["step"] == 1


def test_stopping_in_a_guide_writes_the_place_once(counted):
    counter, store = counted
    talk = Conversation(store=store, user="stopper")
    talk.launch()
    talk.intent("RiceIntent")
    assert counter.during(lambda: talk.intent("AMAZON.StopIntent")) == ["PutItem"]


def test_a_triage_answer_makes_no_call(counted):
    counter, store = counted
    talk = Conversation(store=store, user="triaged")
    talk.launch()
    calls = counter.during(
        lambda: talk.intent("DescribePainIntent", location="hamstring", trigger="exercise")
    )
    assert calls == []
    assert counter.during(lambda: talk.intent("AMAZON.NoIntent")) == []


def test_a_profile_changed_elsewhere_refuses_the_write_then_is_read_again(counted):
    """The session's copy is stale once another device writes the profile: keeping the
    guide's place is refused (nothing overwritten), and the next turn reads afresh."""
    counter, store = counted
    talk = Conversation(store=store, user="two-devices")
    talk.launch()
    other = Conversation(store=store, user="two-devices")
    other.launch()
    other.intent("StretchIntent", stretch="hamstring")
    other.intent("AMAZON.StopIntent")  # writes the profile: a new version
    talk.intent("StretchIntent", stretch="calf")
    stop = counter.during(lambda: talk.intent("AMAZON.StopIntent"))
    assert stop == ["PutItem"], "refused: the version it read is gone"
    saved = store.get_item(user_pk(_key(talk)), "PROFILE")
    assert saved["guide"]["id"].endswith("hamstring"), "the other device's write stands"
    talk.launch()
    again = counter.during(lambda: talk.intent("StretchIntent", stretch="calf"))
    assert again == []
    assert counter.during(lambda: talk.intent("AMAZON.StopIntent")) == ["PutItem"]


def _key(talk: Conversation) -> str:
    from skill import keys

    return keys.user_key(talk.user_id)


def test_the_session_carries_the_profile_as_last_written(counted):
    _, store = counted
    talk = Conversation(store=store, user="carried")
    talk.launch()
    first = talk.attributes["profile"]
    assert first["data"]["visits"] == 1 and first["data"]["epoch"] and first["rev"]
    talk.intent("StretchIntent", stretch="calf")
    assert talk.attributes["profile"] == first  # a step writes nothing
    talk.intent("AMAZON.PauseIntent")
    talk.send(talk.envelope({"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"}))
    after = store.get_versioned(user_pk(_key(talk)), "PROFILE")
    assert after.version != first["rev"] and after.data["guide"]["step"] == 0


@pytest.mark.parametrize("junk", [{"rev": 5, "data": {}}, {"rev": "x", "data": "text"},
                                  "profile", {"data": {"consent": True}}])
def test_a_malformed_profile_copy_is_not_trusted_the_profile_is_read(counted, junk):
    counter, store = counted
    talk = Conversation(store=store, user="forged")
    talk.launch()
    talk.intent("StretchIntent", stretch="calf")
    talk.forge({**talk.attributes, "profile": junk})
    calls = counter.during(lambda: talk.intent("AMAZON.StopIntent"))  # keeps the place
    assert calls == ["GetItem", "PutItem"]
