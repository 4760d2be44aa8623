"""Figures for caregiver alerts (issue 20): how long the owner's warning turn takes with
alerts on and off, while Login with Amazon and the Proactive Events API hang.

    .venv/bin/python infra/alert_figures.py [--rounds N]

Each round runs one emergency check-in for mom with alerts on (two caregivers linked, the
local fake of Alexa's APIs holding every event call) and one with alerts off (the same
links, the owner never agreed), interleaved, on SQLite (a real file) and on DynamoDB
(moto, in process). The time is the skill's answer only (`respond`, as Alexa waits for
it); the in-process sender works on its own thread meanwhile. Prints medians and 90th
percentiles in milliseconds, then how many events the fake accepted once let go.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def owner_with_carers(store, name: str, on: bool):  # noqa: ANN001, ANN201 - test helpers
    from support import Conversation
    from test_alerts import NOTIFY, alerts_on, check_in, connect, share, wants_alerts

    owner = Conversation(store=store, user=name)
    owner.settle = False
    check_in(owner, "mother")
    for n in range(2):
        carer = Conversation(store=store, user=f"{name}-carer-{n}", permissions=(NOTIFY,))
        connect(carer, share(owner))
        wants_alerts(carer)
    if on:
        alerts_on(owner)
    return owner


def warning_turn(owner) -> float:  # noqa: ANN001
    owner.launch()
    owner.intent("CheckInIntent", subject="mother")
    owner.intent("PainScaleIntent", score="5")
    turn = owner.yes()
    assert turn.text.startswith("This could be serious."), turn.text
    return turn.took


def measure(store, rounds: int, label: str) -> None:  # noqa: ANN001
    from alexa_fake import FAKE

    from skill.alexa import alert_sender, proactive

    FAKE.reset()
    proactive.forget_tokens()

    on = owner_with_carers(store, f"{label}-on", True)
    off = owner_with_carers(store, f"{label}-off", False)
    FAKE.hang_events = True
    times: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(rounds):
        times["on"].append(warning_turn(on))
        times["off"].append(warning_turn(off))
    FAKE.hang_events = False
    FAKE.release.set()
    alert_sender.settle_all(120)
    for key, values in times.items():
        values.sort()
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        print(f"{label:8} alerts {key:3}: median {statistics.median(values) * 1000:6.1f} ms, "
              f"p90 {p90 * 1000:6.1f} ms ({len(values)} warning turns)")
    print(f"{label:8} events accepted once let go: {len(FAKE.delivered())} "
          f"(expected {2 * rounds}), calls {len(FAKE.events())}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--stream",
        action="store_true",
        help="as the skill function on AWS (ALERT_SENDER=stream): the outbox write only, "
        "no in-process sender (so no event is sent here)",
    )
    args = parser.parse_args()
    os.environ.update(LWA_TOKEN_URL="", ALEXA_CLIENT_ID="")  # set below, once the fake runs
    from alexa_fake import CLIENT_ID, CLIENT_SECRET, TOKEN_PATH, start

    from skill import keys

    keys.allow_development_secret()
    fake = start()
    os.environ.update(LWA_TOKEN_URL=fake.url + TOKEN_PATH, ALEXA_CLIENT_ID=CLIENT_ID,
                      ALEXA_CLIENT_SECRET=CLIENT_SECRET)
    os.environ.pop("ALERT_SENDER", None)
    if args.stream:
        os.environ["ALERT_SENDER"] = "stream"
    from skill.store.sqlite import SqliteStore

    with tempfile.TemporaryDirectory() as tmp:
        measure(SqliteStore(Path(tmp) / "store.sqlite3"), args.rounds, "sqlite")
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}.items():
        os.environ[name] = value
    from moto import mock_aws

    with mock_aws():
        from skill.store.dynamodb import DynamoStore, create_table

        create_table("alert-figures")
        measure(DynamoStore("alert-figures"), args.rounds, "dynamodb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
