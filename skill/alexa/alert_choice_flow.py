"""Caregiver alerts, agreed by voice on both sides (issue 14): the owner says "alert my
caregivers" and confirms; the caregiver says "send me alerts" (optionally "about mom")
and grants the notifications permission, asked for by voice (Connections.SendRequest
AskFor, as for reminders) with the permissions card as the fallback; "stop alerts" ends
either side. skill.checkins.alerts holds what is stored; skill.alexa.alert_flow queues
and speaks alerts, skill.alexa.alert_sender sends them; this module holds the choices."""

from __future__ import annotations

import logging

from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill import metrics
from skill.alexa import alert_flow, ask_for, failures, proactive, prompts, session_flow
from skill.alexa.respond import join
from skill.alexa.turn import NOTHING, Reply, Turn
from skill.checkins import alerts, people, sharing
from skill.store import StoreError

logger = logging.getLogger(__name__)
STORAGE_FAILURES = metrics.Metric.STORAGE_FAILURES
NOTIFICATIONS = "alexa::devices:all:notifications:write"
TOKEN = "alerts:"  # the AskFor token: "alerts:" and the person asked about, if any
STOPPING = ("AMAZON.StopIntent", "AMAZON.CancelIntent")


# --- the owner ------------------------------------------------------------------------------


def ask_owner(turn: Turn) -> Reply:
    """ "Alert my caregivers": ask first, in plain words, what they will be told."""
    turn.state.confirm = "alerts"
    text = turn.content.say("alerts.owner_confirm")
    return Reply(text, reprompt=text)


def owner_answer(turn: Turn) -> Reply:
    """Yes turns this speaker's alerts on; anything else leaves them off."""
    c = turn.content
    turn.state.confirm = None
    prompt = prompts.after_side(turn)
    if turn.intent_name in STOPPING:
        return Reply(c.say("alerts.owner_declined"), end=True)
    if turn.intent_name != "AMAZON.YesIntent":
        return Reply(join(c.say("alerts.owner_declined"), prompt), prompt)
    owner = failures.account_key(turn, failures.ALERTS_ON)
    speaker = failures.speaker(turn, failures.ALERTS_ON)
    profile = turn.profile()
    profile.agree(speaker)  # for what this speaker says, nobody else
    if not turn.save_profile(profile):
        raise failures.ProfileUnavailable(failures.ALERTS_ON, "profile not saved")
    try:
        # Another voice's share is not this speaker's: "nobody yet" unless a link covers
        # something this speaker says.
        connected = sharing.shares_speaker(turn.store, owner, speaker)
    except StoreError as exc:  # alerts are on; only the hint is unsure
        metrics.count(
            logger, STORAGE_FAILURES, "could not read sharing links (%s)", type(exc).__name__
        )
        connected = True
    key = "alerts.owner_on" if connected else "alerts.owner_on_nobody"
    return Reply(join(c.say(key), prompt), reprompt=prompt)


# --- the caregiver --------------------------------------------------------------------------


def more_answer(turn: Turn) -> Reply:
    """A caregiver's launch had more alerts than it reads at once: yes reads the next
    ones (the same way, and offers any still left); no carries on to the welcome."""
    turn.state.confirm = None
    if turn.intent_name in STOPPING:
        return Reply(turn.content.say("goodbye"), end=True)
    heard = alert_flow.Heard()  # no (or "I don't know"): the rest wait for next time
    if turn.intent_name == "AMAZON.YesIntent":
        heard = alert_flow.announce(turn)
    return session_flow.after_alerts(turn, heard)


def send_me(turn: Turn) -> Reply:
    """ "Send me alerts" / "send me alerts about mom", said by the caregiver."""
    label = turn.slot_id("subject")
    return receive(turn, None if label == people.SELF else label)


def permission_answer(turn: Turn) -> Reply:
    """The answer to the notifications AskFor: agree to alerts if permission was given."""
    asked = ask_for.token(turn).removeprefix(TOKEN)
    label = asked if asked in people.PEOPLE and asked != people.SELF else None
    if ask_for.accepted(turn):
        return receive(turn, label, granted=True)
    card = AskForPermissionsConsentCard(permissions=[NOTIFICATIONS])
    return Reply(turn.content.say("alerts.declined"), card=card, end=True)


def receive(turn: Turn, label: str | None, granted: bool = False) -> Reply:
    """The caregiver agrees: check they can hear someone (that person, if named), get the
    notifications permission, then keep their user id for the Unicast audience."""
    c = turn.content
    prompt = prompts.after_side(turn)
    viewer = failures.account_key(turn, failures.RECEIVE_ALERTS)
    user_id = turn.user_id
    if user_id is None:
        raise failures.NoAccountKey(failures.RECEIVE_ALERTS, "no user id")
    with failures.storage(failures.RECEIVE_ALERTS):  # nothing changed
        sources = sharing.shared_with_me(turn.store, viewer)
    if not sources:
        return Reply(join(c.say("alerts.nobody_shares"), prompt), reprompt=prompt)
    if label and not any(s.label == label for s in sources):
        text = c.say("alerts.not_shared", label)
        return Reply(join(text, prompt), reprompt=prompt)
    if not granted and not turn.granted(NOTIFICATIONS):
        # Who the alerts are about travels in the token.
        return ask_for.ask(NOTIFICATIONS, f"{TOKEN}{label or ''}")
    locale = turn.locale or "en-US"
    profile = turn.profile()
    epoch = profile.epoch
    if profile.hears_alerts is not True:
        # Kept first: an account whose profile says it never asked looks for no alerts
        # at launch, so the profile must say so before any alert can wait for it.
        profile.hears_alerts = True
        if not turn.save_profile(profile):
            raise failures.ProfileUnavailable(failures.RECEIVE_ALERTS, "profile not saved")
    with failures.storage(failures.RECEIVE_ALERTS):  # not agreed
        stored = alerts.receive(
            turn.store, viewer, user_id, locale, turn.api_endpoint, label, epoch=epoch
        )
    if not stored:  # the account was deleted, or the link went, meanwhile: not agreed
        raise failures.Failure(failures.RECEIVE_ALERTS, "deleted or unlinked meanwhile")
    text = c.say("alerts.receiving_about", label) if label else c.say("alerts.receiving")
    return Reply(join(text, prompt), reprompt=prompt)


# --- either side ----------------------------------------------------------------------------


def stop(turn: Turn) -> Reply:
    """ "Stop alerts": this speaker no longer alerts the caregivers, and the account no
    longer gets alerts."""
    c = turn.content
    prompt = prompts.after_side(turn)
    # On any failure, never pretend alerts stopped (failures.STOP_ALERTS's words).
    user = failures.account_key(turn, failures.STOP_ALERTS)
    speaker = failures.speaker(turn, failures.STOP_ALERTS)
    profile = turn.profile()
    if turn.profile_failed:
        raise failures.ProfileUnavailable(failures.STOP_ALERTS, "profile not read")
    sending = profile.withdraw(speaker)  # this speaker's; others' stand
    if sending and not turn.save_profile(profile):
        raise failures.ProfileUnavailable(failures.STOP_ALERTS, "profile not saved")
    with failures.storage(failures.STOP_ALERTS):
        if sending:
            alerts.stop_sending(turn.store, user, speaker)  # and what they queued
        receiving = alerts.stop_receiving(turn.store, user)
    key = {
        (True, True): "alerts.stopped_both",
        (True, False): "alerts.stopped_sending",
        (False, True): "alerts.stopped_receiving",
    }.get((sending, receiving), "alerts.nothing_to_stop")
    return Reply(join(c.say(key), prompt), reprompt=prompt)


NOTIFICATION_EVENTS = (
    "AlexaSkillEvent.ProactiveSubscriptionChanged",
    "AlexaSkillEvent.SkillPermissionChanged",
)


def notifications_changed(turn: Turn) -> Reply:
    """Skill events: the caregiver turned Leg Pain Guide's notifications off in the Alexa
    app, or took the permission back. Their user id is no longer kept; alerts wait for
    their launch. No speech (skill events have no session)."""
    body = getattr(turn.request, "body", None)
    if turn.request_type == NOTIFICATION_EVENTS[0]:
        names = {getattr(s, "event_name", None) for s in getattr(body, "subscriptions", None) or []}
        still = proactive.EVENT in names
    else:
        scopes = {
            getattr(p, "scope", None) for p in getattr(body, "accepted_permissions", None) or []
        }
        still = NOTIFICATIONS in scopes
    user = turn.user_key
    if not still and user is not None:
        try:
            alerts.drop_user_id(turn.store, user)
        except StoreError as exc:  # events take no speech; the metric alarms
            metrics.count(
                logger, STORAGE_FAILURES, "could not drop a user id (%s)", type(exc).__name__
            )
    return NOTHING
