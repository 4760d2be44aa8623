"""Daily check-in reminders through the Alexa Reminders API, asking for the reminders
permission through the voice consent flow (Connections.SendRequest AskFor) when missing."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.services import ApiConfiguration, ServiceException
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderManagementServiceClient,
    ReminderRequest,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill.alexa import slots
from skill.alexa.api_client import TimedApiClient
from skill.alexa.handlers import IntentHandler
from skill.alexa.respond import content, join, reply

logger = logging.getLogger(__name__)
SCOPE = "alexa::alerts:reminders:skill:readwrite"
# AMAZON.TIME can resolve to a part of the day rather than a clock time.
DAY_PARTS = {"MO": "09:00", "AF": "14:00", "EV": "19:00", "NI": "21:00"}
DEFAULT_TIME = "09:00"


def reminder_time(raw: str | None) -> str:
    raw = (raw or "").strip()
    if raw in DAY_PARTS:
        return DAY_PARTS[raw]
    try:
        parsed = datetime.strptime(raw, "%H:%M")
    except ValueError:
        return DEFAULT_TIME
    return parsed.strftime("%H:%M")


def create_daily_reminder(handler_input: HandlerInput, at: str) -> None:
    """Raises ServiceException (e.g. 401/403 without permission) or ApiClientException."""
    system = handler_input.request_envelope.context.system
    client = (
        handler_input.attributes_manager.request_attributes.get("api_client") or TimedApiClient()
    )
    service = ReminderManagementServiceClient(
        ApiConfiguration(
            serializer=DefaultSerializer(),
            api_client=client,
            authorization_value=system.api_access_token,
            api_endpoint=system.api_endpoint,
        )
    )
    hour, minute = (int(x) for x in at.split(":"))
    now = datetime.now().replace(microsecond=0)
    first = now.replace(hour=hour, minute=minute, second=0)
    if first <= now:
        first += timedelta(days=1)
    locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
    request = ReminderRequest(
        request_time=now.isoformat(),
        # No time zone given: Alexa uses the device's own.
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            scheduled_time=first.strftime("%Y-%m-%dT%H:%M:%S.000"),
            recurrence=Recurrence(
                start_date_time=first.strftime("%Y-%m-%dT%H:%M:%S.000"),
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
    service.create_reminder(request)


def set_reminder(handler_input: HandlerInput, at: str) -> Response:
    c = content(handler_input)
    prompt = c.say("reminders.next")
    try:
        create_daily_reminder(handler_input, at)
    except ServiceException as exc:
        if exc.status_code in (401, 403):
            return ask_permission(handler_input, at)
        logger.warning("reminder API refused: %s", exc.status_code)
        return reply(handler_input, join(c.say("reminders.failed"), prompt), reprompt=prompt)
    except Exception as exc:  # noqa: BLE001 - network faults: say so, keep the session
        logger.warning("reminder API failed: %s", type(exc).__name__)
        return reply(handler_input, join(c.say("reminders.failed"), prompt), reprompt=prompt)
    spoken = datetime.strptime(at, "%H:%M").strftime("%-I:%M %p").replace(":00", "")
    return reply(
        handler_input, join(c.say("reminders.created", time=spoken), prompt), reprompt=prompt
    )


def ask_permission(handler_input: HandlerInput, at: str) -> Response:
    """Alexa asks the person itself, then sends Connections.Response; the wanted time
    travels in the token because that response arrives as a fresh turn."""
    builder = handler_input.response_builder
    builder.add_directive(
        SendRequestDirective(
            name="AskFor",
            token=f"reminder:{at}",
            payload={
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}],
            },
        )
    )
    return builder.response


class ReminderHandler(IntentHandler):
    intents = ("ReminderIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        raw = getattr(
            slots.slot(handler_input.request_envelope.request.intent, "time"), "value", None
        )
        return set_reminder(handler_input, reminder_time(raw))


class PermissionResponseHandler(AbstractRequestHandler):  # type: ignore[misc]
    """The answer to AskFor: set the reminder if the person agreed."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return (
            is_request_type("Connections.Response")(handler_input)
            and getattr(request, "name", None) == "AskFor"
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        payload = request.payload if isinstance(request.payload, dict) else {}
        statuses = {payload.get("status")} | {
            s.get("status") for s in payload.get("permissionScopes", []) if isinstance(s, dict)
        }
        token = str(request.token or "")
        if "ACCEPTED" in statuses and token.startswith("reminder:"):
            return set_reminder(handler_input, reminder_time(token.split(":", 1)[1]))
        c = content(handler_input)
        handler_input.response_builder.set_card(AskForPermissionsConsentCard(permissions=[SCOPE]))
        return reply(handler_input, c.say("reminders.declined"), end=True)


REMINDER_HANDLERS = (ReminderHandler, PermissionResponseHandler)
