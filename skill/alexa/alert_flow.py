"""Caregiver alerts in the conversation: after a warning, put an alert in the outbox for
each caregiver who agreed; at a caregiver's launch, say what happened.

A flow that gives an emergency or urgent outcome calls `note` at the moment it records
it. Consent is per speaker (skill.checkins.alerts): the turn's speaker (the recognised
voice, or the account's "self") must have agreed, and the caregiver's link must share
that speaker's check-ins of the person. `note` writes the outbox there and then
(skill.checkins.alerts.queue: one ALERT# item per caregiver, within the warning's
storage allowance, budget.WARNING_S) and makes no network call: so the alert is written
whether or not a later step of the handler raises (the SDK skips response interceptors
when an exception handler answers), and the warning never waits on Login with Amazon or
the Proactive Events API. Delivery belongs to the sender (skill.alexa.alert_sender): on
AWS the table's stream hands each new alert to AlertSenderFunction; locally the skill's
in-process sender is woken here. An alert that could not be written logs a line starting
"alert failure" (a metric filter counts those lines, infra/template.yaml). Logs carry no
ids and no health words.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import NamedTuple

from skill import keys, metrics
from skill.alexa.respond import join
from skill.alexa.turn import Turn
from skill.checkins import alerts, sharing
from skill.checkins.profile import Profile
from skill.content import Content, for_locale
from skill.speech.dates import moment_phrase
from skill.store import StoreError, budget
from skill.triage.levels import Disposition

logger = logging.getLogger(__name__)
STORAGE_FAILURES = metrics.Metric.STORAGE_FAILURES
MAX_SPOKEN = 3  # people whose alerts are read at one launch
FAILURE = "alert failure"  # every failed alert logs a line starting so, counted as
ALERT_FAILURES = metrics.Metric.ALERT_FAILURES  # one metric (skill.metrics)


def note(turn: Turn, level: Disposition, profile: str, source: str) -> None:
    """An outcome was given: if the level calls for it (skill.triage.levels) and the
    owner agreed, queue an alert for each caregiver who agreed, now, and wake the local
    sender. Never raises: the warning is what matters in this turn."""
    if not level.alerts_caregivers:
        return
    if turn.state.triage.facts.get(VIA) == "checkin":
        source = "checkin"
    if not turn.has_services:
        metrics.count(
            logger, ALERT_FAILURES, "%s: the skill was built without its alert services", FAILURE
        )
        return
    services = turn.services
    try:
        queued = queue(turn, level, profile, source)
    except Exception as exc:  # noqa: BLE001 - nothing was queued, so nobody will hear it
        metrics.count(
            logger,
            ALERT_FAILURES,
            "%s: could not queue the alert (%s)",
            FAILURE,
            type(exc).__name__,
        )
        return
    if queued and services.alert_sender is not None:
        services.alert_sender.wake(queued)


VIA = "via"  # a triage fact: "checkin" when it began with a sign said in a check-in


def from_checkin(turn: Turn) -> None:
    """A warning sign said in the middle of a check-in: the outcome it leads to (this turn,
    or once the sign is confirmed) is that check-in's."""
    turn.state.triage.facts[VIA] = "checkin"


def queue(turn: Turn, level: Disposition, profile: str, source: str) -> list[tuple[str, str]]:
    """The outbox write, within the warning's storage allowance (nested in a check-in's
    own, it shares that one). Returns the keys of the alerts written."""
    owner = turn.user_key
    if owner is None:
        return []
    request_id = turn.request_id
    # From the request: a replayed request queues nothing twice.
    alert_id = keys.request_key(request_id) if request_id else secrets.token_hex(8)
    # Only the speaker who agreed alerts, and only about their own people: another voice
    # or a guest on the same account never alerts someone else's caregiver.
    speaker = turn.speaker
    if speaker is None:
        return []
    with budget.tight():
        item = turn.profile_item()
        if not item and turn.profile_failed:
            raise StoreError("the account's choice could not be read")
        chose = Profile.from_item(item)
        if speaker not in chose.alerts_by:
            return []  # this speaker has not agreed
        return alerts.queue(
            turn.store,
            owner,
            profile,
            str(level),
            source,
            turn.locale,
            alert_id,
            by=speaker,
            epoch=chose.epoch,
        )


# --- what the caregiver hears --------------------------------------------------------------


class Heard(NamedTuple):
    """What a launch says about alerts, and how many people's alerts still wait."""

    text: str = ""
    more: int = 0


def announce(turn: Turn) -> Heard:
    """At launch (or when a caregiver asks to hear more): the most serious alerts waiting
    for this account, at most MAX_SPOKEN people's; only those spoken are gone, and `more`
    counts the people still waiting. Nothing to say when none (or when storage cannot
    say: the launch goes on)."""
    viewer = turn.user_key
    if viewer is None:
        return Heard()
    if turn.profile().hears_alerts is False:
        return Heard()  # never asked for alerts, so none can wait: no query
    try:
        found = alerts.waiting(turn.store, viewer)
    except StoreError as exc:  # the launch goes on; they wait for next time
        metrics.count(logger, STORAGE_FAILURES, "could not read alerts (%s)", type(exc).__name__)
        return Heard()
    if not found:
        return Heard()
    people = ranked(found)
    now, rest = people[:MAX_SPOKEN], people[MAX_SPOKEN:]
    text = spoken(turn, [first for first, _ in now])
    try:
        alerts.heard(turn.store, viewer, [a for _, theirs in now for a in theirs])
    except StoreError as exc:  # heard again next time, never lost
        metrics.count(
            logger, STORAGE_FAILURES, "could not clear heard alerts (%s)", type(exc).__name__
        )
    return Heard(text, len(rest))


def ranked(found: list[alerts.Alert]) -> list[tuple[alerts.Alert, list[alerts.Alert]]]:
    """One entry per person: the alert to speak (their most serious level, since it was
    first given) and all their alerts (heard together). The most serious first, then the
    newest at that level first."""
    theirs: dict[tuple[str, str], list[alerts.Alert]] = {}
    for alert in found:  # oldest first
        theirs.setdefault((alert.owner, alert.profile), []).append(alert)
    people = []
    for group in theirs.values():
        top = max(_rank(a) for a in group)
        at_top = [a for a in group if _rank(a) == top]
        people.append((at_top[0], group, at_top[-1].at))
    people.sort(key=lambda p: (_rank(p[0]), p[2]), reverse=True)
    return [(first, group) for first, group, _ in people]


def more(turn: Turn, count: int) -> str:
    """ "You have two more. Want to hear them?" """
    c = turn.content
    numbers = c.get("alerts.numbers")
    word = numbers.get(str(count), str(count)) if isinstance(numbers, dict) else str(count)
    return c.say("alerts.more.one" if count == 1 else "alerts.more.many", count=word)


def more_prompt(turn: Turn, count: int = 2) -> str:
    c = turn.content
    return c.say("alerts.more_prompt.one" if count == 1 else "alerts.more_prompt.many")


def spoken(turn: Turn, chosen: list[alerts.Alert]) -> str:
    """One sentence per person, in the order given: the most serious advice, since it was
    first given."""
    c = turn.content
    now = turn.local_now
    zone = turn.zone
    return join(*(_sentence(c, a, a.at.astimezone(zone), now) for a in chosen))


def _rank(alert: alerts.Alert) -> int:
    level = Disposition.parse(alert.level)
    return level.rank if level else -1


def _sentence(c: Content, alert: alerts.Alert, when: datetime, now: datetime) -> str:
    level = Disposition.parse(alert.level) or Disposition.URGENT
    # The advice as it was given, with the emergency number of the place it was given in;
    # what the caregiver can do names that same number (the person is there).
    there = for_locale(alert.locale or c.locale)
    advice = there.say(f"alerts.advice.{level}")
    source = alert.source if alert.source in alerts.SOURCES else "checkin"
    named = alert.label not in (None, "other")
    key = f"alerts.heard.{source}" if named else f"alerts.heard_unnamed.{source}"
    if (
        named
        and source == "triage"
        and alert.by == "self"
        and sharing.is_own_profile(alert.profile)
    ):
        # The speaker was not recognised (no voice profiles, or a guest): the advice was
        # given on that person's Alexa, to someone who may not be them.
        key = "alerts.heard_on_device.triage"
    heard = c.say(key, alert.label, day=moment_phrase(c, when, now), outcome=advice)
    act = c.say(
        f"alerts.act.{level}",
        alert.label if named else "other",
        emergency=there.params()["emergency"],
    )
    return join(heard, act)
