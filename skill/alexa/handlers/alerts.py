"""Caregiver alerts, agreed by voice on both sides (issue 14): the owner says "alert my
caregivers" and confirms; the caregiver says "send me alerts" (optionally "about mom")
and grants the notifications permission, asked for by voice (Connections.SendRequest
AskFor, as for reminders) with the permissions card as the fallback; "stop alerts" ends
either side. skill.checkins.alerts holds what is stored; skill.alexa.alert_flow queues
and skill.alexa.alert_sender sends."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill import metrics
from skill.alexa import alert_flow, ask_for, failures, persistence, proactive, triage_flow
from skill.alexa.base import ANSWERS, Handler, IntentHandler
from skill.alexa.handlers.account import slot_id, user_of
from skill.alexa.handlers.session import welcome
from skill.alexa.respond import content, empty, join, reply
from skill.alexa.state import Phase, conversation
from skill.checkins import alerts, people, sharing
from skill.store import Store, StoreError

logger = logging.getLogger(__name__)
STORAGE_FAILURES = metrics.Metric.STORAGE_FAILURES
NOTIFICATIONS = "alexa::devices:all:notifications:write"
TOKEN = "alerts:"  # the AskFor token: "alerts:" and the person asked about, if any


class AlertCaregiversHandler(IntentHandler):
    """ "Alert my caregivers": ask first, in plain words, what they will be told."""

    intents = ("AlertCaregiversIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        conversation(handler_input).confirm = "alerts"
        text = content(handler_input).say("alerts.owner_confirm")
        return reply(handler_input, text, reprompt=text)


class ConfirmAlertsHandler(IntentHandler):
    """Yes turns the owner's alerts on; anything else leaves them off."""

    intents = (*ANSWERS, "AMAZON.CancelIntent", "AMAZON.StopIntent")
    phases = (Phase.CONFIRM,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return super().can_handle(handler_input) and conversation(handler_input).confirm == "alerts"

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        conversation(handler_input).confirm = None
        prompt = triage_flow.next_prompt(handler_input)
        name = get_intent_name(handler_input)
        if name in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
            return reply(handler_input, c.say("alerts.owner_declined"), end=True)
        if name != "AMAZON.YesIntent":
            return reply(handler_input, join(c.say("alerts.owner_declined"), prompt), prompt)
        owner = failures.account_key(handler_input, failures.ALERTS_ON)
        speaker = persistence.speaker(handler_input.request_envelope)
        if speaker is None:
            raise failures.NoAccountKey(failures.ALERTS_ON, "no speaker")
        profile = persistence.profile(handler_input)
        profile.agree(speaker)  # for what this speaker says, nobody else
        if not persistence.save_profile(handler_input, profile):
            raise failures.ProfileUnavailable(failures.ALERTS_ON, "profile not saved")
        try:
            connected = sharing.is_shared(self.store, owner)
        except StoreError as exc:  # alerts are on; only the hint is unsure
            metrics.count(
                logger, STORAGE_FAILURES, "could not read sharing links (%s)", type(exc).__name__
            )
            connected = True
        key = "alerts.owner_on" if connected else "alerts.owner_on_nobody"
        return reply(handler_input, join(c.say(key), prompt), reprompt=prompt)


class MoreAlertsHandler(IntentHandler):
    """A caregiver's launch had more alerts than it reads at once: yes reads the next
    ones (the same way, and offers any still left); no carries on to the welcome."""

    intents = (*ANSWERS, "AMAZON.CancelIntent", "AMAZON.StopIntent")
    phases = (Phase.CONFIRM,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            super().can_handle(handler_input)
            and conversation(handler_input).confirm == "more_alerts"
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        state = conversation(handler_input)
        state.confirm = None
        name = get_intent_name(handler_input)
        if name in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
            return reply(handler_input, c.say("goodbye"), end=True)
        heard = alert_flow.Heard()  # no (or "I don't know"): the rest wait for next time
        if name == "AMAZON.YesIntent":
            heard = alert_flow.announce(handler_input, self.store)
        if heard.more:
            state.confirm = "more_alerts"
            offer = alert_flow.more(handler_input, heard.more)
            prompt = alert_flow.more_prompt(handler_input, heard.more)
            return reply(handler_input, join(heard.text, offer), reprompt=prompt)
        speech, reprompt = welcome(handler_input)
        return reply(handler_input, join(heard.text, speech), reprompt=reprompt)


class SendMeAlertsHandler(IntentHandler):
    """ "Send me alerts" / "send me alerts about mom", said by the caregiver."""

    intents = ("SendMeAlertsIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        label = slot_id(handler_input, "subject")
        return receive(handler_input, self.store, None if label == people.SELF else label)


class AlertPermissionHandler(Handler):
    """The answer to the notifications AskFor: agree to alerts if permission was given."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return ask_for.is_answer(handler_input, TOKEN)

    def handle(self, handler_input: HandlerInput) -> Response:
        asked = ask_for.token(handler_input).removeprefix(TOKEN)
        label = asked if asked in people.PEOPLE and asked != people.SELF else None
        if ask_for.accepted(handler_input):
            return receive(handler_input, self.store, label, granted=True)
        handler_input.response_builder.set_card(
            AskForPermissionsConsentCard(permissions=[NOTIFICATIONS])
        )
        return reply(handler_input, content(handler_input).say("alerts.declined"), end=True)


def receive(
    handler_input: HandlerInput, store: Store, label: str | None, granted: bool = False
) -> Response:
    """The caregiver agrees: check they can hear someone (that person, if named), get the
    notifications permission, then keep their user id for the Unicast audience."""
    c = content(handler_input)
    prompt = triage_flow.next_prompt(handler_input)
    envelope = handler_input.request_envelope
    viewer = failures.account_key(handler_input, failures.RECEIVE_ALERTS)
    user_id = persistence.user_id(envelope)
    if user_id is None:
        raise failures.NoAccountKey(failures.RECEIVE_ALERTS, "no user id")
    with failures.storage(failures.RECEIVE_ALERTS):  # nothing changed
        sources = sharing.shared_with_me(store, viewer)
    if not sources:
        return reply(handler_input, join(c.say("alerts.nobody_shares"), prompt), reprompt=prompt)
    if label and not any(s.label == label for s in sources):
        text = c.say("alerts.not_shared", label)
        return reply(handler_input, join(text, prompt), reprompt=prompt)
    if not granted and not has_permission(handler_input):
        return ask_permission(handler_input, label)
    system = getattr(envelope.context, "system", None)
    locale = getattr(envelope.request, "locale", None) or "en-US"
    endpoint = getattr(system, "api_endpoint", None)
    epoch = persistence.profile(handler_input).epoch
    with failures.storage(failures.RECEIVE_ALERTS):  # not agreed
        stored = alerts.receive(store, viewer, user_id, locale, endpoint, label, epoch=epoch)
    if not stored:  # the account was deleted, or the link went, meanwhile: not agreed
        raise failures.Failure(failures.RECEIVE_ALERTS, "deleted or unlinked meanwhile")
    text = c.say("alerts.receiving_about", label) if label else c.say("alerts.receiving")
    return reply(handler_input, join(text, prompt), reprompt=prompt)


def has_permission(handler_input: HandlerInput) -> bool:
    """Whether the request says the user granted notifications (Alexa lists granted
    scopes under user.permissions.scopes)."""
    envelope = handler_input.request_envelope
    system = getattr(envelope.context, "system", None)
    for user in (getattr(system, "user", None), getattr(envelope.session, "user", None)):
        scopes = getattr(getattr(user, "permissions", None), "scopes", None) or {}
        status = getattr(scopes.get(NOTIFICATIONS), "status", None)
        if getattr(status, "value", status) == "GRANTED":
            return True
    return False


def ask_permission(handler_input: HandlerInput, label: str | None) -> Response:
    """Who the alerts are about travels in the token."""
    return ask_for.ask(handler_input, NOTIFICATIONS, f"{TOKEN}{label or ''}")


class StopAlertsHandler(IntentHandler):
    """ "Stop alerts": this account neither alerts its caregivers nor gets alerts."""

    intents = ("StopAlertsIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        c = content(handler_input)
        prompt = triage_flow.next_prompt(handler_input)
        # On any failure, never pretend alerts stopped (failures.STOP_ALERTS's words).
        user = failures.account_key(handler_input, failures.STOP_ALERTS)
        speaker = persistence.speaker(handler_input.request_envelope)
        if speaker is None:
            raise failures.NoAccountKey(failures.STOP_ALERTS, "no speaker")
        profile = persistence.profile(handler_input)
        if persistence.failed(handler_input):
            raise failures.ProfileUnavailable(failures.STOP_ALERTS, "profile not read")
        sending = profile.withdraw(speaker)  # this speaker's; others' stand
        if sending and not persistence.save_profile(handler_input, profile):
            raise failures.ProfileUnavailable(failures.STOP_ALERTS, "profile not saved")
        with failures.storage(failures.STOP_ALERTS):
            if sending:
                alerts.stop_sending(self.store, user, speaker)  # and what they queued
            receiving = alerts.stop_receiving(self.store, user)
        key = {
            (True, True): "alerts.stopped_both",
            (True, False): "alerts.stopped_sending",
            (False, True): "alerts.stopped_receiving",
        }.get((sending, receiving), "alerts.nothing_to_stop")
        return reply(handler_input, join(c.say(key), prompt), reprompt=prompt)


class NotificationsOffHandler(Handler):
    """Skill events: the caregiver turned Leg Pain Guide's notifications off in the Alexa
    app, or took the permission back. Their user id is no longer kept; alerts wait for
    their launch. No speech (skill events have no session)."""

    EVENTS = (
        "AlexaSkillEvent.ProactiveSubscriptionChanged",
        "AlexaSkillEvent.SkillPermissionChanged",
    )

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) in self.EVENTS

    def handle(self, handler_input: HandlerInput) -> Response:
        body = getattr(handler_input.request_envelope.request, "body", None)
        if get_request_type(handler_input) == self.EVENTS[0]:
            names = {
                getattr(s, "event_name", None) for s in getattr(body, "subscriptions", None) or []
            }
            still = proactive.EVENT in names
        else:
            scopes = {
                getattr(p, "scope", None) for p in getattr(body, "accepted_permissions", None) or []
            }
            still = NOTIFICATIONS in scopes
        user = user_of(handler_input)
        if not still and user is not None:
            try:
                alerts.drop_user_id(self.store, user)
            except StoreError as exc:  # events take no speech; the metric alarms
                metrics.count(
                    logger, STORAGE_FAILURES, "could not drop a user id (%s)", type(exc).__name__
                )
        return empty(handler_input)
