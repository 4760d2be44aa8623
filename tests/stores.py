"""The stores every behavioural suite runs on: SQLite on a real file, and DynamoDB under
moto once the DynamoDB backend is available. Import moto before any boto3 client."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skill.store.sqlite import SqliteStore

KINDS = ["sqlite"]
if importlib.util.find_spec("skill.store.dynamodb") and importlib.util.find_spec("moto"):
    KINDS.append("dynamodb")


def make_store(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if kind == "sqlite":
        yield SqliteStore(tmp_path / "store.sqlite3")
        return
    from moto import mock_aws  # before boto3 builds anything

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        from skill.store.dynamodb import DynamoStore, create_table

        create_table("leg-pain-test")
        yield DynamoStore("leg-pain-test")
