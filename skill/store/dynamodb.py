"""DynamoDB store: the production backend (chosen when TABLE_NAME is set).

Single-table design, the same item model as SQLite (see `skill.store.base`):

    pk (S, partition key) | sk (S, sort key) | data (S, JSON) | expires_at (N, TTL, epoch s)

Every item of a user lives under pk = USER#<user key>, so deleting a user is one Query
plus batched deletes. DynamoDB's TTL sweep is lazy (items can linger for days), so reads
skip items whose `expires_at` has passed, exactly as SQLite does.

boto3 is imported here only, and only when a store is used: the Lambda cold start pays
for it only when TABLE_NAME is set. Calls go through the resource's client (clients are
thread-safe; resource objects are not), which converts plain Python values to DynamoDB
types. `data` is a JSON string, so every value round-trips exactly (no Decimal, no float
rounding, no empty-set rules).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from skill.store.base import StoreError

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

# Alexa waits 8 s for the whole response and the function times out at 7 s, so one storage
# call may not eat that budget: fail fast, retry once, and let the skill degrade gracefully.
CONNECT_TIMEOUT_S = 1.0
READ_TIMEOUT_S = 2.0
MAX_ATTEMPTS = 2  # in total: the first try plus one retry ("standard" retry mode)
_BATCH = 25  # BatchWriteItem's limit
_UNPROCESSED_ROUNDS = 4


def _config() -> Any:
    from botocore.config import Config

    return Config(
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        tcp_keepalive=True,
    )


def _region() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


def _resource() -> Any:
    import boto3

    return boto3.resource("dynamodb", region_name=_region(), config=_config())


def _error(exc: Exception) -> StoreError:
    """A StoreError that names the failure (error code or class), never request data."""
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return StoreError(code or type(exc).__name__)


class DynamoStore:
    def __init__(self, table_name: str, resource: Any | None = None) -> None:
        """`resource` is a boto3 DynamoDB service resource (its client is used); by default
        one is created on first use, with short timeouts and one retry."""
        self.table_name = table_name
        self._given = resource
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    try:
                        resource = self._given if self._given is not None else _resource()
                        self._client = resource.meta.client
                    except Exception as exc:
                        raise _error(exc) from exc
        return self._client

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client
        try:
            return getattr(client, operation)(TableName=self.table_name, **kwargs)  # type: ignore[no-any-return]
        except (ClientError, BotoCoreError) as exc:
            raise _error(exc) from exc

    @staticmethod
    def _key(pk: str, sk: str) -> dict[str, Any]:
        return {"pk": pk, "sk": sk}

    @staticmethod
    def _live(item: dict[str, Any], now: int) -> bool:
        expires = item.get(TTL_ATTRIBUTE)
        return expires is None or int(expires) > now

    @staticmethod
    def _is_condition_failure(exc: StoreError) -> bool:
        return str(exc) == "ConditionalCheckFailedException"

    def get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        # Strongly consistent: the next request of a conversation must see the last write.
        item = self._call("get_item", Key=self._key(pk, sk), ConsistentRead=True).get("Item")
        if item is None or not self._live(item, int(time.time())):
            return None
        return json.loads(item["data"])  # type: ignore[no-any-return]

    def put_item(
        self,
        pk: str,
        sk: str,
        data: dict[str, Any],
        expires_at: int | None = None,
        if_absent: bool = False,
    ) -> bool:
        item: dict[str, Any] = {
            **self._key(pk, sk),
            "data": json.dumps(data, separators=(",", ":")),
        }
        if expires_at is not None:
            item[TTL_ATTRIBUTE] = int(expires_at)
        kwargs: dict[str, Any] = {"Item": item}
        if if_absent:
            # Write only over nothing or over an expired item the TTL sweep has not reached.
            kwargs["ConditionExpression"] = (
                "attribute_not_exists(pk) OR (attribute_exists(#exp) AND #exp <= :now)"
            )
            kwargs["ExpressionAttributeNames"] = {"#exp": TTL_ATTRIBUTE}
            kwargs["ExpressionAttributeValues"] = {":now": int(time.time())}
        try:
            self._call("put_item", **kwargs)
        except StoreError as exc:
            if if_absent and self._is_condition_failure(exc):
                return False
            raise
        return True

    def delete_item(self, pk: str, sk: str, if_present: bool = False) -> bool:
        kwargs: dict[str, Any] = {"Key": self._key(pk, sk)}
        if if_present:
            # Only a live item counts: two callers racing for a one-time item, one wins.
            kwargs["ConditionExpression"] = (
                "attribute_exists(pk) AND (attribute_not_exists(#exp) OR #exp > :now)"
            )
            kwargs["ExpressionAttributeNames"] = {"#exp": TTL_ATTRIBUTE}
            kwargs["ExpressionAttributeValues"] = {":now": int(time.time())}
        try:
            self._call("delete_item", **kwargs)
        except StoreError as exc:
            if if_present and self._is_condition_failure(exc):
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
            "ExpressionAttributeValues": {":pk": pk},
            "ConsistentRead": True,
        }
        if sk_prefix:
            kwargs["KeyConditionExpression"] += " AND begins_with(sk, :prefix)"
            kwargs["ExpressionAttributeValues"][":prefix"] = sk_prefix
        if keys_only:
            kwargs["ProjectionExpression"] = "pk, sk"
        while True:
            page = self._call("query", **kwargs)
            yield from page.get("Items", [])
            if not page.get("LastEvaluatedKey"):
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def query(self, pk: str, sk_prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
        # DynamoDB returns sort keys in UTF-8 byte order, the same order as SQLite's BINARY.
        now = int(time.time())
        return [
            (item["sk"], json.loads(item["data"]))
            for item in self._items(pk, sk_prefix)
            if self._live(item, now)
        ]

    def delete_partition(self, pk: str) -> None:
        keys = [self._key(item["pk"], item["sk"]) for item in self._items(pk, keys_only=True)]
        for start in range(0, len(keys), _BATCH):
            self._batch_delete(keys[start : start + _BATCH])

    def _batch_delete(self, keys: list[dict[str, Any]]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        requests = {self.table_name: [{"DeleteRequest": {"Key": key}} for key in keys]}
        for attempt in range(_UNPROCESSED_ROUNDS):
            try:
                result = self.client.batch_write_item(RequestItems=requests)
            except (ClientError, BotoCoreError) as exc:
                raise _error(exc) from exc
            requests = result.get("UnprocessedItems") or {}
            if not requests:
                return
            time.sleep(0.05 * 2**attempt)  # throttled: back off briefly, then retry the rest
        raise StoreError("UnprocessedItems")


def create_table(table_name: str, resource: Any | None = None, ttl: bool = True) -> None:
    """Create the table with the production key schema (tests, DynamoDB Local). In AWS
    the table comes from infra/template.yaml instead."""
    from botocore.exceptions import BotoCoreError, ClientError

    resource = resource if resource is not None else _resource()
    client = resource.meta.client
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
