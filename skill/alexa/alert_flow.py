"""Caregiver alerts in the conversation: after a warning, tell the caregivers who agreed;
at a caregiver's launch, say what happened.

A flow that gives an emergency or urgent outcome only notes it (`note`, no I/O). The
work is done by `AlertInterceptor`, a response interceptor, so the reply with the warning
is complete before anything here starts, and nothing here can change it. Then, counted
from the moment the warning was decided: the alert is queued in the store within the
warning's own storage allowance (budget.WARNING_S, shared with the check-in's save), and
pushed through the Proactive Events API until ALERT_S has passed in all, token and events
included. So a warning reaches Alexa at most ALERT_S after it was decided, whatever the
network does. A token or event call that fails or hangs is abandoned: the alert stays
queued and is heard at the caregiver's next launch, and a log line starting "alert
failure" records it (a metric filter counts those lines, infra/template.yaml). Logs carry
no ids and no health words.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill import clock, keys, logs
from skill.alexa import persistence, proactive
from skill.alexa.api_client import TimedApiClient
from skill.alexa.base import Services
from skill.alexa.respond import content, join
from skill.alexa.state import conversation
from skill.alexa.timezone import device_zone, local_now
from skill.checkins import alerts
from skill.content import Content, for_locale
from skill.speech.dates import moment_phrase
from skill.store import Store, budget
from skill.triage.levels import Disposition

logger = logging.getLogger(__name__)
ALERT_S = 0.7  # all an alert may add to a warning: storage and network together
MAX_SPOKEN = 3  # people whose alerts are read at one launch
FAILURE = "alert failure"  # every failed alert logs a line starting so (metric filter)
_PENDING = "leg_pain_guide.alert"  # this module's slots in request attributes


@dataclass(frozen=True)
class Pending:
    profile: str
    level: Disposition
    source: str  # "checkin" or "triage"
    at: float  # clock.monotonic() when the warning was decided


def note(handler_input: HandlerInput, level: Disposition, profile: str, source: str) -> None:
    """An outcome was given; alert caregivers once the reply is built (if the level
    calls for it: skill.triage.levels)."""
    if not level.alerts_caregivers:
        return
    attrs = handler_input.attributes_manager.request_attributes
    if conversation(handler_input).triage.facts.get(VIA) == "checkin":
        source = "checkin"
    attrs[_PENDING] = Pending(profile, level, source, clock.monotonic())


VIA = "via"  # a triage fact: "checkin" when it began with a sign said in a check-in


def from_checkin(handler_input: HandlerInput) -> None:
    """A warning sign said in the middle of a check-in: the outcome it leads to (this turn,
    or once the sign is confirmed) is that check-in's."""
    conversation(handler_input).triage.facts[VIA] = "checkin"


class AlertInterceptor(AbstractResponseInterceptor):  # type: ignore[misc]
    """Runs after the handler built the reply (the SDK calls it with the response)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        pending = handler_input.attributes_manager.request_attributes.get(_PENDING)
        if not isinstance(pending, Pending):
            return
        try:
            dispatch(handler_input, self.services, pending)
        except Exception as exc:  # noqa: BLE001 - the warning is already built: keep it
            logger.warning("%s: %s", FAILURE, logs.describe(exc))


def dispatch(handler_input: HandlerInput, services: Services, pending: Pending) -> None:
    envelope = handler_input.request_envelope
    owner = persistence.user_key(envelope)
    if owner is None:
        return
    request = envelope.request
    request_id = getattr(request, "request_id", None)
    alert_id = keys.request_key(request_id) if request_id else secrets.token_hex(8)
    try:
        # The warning's storage allowance, counted from when it was decided: a check-in's
        # save has used part of it already.
        with budget.tight(max(0.0, pending.at + budget.WARNING_S - clock.monotonic())):
            chose = persistence.load(handler_input)
            if not chose and persistence.failed(handler_input):
                raise LookupError("the account's choice could not be read")
            if chose.get(alerts.OWNER_FLAG) is not True:
                return  # the owner has not agreed
            recipients = alerts.queue(
                services.store,
                owner,
                pending.profile,
                str(pending.level),
                pending.source,
                getattr(request, "locale", None),
                alert_id,
            )
    except Exception as exc:  # noqa: BLE001 - nothing was queued, so nobody will hear it
        logger.warning("%s: could not queue the alert (%s)", FAILURE, type(exc).__name__)
        return
    if recipients:
        system = getattr(envelope.context, "system", None)
        endpoint = getattr(system, "api_endpoint", None) or ""
        push(services, recipients, pending.level, endpoint, pending.at + ALERT_S)


def push(
    services: Services,
    recipients: list[alerts.Recipient],
    level: Disposition,
    endpoint: str,
    deadline: float,
) -> None:
    """Send each caregiver's event on a worker thread, waiting for it until `deadline`
    (clock.monotonic()): a call that hangs is left behind, and its alert waits for the
    caregiver's launch."""
    failures: list[str] = []
    api_client = services.api_client or TimedApiClient()

    def run() -> None:
        try:
            token = proactive.access_token(api_client)
        except Exception as exc:  # noqa: BLE001 - AlertFailed, or anything unforeseen
            failures.extend(_reason(exc) for _ in recipients)
            return
        for recipient in recipients:
            try:
                proactive.send(api_client, token, recipient.endpoint or endpoint, recipient, level)
            except Exception as exc:  # noqa: BLE001 - one caregiver's failure stops no other
                failures.append(_reason(exc))

    worker = threading.Thread(target=run, name="alert-push", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - clock.monotonic()))
    if worker.is_alive():
        logger.warning("%s: no answer in time; %d left for launch", FAILURE, len(recipients))
        return
    for reason in failures:
        logger.warning("%s: %s; left for launch", FAILURE, reason)
    if len(failures) < len(recipients):
        logger.info("alert sent to %d caregiver(s)", len(recipients) - len(failures))


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, proactive.AlertFailed) else logs.describe(exc)


# --- what the caregiver hears --------------------------------------------------------------


@dataclass(frozen=True)
class Heard:
    """What a launch says about alerts, and how many people's alerts still wait."""

    text: str = ""
    more: int = 0


def announce(handler_input: HandlerInput, store: Store) -> Heard:
    """At launch (or when a caregiver asks to hear more): the most serious alerts waiting
    for this account, at most MAX_SPOKEN people's; only those spoken are gone, and `more`
    counts the people still waiting. Nothing to say when none (or when storage cannot
    say: the launch goes on)."""
    viewer = persistence.user_key(handler_input.request_envelope)
    if viewer is None:
        return Heard()
    try:
        found = alerts.waiting(store, viewer)
    except Exception as exc:  # noqa: BLE001 - the launch goes on; they wait for next time
        logger.warning("storage failure: could not read alerts (%s)", type(exc).__name__)
        return Heard()
    if not found:
        return Heard()
    people = ranked(found)
    now, rest = people[:MAX_SPOKEN], people[MAX_SPOKEN:]
    text = spoken(handler_input, [first for first, _ in now])
    try:
        alerts.heard(store, viewer, [a for _, theirs in now for a in theirs])
    except Exception as exc:  # noqa: BLE001 - heard again next time, never lost
        logger.warning("storage failure: could not clear heard alerts (%s)", type(exc).__name__)
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


def more(handler_input: HandlerInput, count: int) -> str:
    """ "You have two more. Want to hear them?" """
    c = content(handler_input)
    numbers = c.get("alerts.numbers")
    word = numbers.get(str(count), str(count)) if isinstance(numbers, dict) else str(count)
    return c.say("alerts.more.one" if count == 1 else "alerts.more.many", count=word)


def more_prompt(handler_input: HandlerInput, count: int = 2) -> str:
    c = content(handler_input)
    return c.say("alerts.more_prompt.one" if count == 1 else "alerts.more_prompt.many")


def spoken(handler_input: HandlerInput, chosen: list[alerts.Alert]) -> str:
    """One sentence per person, in the order given: the most serious advice, since it was
    first given."""
    c = content(handler_input)
    now = local_now(handler_input)
    zone = device_zone(handler_input)
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
    heard = c.say(key, alert.label, day=moment_phrase(c, when, now), outcome=advice)
    act = c.say(
        f"alerts.act.{level}",
        alert.label if named else "other",
        emergency=there.params()["emergency"],
    )
    return join(heard, act)
