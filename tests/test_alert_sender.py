"""AlertSenderFunction, driven the way AWS drives it: the skill (with ALERT_SENDER=stream,
as on AWS) writes the outbox to a moto DynamoDB table whose stream is read back with
moto's DynamoDB Streams (get_records); the records that pass the template's own event
filter are handed to the sender's Lambda handler as one batch, and its partial batch
response is checked. Alexa's APIs are the local fake on 127.0.0.1 (tests/alexa_fake.py)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from typing import Any

import pytest
from alexa_fake import FAKE
from aws_support import ROOT, fake_aws, load_template
from moto import mock_aws
from test_alerts import check_in, linked, soon

from skill import keys
from skill.alexa import alert_sender
from skill.alexa.api_client import TimedApiClient
from skill.checkins import alerts
from skill.store.base import user_pk

TABLE = "leg-pain-stream-test"


def template_filter() -> dict[str, Any]:
    props = load_template()["Resources"]["AlertSenderFunction"]["Properties"]
    (only,) = props["Events"]["Outbox"]["Properties"]["FilterCriteria"]["Filters"]
    return json.loads(only["Pattern"])  # type: ignore[no-any-return]


def passes(pattern: Any, value: Any) -> bool:
    """Lambda's event filtering, for what the template's pattern uses: nested fields, a
    list of accepted values, and {"prefix": ...}."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(
            k in value and passes(p, value[k]) for k, p in pattern.items())
    return any(
        (isinstance(option, dict) and isinstance(value, str)
         and value.startswith(option["prefix"])) or option == value
        for option in pattern)


class Stream:
    """The table, its stream and the sender's handler."""

    def __init__(self, boto3: Any) -> None:
        from skill.store.dynamodb import DynamoStore

        props = load_template()["Resources"]["Table"]["Properties"]
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName=TABLE, KeySchema=props["KeySchema"],
            AttributeDefinitions=props["AttributeDefinitions"],
            BillingMode=props["BillingMode"],
            StreamSpecification={"StreamEnabled": True, **props["StreamSpecification"]})
        self.arn = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
        # botocore now names an account endpoint for streams, which moto does not route.
        self.streams = boto3.client("dynamodbstreams", region_name="us-east-1",
                                    endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com")
        self.store = DynamoStore(TABLE)
        self.client = TimedApiClient(timeout_s=1.0, allow_loopback_http=True)

    def records(self) -> list[dict[str, Any]]:
        """Every change since the table was made, as the stream has it."""
        (shard,) = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        iterator = self.streams.get_shard_iterator(
            StreamArn=self.arn, ShardId=shard["ShardId"],
            ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        found = self.streams.get_records(ShardIterator=iterator)["Records"]
        return [{**r, "eventSourceARN": self.arn} for r in found]

    def batch(self) -> list[dict[str, Any]]:
        """What the event source mapping hands the function: the records that pass the
        template's filter."""
        pattern = template_filter()
        return [r for r in self.records() if passes(pattern, r)]

    def handle(self, batch: list[dict[str, Any]], seconds: float = 20.0) -> list[str]:
        """The sender's handler on one batch; returns the item failures reported."""
        answer = alert_sender.handle_stream({"Records": batch}, Context(seconds))
        return [f["itemIdentifier"] for f in answer["batchItemFailures"]]


class Context:
    """Lambda's context: the time left."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def get_remaining_time_in_millis(self) -> int:
        return int(self.seconds * 1000)


@pytest.fixture
def stream(monkeypatch, lwa) -> Iterator[Stream]:
    fake_aws(monkeypatch)
    monkeypatch.setenv("ALERT_SENDER", "stream")  # as the skill function on AWS
    monkeypatch.setenv("TABLE_NAME", TABLE)
    with mock_aws():
        import boto3

        found = Stream(boto3)
        monkeypatch.setattr(alert_sender, "_stream_parts",
                            {"store": found.store, "client": found.client})
        yield found


def audience(call: dict[str, Any]) -> str:
    return call["body"]["relevantAudience"]["payload"]["user"]  # type: ignore[no-any-return]


def sequence(record: dict[str, Any]) -> str:
    return record["dynamodb"]["SequenceNumber"]  # type: ignore[no-any-return]


def test_the_filter_lets_only_new_alert_items_through(stream):
    mom, _ = linked(stream.store, carers=("daughter", "son"))
    check_in(mom, "mother", flags="emergency")
    everything = stream.records()
    batch = stream.batch()
    assert len(everything) > 10 and len(batch) == 2
    assert {r["eventName"] for r in batch} == {"INSERT"}
    assert all(r["dynamodb"]["Keys"]["sk"]["S"].startswith(alerts.PREFIX) for r in batch)
    assert FAKE.events() == [], "the skill's turn pushed nothing"


def test_one_event_per_caregiver_and_none_twice_when_the_batch_comes_again(stream):
    mom, carers = linked(stream.store, carers=("daughter", "son"))
    check_in(mom, "mother", flags="emergency")
    batch = stream.batch()
    assert stream.handle(batch) == []
    assert sorted(audience(c) for c in FAKE.delivered()) == sorted(c.user_id for c in carers)
    assert len({c["body"]["referenceId"] for c in FAKE.delivered()}) == 2
    assert stream.handle(batch) == [], "a retried batch"
    assert len(FAKE.events()) == 2, "sends nothing twice"
    assert stream.batch() == batch, "marking them sent (MODIFY) reaches nobody"
    for carer in carers:
        ((_, data),) = stream.store.query(user_pk(keys.user_key(carer.user_id)), alerts.PREFIX)
        assert data["delivery"]["state"] == "sent"
        assert "your mom's check-in said she should call 911" in carer.launch().text


def test_a_500_then_202_is_retried_with_backoff(stream):
    mom, (carer,) = linked(stream.store)
    check_in(mom, "mother", flags="urgent")
    FAKE.events_statuses = [500]
    assert stream.handle(stream.batch()) == []
    assert [c["status"] for c in FAKE.events()] == [500, 202]
    assert audience(FAKE.delivered()[0]) == carer.user_id


def test_a_403_is_final_and_recorded(stream):
    mom, (carer,) = linked(stream.store)
    check_in(mom, "mother", flags="emergency")
    FAKE.events_status = 403
    batch = stream.batch()
    assert stream.handle(batch) == [], "final: not handed back for retrying"
    ((_, data),) = stream.store.query(user_pk(keys.user_key(carer.user_id)), alerts.PREFIX)
    assert data["delivery"]["state"] == "refused" and data["delivery"]["status"] == 403
    FAKE.events_status = 202
    assert stream.handle(batch) == []
    assert len(FAKE.events()) == 1, "never tried again"
    assert "your mom's check-in said" in carer.launch().text, "heard at launch instead"


def test_a_hung_endpoint_is_a_batch_item_failure_then_delivered_on_the_retry(stream):
    mom, (carer,) = linked(stream.store)
    check_in(mom, "mother", flags="emergency")
    (record,) = stream.batch()
    FAKE.hang_events = True
    # The invocation has about 5 s left: the sender keeps CALL_S + 2 s in hand.
    assert stream.handle([record], seconds=alert_sender.CALL_S + 2 + 1.5) == [sequence(record)]
    assert FAKE.events() and FAKE.delivered() == []
    FAKE.hang_events = False
    FAKE.release.set()
    assert stream.handle([record]) == [], "Lambda's retry of the failed record"
    (call,) = FAKE.delivered()
    assert audience(call) == carer.user_id


def test_an_alert_whose_link_was_cut_is_dropped_not_sent(stream):
    mom, (carer,) = linked(stream.store)
    check_in(mom, "mother", flags="emergency")
    batch = stream.batch()
    mom.launch()
    mom.intent("StopSharingIntent")
    assert stream.handle(batch) == []
    assert FAKE.events() == []
    assert stream.store.query(user_pk(keys.user_key(carer.user_id)), alerts.PREFIX) == []


def test_the_packaged_entry_is_the_handler(stream, monkeypatch):
    """lambda/alert_sender.py builds the sender at import (the cold start) and hands
    each batch to it."""
    mom, _ = linked(stream.store)
    check_in(mom, "mother", flags="emergency")
    monkeypatch.setattr(alert_sender, "_stream_parts", {})
    spec = importlib.util.spec_from_file_location("alert_sender_entry",
                                                  ROOT / "lambda" / "alert_sender.py")
    entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entry)
    assert set(alert_sender._stream_parts) == {"store", "client"}
    alert_sender._stream_parts["client"] = stream.client  # the fake is on 127.0.0.1
    answer = entry.handler({"Records": stream.batch()}, Context(20))
    assert answer == {"batchItemFailures": []}
    assert soon(lambda: len(FAKE.delivered()) == 1)
