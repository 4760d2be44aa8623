"""Run a launch and a whole check-in through the *packaged* Lambda handler against a
moto table.

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


SESSION = f"amzn1.echo-api.session.{uuid.uuid4()}"


def launch_event(user_id: str, request: dict[str, object] | None = None,
                 attributes: dict[str, object] | None = None) -> dict[str, object]:
    application = {"applicationId": SKILL_ID}
    user = {"userId": user_id}
    session: dict[str, object] = {"new": attributes is None, "sessionId": SESSION,
                                  "application": application, "user": user}
    if attributes is not None:
        session["attributes"] = attributes
    return {
        "version": "1.0",
        "session": session,
        "context": {"System": {
            "application": application, "user": user,
            "device": {"deviceId": "device-1", "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com", "apiAccessToken": "token"}},
        "request": {"requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                    "timestamp": "2026-11-25T10:00:00Z", "locale": "en-US",
                    **(request or {"type": "LaunchRequest"})},
    }


def intent(name: str, **slots: str) -> dict[str, object]:
    return {"type": "IntentRequest", "intent": {
        "name": name, "confirmationStatus": "NONE",
        "slots": {k: {"name": k, "value": v} for k, v in slots.items()}}}


CHECK_IN = [intent("CheckInIntent"), intent("AMAZON.YesIntent"),  # consent
            intent("PainScaleIntent", score="4"), intent("AMAZON.NoIntent"),
            intent("AMAZON.NoIntent"), intent("AMAZON.YesIntent")]


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

        user = "amzn1.ask.account.PACKAGED"
        response = lambda_function.handler(launch_event(user), None)
        attributes = response.get("sessionAttributes") or {}
        spoken = []
        for request in CHECK_IN:
            out = lambda_function.handler(launch_event(user, request, attributes), None)
            attributes = out.get("sessionAttributes") or {}
            spoken.append(out["response"]["outputSpeech"]["ssml"])
        items = resource.Table(TABLE).scan()["Items"]
        print(json.dumps({
            "lambda_function": lambda_function.__file__,
            "skill": skill.__file__,
            "response": response,
            "check_in": spoken,
            "items": [{"pk": i["pk"], "sk": i["sk"], "data": i.get("data")} for i in items],
        }))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
