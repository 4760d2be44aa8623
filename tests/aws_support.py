"""Shared helpers for tests that touch AWS APIs — always under moto, never live AWS.

`import moto` happens here, at import time, before any boto3 client or resource exists
(style-notes E: boto3 copies event hooks when a client is created)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import moto  # noqa: F401 - imported first on purpose
import pytest
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"
REGION = "us-east-1"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and region, and no profile or config file that could point at
    a real account."""
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL",
                 "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")


def load_template() -> dict[str, Any]:
    """infra/template.yaml as a dict (CloudFormation short tags become Ref/Fn:: dicts)."""
    return yaml_parse(TEMPLATE.read_text())  # type: ignore[no-any-return]


def create_table_from_template(resource: Any, table_name: str) -> None:
    """Create a table with the template's own key schema, so template and tests agree."""
    props = load_template()["Resources"]["Table"]["Properties"]
    client = resource.meta.client
    client.create_table(
        TableName=table_name,
        KeySchema=props["KeySchema"],
        AttributeDefinitions=props["AttributeDefinitions"],
        BillingMode=props["BillingMode"],
    )
    ttl = props["TimeToLiveSpecification"]
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": ttl["Enabled"], "AttributeName": ttl["AttributeName"]},
    )
