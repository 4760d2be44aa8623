"""Daily check-in reminders through the Alexa Reminders API (the SDK's reminder
management service), asking for the permission through the voice consent flow
(Connections.SendRequest AskFor) when it is missing.

The first reminder is worked out in the device's own time zone: "9 am" asked at 8 am in
New York is today at 9, not tomorrow (Lambda's clock is UTC)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
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

from skill import clock
from skill.alexa import ask_for, slots
from skill.alexa.base import Handler, IntentHandler
from skill.alexa.respond import content, join, reply
from skill.alexa.timezone import device_zone, local_now
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


def reminder_request(handler_input: HandlerInput, at: str) -> ReminderRequest:
    zone = device_zone(handler_input)
    now = local_now(handler_input)
    first = first_occurrence(now, at).strftime(_STAMP)
    hour, minute = (int(x) for x in at.split(":"))
    locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
    # The SDK types the times below as datetime, but would write a datetime with its offset
    # and without milliseconds; Alexa's reminders take these stamps as written (the device's
    # local time, with the zone named apart), so they go as strings.
    return ReminderRequest(
        request_time=clock.utcnow().strftime(_STAMP),  # type: ignore[arg-type]
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
                content=[
                    SpokenText(locale=locale, text=content(handler_input).say("reminders.text"))
                ]
            )
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def set_reminder(handler_input: HandlerInput, at: str) -> Response:
    c = content(handler_input)
    prompt = c.say("reminders.next")
    try:
        service = handler_input.service_client_factory.get_reminder_management_service()
        service.create_reminder(reminder_request(handler_input, at))
    except ServiceException as exc:
        if exc.status_code in (401, 403):
            return ask_permission(handler_input, at)
        logger.warning("reminder API refused: %s", exc.status_code)
        return reply(handler_input, join(c.say("reminders.failed"), prompt), reprompt=prompt)
    except Exception as exc:  # noqa: BLE001 - network faults: say so, keep the session
        logger.warning("reminder API failed: %s", type(exc).__name__)
        return reply(handler_input, join(c.say("reminders.failed"), prompt), reprompt=prompt)
    hour, minute = (int(x) for x in at.split(":"))
    created = c.say("reminders.created", time=clock_time(c, hour, minute))
    return reply(handler_input, join(created, prompt), reprompt=prompt)


def ask_permission(handler_input: HandlerInput, at: str) -> Response:
    """The wanted time travels in the token."""
    return ask_for.ask(handler_input, SCOPE, f"{TOKEN}{at}")


class ReminderHandler(IntentHandler):
    intents = ("ReminderIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        intent = slots.intent_of(handler_input)
        at = reminder_time(getattr(slots.slot(intent, "time"), "value", None))
        if at is None:
            # One slot missing: ask for it, and Alexa listens for a time next.
            text = content(handler_input).say("reminders.ask_time")
            handler_input.response_builder.add_directive(slots.elicit(intent, "time"))
            return reply(handler_input, text, reprompt=text)
        return set_reminder(handler_input, at)


class PermissionResponseHandler(Handler):
    """The answer to AskFor: set the reminder if the person agreed. Registered after the
    alerts' own, it takes any other AskFor answer too (as declined)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return ask_for.is_answer(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        token = ask_for.token(handler_input)
        at = reminder_time(token.removeprefix(TOKEN)) if token.startswith(TOKEN) else None
        if ask_for.accepted(handler_input) and at:
            return set_reminder(handler_input, at)
        handler_input.response_builder.set_card(AskForPermissionsConsentCard(permissions=[SCOPE]))
        return reply(handler_input, content(handler_input).say("reminders.declined"), end=True)
