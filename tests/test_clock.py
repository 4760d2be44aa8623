"""One clock: the product reads the time only through skill.clock, a turn sees one instant
(Alexa's timestamp when it is believable), and tests or the console can move it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from skill import clock

SKILL = Path(__file__).resolve().parent.parent / "skill"
READS_TIME = re.compile(
    r"time\.time\(|time\.monotonic\(|datetime\.now\(|datetime\.utcnow\(|date\.today\("
    r"|datetime\.today\(|time\.localtime\(|time\.gmtime\(|time\.perf_counter\("
)


def test_nothing_in_the_product_reads_the_time_but_the_clock():
    offenders = [
        f"{path.relative_to(SKILL)}:{number}"
        for path in SKILL.rglob("*.py")
        if path.name != "clock.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if READS_TIME.search(line)
    ]
    assert offenders == []


def test_a_frozen_clock_stays_put_and_advances_on_request():
    clock.set_clock(datetime(2030, 3, 1, tzinfo=UTC))
    assert clock.today_utc().isoformat() == "2030-03-01"
    clock.advance(86400)
    assert clock.today_utc().isoformat() == "2030-03-02"


def test_a_running_clock_starts_where_it_was_set():
    clock.set_clock(datetime(2031, 7, 4, 12, tzinfo=UTC), frozen=False)
    assert abs(clock.now() - datetime(2031, 7, 4, 12, tzinfo=UTC).timestamp()) < 5


def test_a_turn_uses_alexas_timestamp_when_it_is_close():
    clock.set_clock(datetime(2027, 1, 10, 9, 0, tzinfo=UTC))
    with clock.turn("2027-01-10T09:02:00Z") as at:
        assert clock.now() == at == datetime(2027, 1, 10, 9, 2, tzinfo=UTC).timestamp()
    assert clock.utcnow() == datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def test_a_turn_ignores_a_timestamp_far_from_the_system_clock():
    clock.set_clock(datetime(2027, 1, 10, 9, 0, tzinfo=UTC))
    for stamp in ("2020-01-01T00:00:00Z", "2027-01-10T09:00:00", "not a time", 12, None):
        with clock.turn(stamp):
            assert clock.utcnow() == datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
