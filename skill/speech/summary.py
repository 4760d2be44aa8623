"""A caregiver's weekly summary in words."""

from __future__ import annotations

from skill.checkins.summary import Summary
from skill.content import Content


def summary_text(content: Content, s: Summary, subject: str | None, last_day: str = "") -> str:
    if s.count == 0:
        return content.say("summary.none", subject)
    count_key = "summary.count_one" if s.count == 1 else "summary.count"
    parts = [content.say(count_key, subject, count=s.count)]
    if last_day:
        parts.append(content.say("summary.last_day", subject, day=last_day))
    if s.first_pain is not None and s.count > 1:
        parts.append(content.say("summary.pain", first=s.first_pain, last=s.last_pain))
    if s.red_flag_days:
        parts.append(content.say("summary.flags", days=s.red_flag_days))
    else:
        parts.append(content.say("summary.flags_none"))
    if s.stretch_answers:
        parts.append(
            content.say("summary.stretches", done=s.stretch_days, answered=s.stretch_answers)
        )
    if s.last_outcome:
        parts.append(
            content.say("summary.last", outcome=content.say(f"summary.outcomes.{s.last_outcome}"))
        )
    return " ".join(parts)


def people_list(content: Content, labels: list[str], conjunction: str) -> str:
    """People as the listener knows them: "you and your mom", "your mom or your dad"."""
    names = [content.person(label)["who"] for label in labels]
    if len(names) <= 1:
        return "".join(names)
    joiner = content.say(f"summary.{conjunction}")
    return ", ".join(names[:-1]) + f" {joiner} " + names[-1]
