"""The calendar behind "since Christmas", "since Easter", "since Diwali": right in any
year, and a loud failure a full year before the Diwali list runs out."""

from __future__ import annotations

from datetime import date

import pytest
from holidays.calendars.hindu import _HinduLunisolar

from skill import clock
from skill.triage import durations


@pytest.mark.parametrize("year", [2026, 2027, 2030, 2031, 2040])
def test_easter_is_easter_sunday_in_any_year(year):
    days = durations.days_since("easter", date(year, 12, 31))
    easter = date.fromordinal(date(year, 12, 31).toordinal() - int(days))
    assert easter.weekday() == 6 and easter.month in (3, 4)


def test_every_listed_diwali_matches_the_holidays_library():
    india = _HinduLunisolar()
    for year, day in durations.DIWALI.items():
        assert india.diwali_india_date(year)[0] == day, year


def test_since_diwali_counts_from_the_latest_diwali():
    assert durations.days_since("diwali", date(2030, 11, 5)) == 10.0  # 26 October 2030
    assert durations.days_since("diwali", date(2031, 1, 5)) == 71.0  # last year's


def test_since_diwali_past_the_list_is_unknown_not_years_ago():
    last = max(durations.DIWALI)
    assert durations.days_since("diwali", date(last + 3, 12, 1)) is None


def test_the_diwali_list_reaches_a_full_year_past_today():
    """Fails a year before "since Diwali" would stop being understood: extend the list
    from the `holidays` package (this test checks it)."""
    assert max(durations.DIWALI) >= clock.today_utc().year + 1
