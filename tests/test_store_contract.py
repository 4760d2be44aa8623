"""One behavioural suite for every Store backend: SQLite on a real file, and DynamoDB under
moto with a table built from infra/template.yaml's own key schema. Plus the DynamoDB
specifics: errors surface as StoreError, short timeouts, and boto3 stays lazy."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aws_support import ROOT, create_table_from_template, fake_aws, load_template
from moto import mock_aws

from skill.checkins import account
from skill.store import budget
from skill.store.base import StoreError, user_pk
from skill.store.sqlite import SqliteStore

TABLE = "leg-pain-guide-contract"
BACKENDS = ["sqlite", "dynamodb"]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A moto-backed DynamoDB resource (fake credentials, us-east-1)."""
    fake_aws(monkeypatch)
    with mock_aws():
        import boto3

        yield boto3.resource("dynamodb", region_name="us-east-1")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> Iterator[Any]:
    if request.param == "sqlite":
        yield SqliteStore(tmp_path / "store.sqlite3")
        return
    fake_aws(monkeypatch)
    with mock_aws():
        import boto3

        from skill.store.dynamodb import DynamoStore

        resource = boto3.resource("dynamodb", region_name="us-east-1")
        create_table_from_template(resource, TABLE)
        yield DynamoStore(TABLE)  # its own resource, created inside the mock


# --- the profile contract (skill.checkins.account on every backend) ------------------


def test_unknown_user_is_empty(store):
    assert account.load_profile(store, "nobody") == {}


def test_put_then_get_round_trips(store):
    attrs = {"visits": 3, "last": "2026-11-23T09:00:00+00:00", "consent": True,
             "nested": {"list": [1, 2.5, None, "x"], "empty": {}}, "ratio": 0.1}
    account.save_profile(store, "u1", attrs)
    assert account.load_profile(store, "u1") == attrs


def test_put_replaces_rather_than_merges(store):
    account.save_profile(store, "u1", {"visits": 1, "old": "gone soon"})
    account.save_profile(store, "u1", {"visits": 2})
    assert account.load_profile(store, "u1") == {"visits": 2}


def test_delete_removes_the_user(store):
    account.save_profile(store, "u1", {"visits": 1})
    account.forget(store, "u1")
    assert account.load_profile(store, "u1") == {}
    account.forget(store, "u1")  # deleting again is harmless
    account.forget(store, "never-seen")


def test_users_are_isolated(store):
    account.save_profile(store, "abc", {"who": "first"})
    account.save_profile(store, "abcd", {"who": "prefix sharer"})
    account.save_profile(store, "ABC", {"who": "other case"})
    account.forget(store, "abc")
    assert account.load_profile(store, "abc") == {}
    assert account.load_profile(store, "abcd") == {"who": "prefix sharer"}
    assert account.load_profile(store, "ABC") == {"who": "other case"}


def test_unicode_round_trips(store):
    attrs = {"name": "Zoë Ångström", "note": "Grüße — naïve café", "cjk": "脚の痛み",
             "emoji": "🦵💪", "ключ": "значение", "nul-ish": "a\u2028b"}
    account.save_profile(store, "ü-ser", attrs)
    assert account.load_profile(store, "ü-ser") == attrs


def test_forgetting_an_account_removes_every_item_of_it(store):
    pk = user_pk("u1")
    account.save_profile(store, "u1", {"visits": 1})
    for i in range(60):  # more than one BatchWriteItem (25) on DynamoDB
        store.put_item(pk, f"CHECKIN#self#2026-11-{i:02d}", {"pain": i % 11})
    store.put_item(user_pk("u2"), "CHECKIN#self#2026-11-01", {"pain": 1})
    account.forget(store, "u1")
    assert store.query(pk) == []
    assert account.load_profile(store, "u1") == {}
    assert store.query(user_pk("u2")) == [("CHECKIN#self#2026-11-01", {"pain": 1})]


# --- the item contract ---------------------------------------------------------------


def test_query_by_prefix_in_sort_key_order(store):
    pk = user_pk("u1")
    for sk in ["CHECKIN#self#2026-11-02", "PROFILE", "CHECKIN#mother#2026-11-01",
               "CHECKIN#self#2026-11-01", "GRANT#v"]:
        store.put_item(pk, sk, {"sk": sk})
    assert [sk for sk, _ in store.query(pk, "CHECKIN#self#")] == [
        "CHECKIN#self#2026-11-01", "CHECKIN#self#2026-11-02"]
    assert [sk for sk, _ in store.query(pk)] == sorted(
        ["CHECKIN#self#2026-11-02", "PROFILE", "CHECKIN#mother#2026-11-01",
         "CHECKIN#self#2026-11-01", "GRANT#v"])
    assert store.query(pk, "NOPE#") == []


def test_expired_items_are_invisible(store):
    pk, now = user_pk("u1"), int(time.time())
    store.put_item(pk, "CODE#old", {"v": 1}, expires_at=now - 1)
    store.put_item(pk, "CODE#new", {"v": 2}, expires_at=now + 3600)
    assert store.get_item(pk, "CODE#old") is None
    assert store.get_item(pk, "CODE#new") == {"v": 2}
    assert store.query(pk, "CODE#") == [("CODE#new", {"v": 2})]


def test_conditional_put_writes_only_over_nothing_or_expired(store):
    now = int(time.time())
    assert store.put_item("CODE#1", "CODE", {"owner": "a"}, expires_at=now + 60, if_absent=True)
    assert not store.put_item("CODE#1", "CODE", {"owner": "b"}, if_absent=True)
    assert store.get_item("CODE#1", "CODE") == {"owner": "a"}
    store.put_item("CODE#2", "CODE", {"owner": "a"}, expires_at=now - 5)
    assert store.put_item("CODE#2", "CODE", {"owner": "b"}, expires_at=now + 60, if_absent=True)
    assert store.get_item("CODE#2", "CODE") == {"owner": "b"}


def test_conditional_delete_reports_whether_a_live_item_was_there(store):
    now = int(time.time())
    store.put_item("CODE#1", "CODE", {"owner": "a"}, expires_at=now + 60)
    assert store.delete_item("CODE#1", "CODE", if_present=True)
    assert not store.delete_item("CODE#1", "CODE", if_present=True)
    assert store.delete_item("CODE#1", "CODE")  # unconditional: always fine
    store.put_item("CODE#2", "CODE", {"owner": "a"}, expires_at=now - 5)
    assert not store.delete_item("CODE#2", "CODE", if_present=True)


def test_values_round_trip_exactly(store):
    data = {"f": 0.1 + 0.2, "big": 2**53 + 1, "neg": -0.0, "s": "", "l": [], "b": False}
    store.put_item("P", "S", data)
    got = store.get_item("P", "S")
    assert got == data and json.dumps(got) == json.dumps(data)


# --- versions: a write only over the item that was read -----------------------------


def test_a_versioned_write_succeeds_only_over_the_version_that_was_read(store):
    assert store.get_versioned("P", "S") == (None, None)
    first = store.put_item("P", "S", {"n": 1}, if_absent=True)
    data, version = store.get_versioned("P", "S")
    assert data == {"n": 1} and version == first
    second = store.put_item("P", "S", {"n": 2}, if_version=version)
    assert second and second != version
    assert store.put_item("P", "S", {"n": 3}, if_version=version) is None, "changed meanwhile"
    assert store.get_item("P", "S") == {"n": 2}


def test_a_versioned_write_never_brings_back_a_deleted_item(store):
    store.put_item("P", "S", {"consent": True})
    _, version = store.get_versioned("P", "S")
    store.delete_item("P", "S")
    assert store.put_item("P", "S", {"consent": True, "visits": 4}, if_version=version) is None
    assert store.get_item("P", "S") is None


# --- counters ------------------------------------------------------------------------


def test_increment_counts_from_zero_and_returns_each_new_value(store):
    pk = user_pk("u1")
    assert [store.increment(pk, "TRIES") for _ in range(3)] == [1, 2, 3]
    assert store.increment(pk, "TRIES", -1) == 2
    assert store.increment(pk, "OTHER", 5) == 5
    assert store.get_item(pk, "TRIES") == {"count": 2}


def test_a_counter_keeps_its_first_window_and_starts_again_once_it_has_passed(store, monkeypatch):
    pk, now = user_pk("u1"), int(time.time())
    assert store.increment(pk, "TRIES", expires_at=now + 60) == 1
    assert store.increment(pk, "TRIES", expires_at=now + 3600) == 2  # the window stays
    monkeypatch.setattr(time, "time", lambda: now + 61)
    assert store.get_item(pk, "TRIES") is None
    assert store.increment(pk, "TRIES", expires_at=now + 61 + 60) == 1, "a new window"
    monkeypatch.setattr(time, "time", lambda: now + 100)
    assert store.increment(pk, "TRIES") == 2


def test_counters_go_with_their_partition(store):
    pk = user_pk("u1")
    store.increment(pk, "TRIES")
    store.put_item(pk, "PROFILE", {"visits": 1})
    assert [sk for sk, _ in store.query(pk)] == ["PROFILE", "TRIES"]
    account.forget(store, "u1")
    assert store.query(pk) == []
    assert store.increment(pk, "TRIES") == 1


def test_parallel_increments_on_one_sqlite_file_lose_nothing(tmp_path):
    """Threads with their own connections to one real file: the transaction is exact."""
    path = tmp_path / "store.sqlite3"
    SqliteStore(path)
    seen: list[int] = []
    barrier = threading.Barrier(16)

    def add() -> None:
        mine = SqliteStore(path)
        barrier.wait()
        seen.extend(mine.increment("C", "N") for _ in range(10))

    threads = [threading.Thread(target=add) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(1, 161)), "every value handed out exactly once"


def test_threads_sharing_one_sqlite_store_read_exactly_what_was_written(tmp_path):
    """The web server's threads and the local alert sender share one connection: a read
    beside other threads' writes still returns its own rows, never None or another's."""
    store = SqliteStore(tmp_path / "store.sqlite3")
    for i in range(40):
        store.put_item("READ", f"S{i:02}", {"i": i, "pad": "x" * 200})
    wrong: list[str] = []
    writing = threading.Event()
    writing.set()

    def read() -> None:
        for _ in range(60):
            for i in range(40):
                got = store.get_versioned("READ", f"S{i:02}")
                if got.data is None or got.data["i"] != i:
                    wrong.append(f"S{i:02}: {got.data!r}")
            if [sk for sk, _ in store.query("READ", "S")] != [f"S{i:02}" for i in range(40)]:
                wrong.append("query")

    def write() -> None:
        n = 0
        while writing.is_set():
            store.put_item("WRITE", f"S{n % 40:02}", {"n": n})
            n += 1

    readers = [threading.Thread(target=read) for _ in range(3)]
    writers = [threading.Thread(target=write) for _ in range(2)]
    for t in readers + writers:
        t.start()
    for t in readers:
        t.join()
    writing.clear()
    for t in writers:
        t.join()
    assert wrong == []


# --- the storage budget of a turn ----------------------------------------------------


@pytest.mark.parametrize("operation", ["get", "put", "query", "increment", "delete"])
def test_no_call_is_made_once_the_turns_budget_is_spent(store, operation):
    calls = {
        "get": lambda: store.get_item("P", "S"),
        "put": lambda: store.put_item("P", "S", {"a": 1}),
        "query": lambda: store.query("P"),
        "increment": lambda: store.increment("P", "N"),
        "delete": lambda: store.delete_partition("P"),
    }
    with budget.turn(0.0), pytest.raises(budget.BudgetSpent):
        calls[operation]()
    calls[operation]()  # outside a turn: no budget


# --- DynamoDB specifics --------------------------------------------------------------


def test_the_table_template_and_the_code_agree():
    from skill.store import dynamodb

    props = load_template()["Resources"]["Table"]["Properties"]
    assert props["KeySchema"] == dynamodb.KEY_SCHEMA
    assert props["AttributeDefinitions"] == dynamodb.ATTRIBUTE_DEFINITIONS
    assert props["TimeToLiveSpecification"] == {"AttributeName": dynamodb.TTL_ATTRIBUTE,
                                                "Enabled": True}


def test_create_table_helper_builds_the_same_table(aws):
    from skill.store.dynamodb import DynamoStore, create_table

    create_table("helper-made", aws)
    desc = aws.meta.client.describe_table(TableName="helper-made")["Table"]
    props = load_template()["Resources"]["Table"]["Properties"]
    assert desc["KeySchema"] == props["KeySchema"]
    ttl = aws.meta.client.describe_time_to_live(TableName="helper-made")
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"
    store = DynamoStore("helper-made", aws)
    account.save_profile(store, "u", {"ok": 1})
    assert account.load_profile(store, "u") == {"ok": 1}


def test_items_are_stored_in_the_documented_shape(aws):
    from skill.store.dynamodb import DynamoStore

    create_table_from_template(aws, TABLE)
    store = DynamoStore(TABLE, aws)
    account.save_profile(store, "u1", {"visits": 1})
    store.put_item(user_pk("u1"), "CHECKIN#self#2026-11-23T09:00:00+00:00", {"pain": 4},
                   expires_at=1_900_000_000)
    items = aws.Table(TABLE).scan()["Items"]
    by_sk = {item["sk"]: item for item in items}
    assert by_sk["PROFILE"]["pk"] == "USER#u1"
    assert json.loads(by_sk["PROFILE"]["data"]) == {"visits": 1}
    assert "expires_at" not in by_sk["PROFILE"]
    checkin = by_sk["CHECKIN#self#2026-11-23T09:00:00+00:00"]
    assert checkin["pk"] == "USER#u1" and int(checkin["expires_at"]) == 1_900_000_000


@pytest.mark.parametrize("operation", ["get", "put", "delete", "query", "put_if_absent"])
def test_a_missing_table_surfaces_as_store_error(aws, operation):
    from skill.store.dynamodb import DynamoStore

    store = DynamoStore("no-such-table", aws)
    calls = {
        "get": lambda: store.get_item("USER#u", "PROFILE"),
        "put": lambda: store.put_item("USER#u", "PROFILE", {"a": 1}),
        "delete": lambda: store.delete_partition("USER#u"),
        "query": lambda: store.query("USER#u"),
        "put_if_absent": lambda: store.put_item("P", "S", {}, if_absent=True),
    }
    with pytest.raises(StoreError, match="ResourceNotFoundException"):
        calls[operation]()


def test_an_unreachable_endpoint_surfaces_as_store_error(monkeypatch):
    """No moto here: a closed local port stands in for a network failure (never AWS)."""
    import boto3
    from botocore.config import Config

    from skill.store.dynamodb import DynamoStore

    fake_aws(monkeypatch)
    resource = boto3.resource(
        "dynamodb", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
        config=Config(connect_timeout=0.5, read_timeout=0.5, retries={"max_attempts": 1}))
    store = DynamoStore(TABLE, resource)
    started = time.monotonic()
    with pytest.raises(StoreError, match="EndpointConnectionError"):
        account.load_profile(store, "u")
    assert time.monotonic() - started < 5


def test_default_client_fails_fast_and_uses_the_lambda_region(aws, monkeypatch):
    from skill.store.dynamodb import DynamoStore

    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    config = DynamoStore(TABLE).client.meta.config
    assert config.region_name == "eu-west-1"
    assert config.connect_timeout <= 0.25 and config.read_timeout <= 0.5
    # botocore retries nothing: the store retries once, only while the turn's budget fits.
    assert config.retries["total_max_attempts"] == 1
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    assert DynamoStore(TABLE).client.meta.config.region_name == "us-west-2"


def test_open_store_picks_dynamodb_only_when_table_name_is_set(aws, monkeypatch, tmp_path):
    from skill.store import open_store
    from skill.store.dynamodb import DynamoStore

    monkeypatch.setenv("LEG_PAIN_DB", str(tmp_path / "s.sqlite3"))
    monkeypatch.delenv("TABLE_NAME", raising=False)
    assert isinstance(open_store(), SqliteStore)
    monkeypatch.setenv("TABLE_NAME", TABLE)
    store = open_store()
    assert isinstance(store, DynamoStore) and store.table_name == TABLE


def _modules_after(code: str, env: dict[str, str]) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.e2e
def test_boto3_is_not_imported_without_table_name(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LEG_PAIN_DB": str(tmp_path / "s.sqlite3"),
           "HOME": str(tmp_path), "PYTHONPATH": str(ROOT / "lambda")}
    mods = _modules_after("import lambda_function\n"
                          "from skill.store import open_store; open_store()", env)
    assert "skill.store.sqlite" in mods
    assert "boto3" not in mods and "botocore" not in mods
    mods = _modules_after("import skill.store.dynamodb", env)
    assert "boto3" not in mods  # even the module itself imports boto3 only on first use
