"""DynamoDB store: the production backend (chosen when TABLE_NAME is set).

Single-table design, the same item model as SQLite (see `skill.store.base`):

    pk (S, partition key) | sk (S, sort key) | data (S, JSON) | expires_at (N, TTL, epoch s)
    | rev (S, the item's version) | count (N, counters only: they have no data)

Every item of a user lives under pk = USER#<user key>, so deleting a user is one Query
plus batched deletes. DynamoDB's TTL sweep is lazy (items can linger for days), so reads
skip items whose `expires_at` has passed, exactly as SQLite does.

botocore is imported only when a store is used, and boto3 not at all: calls go through
low-level clients from the process's one botocore session (skill.aws), created at
Lambda's init (`prepare`). Values are typed here ({"S": ...}, {"N": ...}): the item model
has only strings and integers. `data` is a JSON string, so every value round-trips
exactly (no Decimal, no float rounding, no empty-set rules).
"""

from __future__ import annotations

import functools
import json
import random
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any, NamedTuple

from skill import clock
from skill.store import budget
from skill.store.base import StoreError, Versioned

# The key schema the table is created with. infra/template.yaml declares the same (a test
# compares them) — change both together.
KEY_SCHEMA = [
    {"AttributeName": "pk", "KeyType": "HASH"},
    {"AttributeName": "sk", "KeyType": "RANGE"},
]
ATTRIBUTE_DEFINITIONS = [
    {"AttributeName": "pk", "AttributeType": "S"},
    {"AttributeName": "sk", "AttributeType": "S"},
]
TTL_ATTRIBUTE = "expires_at"


# Alexa waits 8 s for the whole response and a turn may wait on storage about 1.5 s in all
# (skill.store.budget), so no call may eat that budget. botocore retries nothing itself: we
# retry once, only what is worth retrying, and only if the turn's budget still fits another
# attempt. Each attempt waits at most connect + read timeout; a slow table gets a second,
# quicker client once too little is left for the normal one.
class Timeouts(NamedTuple):
    connect_s: float
    read_s: float

    @property
    def worst_s(self) -> float:
        return self.connect_s + self.read_s


NORMAL = Timeouts(connect_s=0.25, read_s=0.5)
QUICK = Timeouts(connect_s=0.1, read_s=0.2)
MAX_ATTEMPTS = 2  # in total: the first try plus one retry
_BACKOFF_S = 0.025  # botocore's own base for DynamoDB (its throttling base is 1 s: too long)
_RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
_BATCH = 25  # BatchWriteItem's limit
_UNPROCESSED_ROUNDS = 4


def _new_client(timeouts: Timeouts = NORMAL) -> Any:
    from skill import aws

    return aws.client("dynamodb", timeouts.connect_s, timeouts.read_s, keepalive=True)


def _plain_client(given: Any) -> Any:
    """A low-level client like the one given. A boto3 resource's own client converts
    values to DynamoDB types itself, so a resource gives its region, endpoint and config
    to a new low-level client instead."""
    meta = getattr(given, "meta", None)
    if getattr(meta, "client", None) is None:
        return given  # already a client
    from skill import aws

    client_meta = given.meta.client.meta
    return aws.session().create_client(
        "dynamodb",
        region_name=client_meta.region_name,
        endpoint_url=client_meta.endpoint_url,
        config=client_meta.config,
    )


def _typed(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    return {"S": str(value)}


def _typed_all(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: _typed(value) for name, value in values.items()}


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """An item as the API returns it ({"pk": {"S": ...}}), as plain values."""
    out: dict[str, Any] = {}
    for name, typed in item.items():
        ((kind, value),) = typed.items()
        if kind == "N":
            value = int(value) if value.lstrip("-").isdigit() else float(value)
        out[name] = value
    return out


def _error(exc: Exception) -> StoreError:
    """A StoreError that names the failure (error code or class), never request data."""
    return StoreError(_code(exc))


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return str(code or type(exc).__name__)


def _retryable(exc: Exception) -> bool:
    from botocore.exceptions import ClientError, HTTPClientError
    from botocore.exceptions import ConnectionError as BotoConnectionError

    if isinstance(exc, ClientError):
        return _code(exc) in _RETRYABLE_CODES
    return isinstance(exc, BotoConnectionError | HTTPClientError)  # timeouts, resets, refusals


def _data(item: dict[str, Any]) -> dict[str, Any]:
    if "data" in item:
        return json.loads(item["data"])  # type: ignore[no-any-return]
    return {"count": int(item.get(COUNT_ATTRIBUTE, 0))}  # a counter


COUNT_ATTRIBUTE = "count"
VERSION_ATTRIBUTE = "rev"


class DynamoStore:
    def __init__(self, table_name: str, resource: Any | None = None) -> None:
        """`resource`: a botocore DynamoDB client, or a boto3 resource whose region,
        endpoint and config a low-level client copies (tests). By default clients come from
        the process's botocore session with short timeouts: `prepare` creates them now
        (Lambda's init), otherwise the first call does."""
        self.table_name = table_name
        self._given = resource
        self._clients: dict[Timeouts, Any] = {}
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Create the clients now (no network: a client connects on its first call)."""
        for timeouts in (NORMAL, QUICK):
            self._client_for(timeouts)

    @property
    def client(self) -> Any:
        """The normal client (the one made like a given resource's, if any)."""
        return self._client_for(NORMAL)

    def _client_for(self, timeouts: Timeouts) -> Any:
        if self._given is not None:
            timeouts = NORMAL
        client = self._clients.get(timeouts)
        if client is None:
            with self._lock:
                client = self._clients.get(timeouts)
                if client is None:
                    try:
                        if self._given is not None:
                            client = _plain_client(self._given)
                        else:
                            client = _new_client(timeouts)
                    except Exception as exc:
                        raise _error(exc) from exc
                    self._clients[timeouts] = client
        return client

    def _client_within(self, left: float) -> Any:
        """The client whose worst case fits what the turn has left."""
        if self._given is not None or left >= NORMAL.worst_s:
            return self._client_for(NORMAL)
        if left >= QUICK.worst_s:
            return self._client_for(QUICK)
        raise budget.BudgetSpent("BudgetSpent")

    def _call(self, operation: str, table: bool = True, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        if table:
            kwargs["TableName"] = self.table_name
        attempt = 1
        client = self._client_within(budget.check())
        while True:
            try:
                # botocore's timeouts bound each socket read, not the call: a table that
                # drips a byte at a time is abandoned at the turn's deadline instead.
                method = functools.partial(getattr(client, operation), **kwargs)
                return budget.call(method, budget.remaining(), "dynamodb")
            except (ClientError, BotoCoreError) as exc:
                if attempt >= MAX_ATTEMPTS or not _retryable(exc):
                    raise _error(exc) from exc
                try:
                    client = self._client_within(budget.remaining() - _BACKOFF_S)
                except budget.BudgetSpent:
                    raise _error(exc) from exc
                time.sleep(_BACKOFF_S * random.random())
                attempt += 1

    @staticmethod
    def _key(pk: str, sk: str) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"S": sk}}

    @staticmethod
    def _live(item: dict[str, Any], now: int) -> bool:
        expires = item.get(TTL_ATTRIBUTE)
        return expires is None or int(expires) > now

    @staticmethod
    def _is_condition_failure(exc: StoreError) -> bool:
        return str(exc) == "ConditionalCheckFailedException"

    def get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        return self.get_versioned(pk, sk).data

    def get_versioned(self, pk: str, sk: str) -> Versioned:
        # Strongly consistent: the next request of a conversation must see the last write.
        item = self._call("get_item", Key=self._key(pk, sk), ConsistentRead=True).get("Item")
        item = None if item is None else _plain(item)
        if item is None or not self._live(item, int(clock.now())):
            return Versioned(None, None)
        return Versioned(_data(item), item.get(VERSION_ATTRIBUTE))

    def put_item(
        self,
        pk: str,
        sk: str,
        data: dict[str, Any],
        expires_at: int | None = None,
        if_absent: bool = False,
        if_version: str | None = None,
    ) -> str | None:
        version = secrets.token_hex(8)
        item: dict[str, Any] = {
            "pk": pk,
            "sk": sk,
            "data": json.dumps(data, separators=(",", ":")),
            VERSION_ATTRIBUTE: version,
        }
        if expires_at is not None:
            item[TTL_ATTRIBUTE] = int(expires_at)
        kwargs: dict[str, Any] = {"Item": _typed_all(item)}
        if if_version is not None:
            # Only over the very item that was read: not changed, not deleted, not expired.
            kwargs["ConditionExpression"] = (
                "#rev = :rev AND (attribute_not_exists(#exp) OR #exp > :now)"
            )
            kwargs["ExpressionAttributeNames"] = {"#rev": VERSION_ATTRIBUTE, "#exp": TTL_ATTRIBUTE}
            kwargs["ExpressionAttributeValues"] = _typed_all(
                {":rev": if_version, ":now": int(clock.now())}
            )
        elif if_absent:
            # Write only over nothing or over an expired item the TTL sweep has not reached.
            kwargs["ConditionExpression"] = (
                "attribute_not_exists(pk) OR (attribute_exists(#exp) AND #exp <= :now)"
            )
            kwargs["ExpressionAttributeNames"] = {"#exp": TTL_ATTRIBUTE}
            kwargs["ExpressionAttributeValues"] = _typed_all({":now": int(clock.now())})
        try:
            self._call("put_item", **kwargs)
        except StoreError as exc:
            if "ConditionExpression" in kwargs and self._is_condition_failure(exc):
                return None
            raise
        return version

    def create_or_read(self, pk: str, sk: str, data: dict[str, Any]) -> tuple[Versioned, bool]:
        # One PutItem: written over nothing (or over an expired item), or refused with the
        # live item returned (ReturnValuesOnConditionCheckFailure), which is then the read.
        version = secrets.token_hex(8)
        item = {"pk": pk, "sk": sk, "data": json.dumps(data, separators=(",", ":"))}
        item[VERSION_ATTRIBUTE] = version
        try:
            self._call(
                "put_item",
                Item=_typed_all(item),
                ConditionExpression=(
                    "attribute_not_exists(pk) OR (attribute_exists(#exp) AND #exp <= :now)"
                ),
                ExpressionAttributeNames={"#exp": TTL_ATTRIBUTE},
                ExpressionAttributeValues=_typed_all({":now": int(clock.now())}),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except StoreError as exc:
            if not self._is_condition_failure(exc):
                raise
            response = getattr(exc.__cause__, "response", None) or {}
            found = response.get("Item")
            if not found:
                raise StoreError("ConditionalCheckFailedWithoutItem") from exc
            live = _plain(found)
            return Versioned(_data(live), live.get(VERSION_ATTRIBUTE)), False
        return Versioned(json.loads(item["data"]), version), True

    def delete_item(self, pk: str, sk: str, if_present: bool = False) -> bool:
        kwargs: dict[str, Any] = {"Key": self._key(pk, sk)}
        if if_present:
            # Only a live item counts: two callers racing for a one-time item, one wins.
            kwargs["ConditionExpression"] = (
                "attribute_exists(pk) AND (attribute_not_exists(#exp) OR #exp > :now)"
            )
            kwargs["ExpressionAttributeNames"] = {"#exp": TTL_ATTRIBUTE}
            kwargs["ExpressionAttributeValues"] = _typed_all({":now": int(clock.now())})
        try:
            self._call("delete_item", **kwargs)
        except StoreError as exc:
            if if_present and self._is_condition_failure(exc):
                return False
            raise
        return True

    def increment(self, pk: str, sk: str, by: int = 1, expires_at: int | None = None) -> int:
        # One UpdateItem: ADD is atomic on the server, and the condition refuses a counter
        # whose window has passed (TTL removes items lazily), which is then started afresh.
        now = int(clock.now())
        names = {"#n": COUNT_ATTRIBUTE, "#exp": TTL_ATTRIBUTE}
        values: dict[str, Any] = {":by": by, ":now": now}
        update = "ADD #n :by"
        if expires_at is not None:
            update = "SET #exp = if_not_exists(#exp, :exp) ADD #n :by"
            values[":exp"] = int(expires_at)
        for _ in range(2):
            try:
                out = self._call(
                    "update_item",
                    Key=self._key(pk, sk),
                    UpdateExpression=update,
                    ConditionExpression="attribute_not_exists(#exp) OR #exp > :now",
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=_typed_all(values),
                    ReturnValues="UPDATED_NEW",
                )
                return int(_plain(out["Attributes"])[COUNT_ATTRIBUTE])
            except StoreError as exc:
                if not self._is_condition_failure(exc):
                    raise
            if self._restart_expired(pk, sk, by, expires_at, now):
                return by
        raise StoreError("CounterContention")

    def _restart_expired(self, pk: str, sk: str, by: int, expires_at: int | None, now: int) -> bool:
        """Replace an expired counter with a fresh one; False if someone else did first."""
        item: dict[str, Any] = {"pk": pk, "sk": sk, COUNT_ATTRIBUTE: by}
        if expires_at is not None:
            item[TTL_ATTRIBUTE] = int(expires_at)
        try:
            self._call(
                "put_item",
                Item=_typed_all(item),
                ConditionExpression="#exp <= :now",
                ExpressionAttributeNames={"#exp": TTL_ATTRIBUTE},
                ExpressionAttributeValues=_typed_all({":now": now}),
            )
        except StoreError as exc:
            if self._is_condition_failure(exc):
                return False
            raise
        return True

    def _items(
        self,
        pk: str,
        sk_prefix: str = "",
        keys_only: bool = False,
    ) -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ConsistentRead": True,
        }
        if sk_prefix:
            kwargs["KeyConditionExpression"] += " AND begins_with(sk, :prefix)"
            kwargs["ExpressionAttributeValues"][":prefix"] = {"S": sk_prefix}
        if keys_only:
            kwargs["ProjectionExpression"] = "pk, sk"
        while True:
            page = self._call("query", **kwargs)
            yield from (_plain(item) for item in page.get("Items", []))
            if not page.get("LastEvaluatedKey"):
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def query(self, pk: str, sk_prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
        # DynamoDB returns sort keys in UTF-8 byte order, the same order as SQLite's BINARY.
        now = int(clock.now())
        items = self._items(pk, sk_prefix)
        return [(item["sk"], _data(item)) for item in items if self._live(item, now)]

    def delete_partition(self, pk: str) -> None:
        keys = [self._key(item["pk"], item["sk"]) for item in self._items(pk, keys_only=True)]
        for start in range(0, len(keys), _BATCH):
            self._batch_delete(keys[start : start + _BATCH])

    def _batch_delete(self, keys: list[dict[str, Any]]) -> None:
        requests = {self.table_name: [{"DeleteRequest": {"Key": key}} for key in keys]}
        for attempt in range(_UNPROCESSED_ROUNDS):
            result = self._call("batch_write_item", table=False, RequestItems=requests)
            requests = result.get("UnprocessedItems") or {}
            if not requests:
                return
            time.sleep(0.05 * 2**attempt)  # throttled: back off briefly, then retry the rest
        raise StoreError("UnprocessedItems")


def create_table(table_name: str, resource: Any | None = None, ttl: bool = True) -> None:
    """Create the table with the production key schema (tests, DynamoDB Local). In AWS
    the table comes from infra/template.yaml instead."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = resource.meta.client if resource is not None else _new_client()
    try:
        client.create_table(
            TableName=table_name,
            KeySchema=KEY_SCHEMA,
            AttributeDefinitions=ATTRIBUTE_DEFINITIONS,
            BillingMode="PAY_PER_REQUEST",
        )
        client.get_waiter("table_exists").wait(
            TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
        )
        if ttl:
            client.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
            )
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from exc
