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


def moment_phrase(content: Content, when: datetime, now: datetime) -> str:
    """When something happened, as spoken: this morning, last night, yesterday evening,
    Monday afternoon, November 25. `when` and `now` are in the same (device's) zone. The
    small hours belong to the night before ("Sunday night" for 2 AM on Monday)."""
    part = _part_of_day(when.hour)
    day = when.date() if when.hour >= 5 else date.fromordinal(when.date().toordinal() - 1)
    days = (now.date() - day).days
    parts = content.get("calendar.parts")
    if part == "night" and days <= 1:
        return content.say("calendar.moments.last_night")
    if days <= 0:
        return content.say("calendar.moments.this", part=parts[part])
    if days == 1:
        return content.say("calendar.moments.yesterday", part=parts[part])
    if days < 7:
        return content.say(
            "calendar.moments.weekday", weekday=weekday(content, day), part=parts[part]
        )
    return content.say("calendar.moments.older", date=date_words(content, day))


def _part_of_day(hour: int) -> str:
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    return "evening" if hour >= 17 else "night"
