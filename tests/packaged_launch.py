"""Run one LaunchRequest through the *packaged* Lambda handler against a moto table.

Run as a subprocess by tests/test_infra.py: `python packaged_launch.py <package dir>`.
A fresh interpreter means `skill` and `lambda_function` come from the unpacked zip, not
from the repository. Prints one JSON object: the response and the table's items.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
TABLE = "leg-pain-guide-packaged"


def launch_event(user_id: str) -> dict[str, object]:
    application = {"applicationId": SKILL_ID}
    user = {"userId": user_id}
    return {
        "version": "1.0",
        "session": {"new": True, "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                    "application": application, "user": user},
        "context": {"System": {
            "application": application, "user": user,
            "device": {"deviceId": "device-1", "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com", "apiAccessToken": "token"}},
        "request": {"type": "LaunchRequest",
                    "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                    "timestamp": "2026-11-25T10:00:00Z", "locale": "en-US"},
    }


def main(package: Path) -> None:
    # Fake credentials first, then moto, then anything that may build a boto3 client.
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "TABLE_NAME": TABLE, "SKILL_ID": SKILL_ID,
    })
    os.environ.pop("AWS_PROFILE", None)
    from moto import mock_aws

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from aws_support import create_table_from_template

    with mock_aws():
        import boto3

        resource = boto3.resource("dynamodb", region_name="us-east-1")
        create_table_from_template(resource, TABLE)
        sys.path.insert(0, str(package))
        import lambda_function

        import skill

        response = lambda_function.handler(launch_event("amzn1.ask.account.PACKAGED"), None)
        items = resource.Table(TABLE).scan()["Items"]
        print(json.dumps({
            "lambda_function": lambda_function.__file__,
            "skill": skill.__file__,
            "response": response,
            "items": [{"pk": i["pk"], "sk": i["sk"], "data": i.get("data")} for i in items],
        }))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
