"""Dates and times in the locale's words ("since Monday", "25 November", "9 AM").

Callers pass datetimes already in the device's time zone; nothing here reads a clock.
"""

from __future__ import annotations

from datetime import date, datetime

from skill.content import Content


def day_phrase(content: Content, when: datetime, today: date) -> str:
    """How long ago a day was, as spoken: earlier today, yesterday, Monday, November 25."""
    days = (today - when.date()).days
    if days <= 0:
        return content.say("checkin.days.today")
    if days == 1:
        return content.say("checkin.days.yesterday")
    if days < 7:
        return content.say("checkin.days.weekday", weekday=weekday(content, when))
    return content.say("checkin.days.older", date=date_words(content, when))


def weekday(content: Content, when: date) -> str:
    return str(content.get("calendar.weekdays")[when.weekday()])


def date_words(content: Content, when: date) -> str:
    pattern = content.overlay.get("date_pattern") or content.get("calendar.date")
    month = content.get("calendar.months")[when.month - 1]
    return content.fill(str(pattern), month=month, day=when.day)


def clock_time(content: Content, hour: int, minute: int) -> str:
    """A time of day as spoken: 9 AM, 7:30 PM."""
    half = content.get("calendar.halves")[hour >= 12]
    key = "calendar.time_on_the_hour" if minute == 0 else "calendar.time"
    return content.say(key, hour=hour % 12 or 12, minute=f"{minute:02d}", half=half)
