"""Daily check-in reminders through the Alexa Reminders API (the SDK's reminder
management service), asking for the permission through the voice consent flow
(Connections.SendRequest AskFor) when it is missing.

The first reminder is worked out in the device's own time zone: "9 am" asked at 8 am in
New York is today at 9, not tomorrow (Lambda's clock is UTC)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from ask_sdk_model.services import ServiceException
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderRequest,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill.alexa import ask_for, slots
from skill.alexa.respond import join
from skill.alexa.turn import Reply, Turn
from skill.speech.dates import clock_time

logger = logging.getLogger(__name__)
SCOPE = "alexa::alerts:reminders:skill:readwrite"
TOKEN = "reminder:"  # the AskFor token: "reminder:" and the wanted time (HH:MM)
# AMAZON.TIME can resolve to a part of the day rather than a clock time.
DAY_PARTS = {"MO": "09:00", "AF": "14:00", "EV": "19:00", "NI": "21:00"}
_STAMP = "%Y-%m-%dT%H:%M:%S.000"


def reminder_time(raw: str | None) -> str | None:
    """ "HH:MM" from an AMAZON.TIME value, or None when there is no usable time."""
    raw = (raw or "").strip()
    if raw in DAY_PARTS:
        return DAY_PARTS[raw]
    try:
        return datetime.strptime(raw, "%H:%M").strftime("%H:%M")
    except ValueError:
        return None


def first_occurrence(now: datetime, at: str) -> datetime:
    """The next time the clock shows `at`, from `now` (both in the same zone)."""
    hour, minute = (int(x) for x in at.split(":"))
    first = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return first if first > now else first + timedelta(days=1)


def reminder_request(turn: Turn, at: str) -> ReminderRequest:
    zone = turn.zone
    first = first_occurrence(turn.local_now, at).strftime(_STAMP)
    hour, minute = (int(x) for x in at.split(":"))
    locale = turn.locale or "en-US"
    # The SDK types the times below as datetime, but would write a datetime with its offset
    # and without milliseconds; Alexa's reminders take these stamps as written (the device's
    # local time, with the zone named apart), so they go as strings.
    return ReminderRequest(
        request_time=turn.now.strftime(_STAMP),  # type: ignore[arg-type]
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            scheduled_time=first,  # type: ignore[arg-type]
            # Without a known zone Alexa reads scheduledTime in the device's own.
            time_zone_id=getattr(zone, "key", None),
            recurrence=Recurrence(
                start_date_time=first,  # type: ignore[arg-type]
                recurrence_rules=[
                    f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1;"
                ],
            ),
        ),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(
                content=[SpokenText(locale=locale, text=turn.content.say("reminders.text"))]
            )
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def set_reminder(turn: Turn, at: str) -> Reply:
    c = turn.content
    prompt = c.say("reminders.next")
    try:
        service = turn.service_clients.get_reminder_management_service()
        service.create_reminder(reminder_request(turn, at))
    except ServiceException as exc:
        if exc.status_code in (401, 403):
            # The wanted time travels in the token.
            return ask_for.ask(SCOPE, f"{TOKEN}{at}")
        logger.warning("reminder API refused: %s", exc.status_code)
        return Reply(join(c.say("reminders.failed"), prompt), reprompt=prompt)
    except Exception as exc:  # noqa: BLE001 - network faults: say so, keep the session
        logger.warning("reminder API failed: %s", type(exc).__name__)
        return Reply(join(c.say("reminders.failed"), prompt), reprompt=prompt)
    hour, minute = (int(x) for x in at.split(":"))
    created = c.say("reminders.created", time=clock_time(c, hour, minute))
    return Reply(join(created, prompt), reprompt=prompt)


def remind(turn: Turn) -> Reply:
    """ "Remind me to check in at nine": set it, or ask for the time first."""
    at = reminder_time(turn.slot_value("time"))
    if at is None:
        # One slot missing: ask for it, and Alexa listens for a time next.
        text = turn.content.say("reminders.ask_time")
        return Reply(text, reprompt=text, directives=(slots.elicit(turn.intent, "time"),))
    return set_reminder(turn, at)


def permission_answer(turn: Turn) -> Reply:
    """The answer to AskFor: set the reminder if the person agreed. It takes any AskFor
    answer not the alerts' too (as declined)."""
    token = ask_for.token(turn)
    at = reminder_time(token.removeprefix(TOKEN)) if token.startswith(TOKEN) else None
    if ask_for.accepted(turn) and at:
        return set_reminder(turn, at)
    card = AskForPermissionsConsentCard(permissions=[SCOPE])
    return Reply(turn.content.say("reminders.declined"), card=card, end=True)
