"""Caregiver alerts as stored: both sides' agreement, the alerts waiting to be heard, and
taking them back.

    owner  PROFILE {"alert_caregivers": true}   the owner agreed (persistent attributes)
    viewer ALERTME {"user_id", "locale", "endpoint", "labels", "since"}
                   the caregiver agreed. `user_id` is their raw Alexa user id: the one
                   raw id the table holds, because a Unicast event must name it. It is
                   written only when they agree, emptied when Alexa says they turned
                   notifications off, and deleted when they stop (or delete their data);
                   `labels` limits alerts to some people ("about mom"), null for everyone
                   shared with them.
    viewer ALERT#<owner>#<id> {"profile", "level", "source", "at", "locale", "protocol"}
                   one alert to hear at the next launch (`protocol`: the triage
                   protocol's version that gave the level); expires with check-in
                   retention, and goes with the sharing link (skill.checkins.sharing).

An alert is queued for a viewer only while both halves of the sharing link stand, the
viewer agreed, and (with labels) the viewer calls that person by one of them. The id
comes from the request, so a replayed request queues (and sends) nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from skill import clock
from skill.checkins import records, sharing
from skill.store.base import Store, user_pk
from skill.triage.engine import protocol_version

OWNER_FLAG = "alert_caregivers"  # in the owner's persistent attributes
RECEIVER = "ALERTME"
PREFIX = sharing.ALERTS
SOURCES = ("checkin", "triage")  # what ended at the warning: a check-in or a conversation


@dataclass(frozen=True)
class Recipient:
    """Where one queued alert is pushed: the caregiver's Alexa user id, locale and region."""

    viewer: str
    user_id: str
    locale: str
    endpoint: str | None
    reference: str  # the alert's id, unique per caregiver (the event's referenceId)


@dataclass(frozen=True)
class Alert:
    """One alert waiting to be heard, with who it is about as this viewer calls them."""

    sk: str
    owner: str
    profile: str
    label: str | None
    level: str
    source: str
    at: datetime
    locale: str | None


def receive(
    store: Store,
    viewer: str,
    user_id: str,
    locale: str,
    endpoint: str | None,
    label: str | None = None,
    now: float | None = None,
) -> None:
    """The caregiver agrees to alerts: about everyone shared with them (no label), or
    about one more person ("send me alerts about mom")."""
    now = clock.now() if now is None else now
    wanted = store.get_item(user_pk(viewer), RECEIVER) or {}
    labels: list[str] | None = None  # everyone shared with them
    if label is not None:
        earlier = wanted.get("labels") if wanted else []
        # One more person, unless they already get alerts about everyone.
        labels = None if earlier is None else sorted({*earlier, label})
    data = {
        "user_id": user_id,
        "locale": locale,
        "endpoint": endpoint,
        "labels": labels,
        "since": int(now),
    }
    store.put_item(user_pk(viewer), RECEIVER, data)


def stop_receiving(store: Store, viewer: str) -> bool:
    """The caregiver stops alerts: their user id and every alert waiting for them go.
    Returns whether they had agreed."""
    had = store.get_item(user_pk(viewer), RECEIVER) is not None
    store.delete_item(user_pk(viewer), RECEIVER)
    for sk, _ in store.query(user_pk(viewer), PREFIX):
        store.delete_item(user_pk(viewer), sk)
    return had


def drop_user_id(store: Store, viewer: str) -> bool:
    """The caregiver can no longer get notifications (they turned them off, or took the
    permission back): their user id goes, and alerts wait for their launch instead.
    Returns whether an id was dropped."""
    wanted = store.get_item(user_pk(viewer), RECEIVER)
    if not wanted or not wanted.get("user_id"):
        return False
    store.put_item(user_pk(viewer), RECEIVER, {**wanted, "user_id": None})
    return True


def queue(
    store: Store,
    owner: str,
    profile: str,
    level: str,
    source: str,
    locale: str | None,
    alert_id: str,
    now: float | None = None,
) -> list[Recipient]:
    """Queue an alert about this profile for each caregiver who agreed; returns where to
    push the ones newly queued (none for a replay)."""
    now = clock.now() if now is None else now
    at = records.now_iso(now)
    expires = int(now) + records.RETENTION_DAYS * 86400
    data = {
        "profile": profile,
        "level": level,
        "source": source,
        "at": at,
        "locale": locale,
        "protocol": protocol_version(),
    }
    out: list[Recipient] = []
    for viewer, label in sharing.viewers_of(store, owner, profile):
        wanted = store.get_item(user_pk(viewer), RECEIVER)
        if not wanted or not _about(wanted.get("labels"), label):
            continue
        sk = f"{PREFIX}{owner}#{alert_id}"
        if not store.put_item(user_pk(viewer), sk, data, expires_at=expires, if_absent=True):
            continue  # already queued by an earlier copy of this request
        user_id = wanted.get("user_id")
        if isinstance(user_id, str) and user_id:
            endpoint = wanted.get("endpoint")
            out.append(
                Recipient(
                    viewer=viewer,
                    user_id=user_id,
                    locale=str(wanted.get("locale") or "en-US"),
                    endpoint=endpoint if isinstance(endpoint, str) else None,
                    reference=f"{alert_id}-{len(out) + 1}",
                )
            )
    return out


def _about(labels: Any, label: str | None) -> bool:
    """Whether a caregiver who asked for alerts about `labels` wants one about `label`."""
    if labels is None:
        return True
    return isinstance(labels, list) and label in labels


def waiting(store: Store, viewer: str) -> list[Alert]:
    """The alerts to hear, oldest first: only on links that still stand (any others are
    left over from a link cut meanwhile, and deleted here)."""
    items = store.query(user_pk(viewer), PREFIX)
    if not items:
        return []
    links: dict[tuple[str, str], tuple[bool, str | None]] = {}
    found: list[Alert] = []
    for sk, data in items:
        owner = sk.removeprefix(PREFIX).split("#")[0]
        profile = str(data.get("profile"))
        try:
            at = datetime.fromisoformat(str(data.get("at")))
        except ValueError:
            at = None
        if (owner, profile) not in links:
            links[(owner, profile)] = sharing.label_of(store, viewer, owner, profile)
        live, label = links[(owner, profile)]
        if not live or at is None:
            store.delete_item(user_pk(viewer), sk)
            continue
        locale = data.get("locale")
        found.append(
            Alert(
                sk=sk,
                owner=owner,
                profile=profile,
                label=label,
                level=str(data.get("level")),
                source=str(data.get("source")),
                at=at if at.tzinfo else at.replace(tzinfo=UTC),
                locale=locale if isinstance(locale, str) else None,
            )
        )
    return sorted(found, key=lambda a: a.at)


def heard(store: Store, viewer: str, alerts: list[Alert]) -> None:
    """Alerts once spoken are gone."""
    for alert in alerts:
        store.delete_item(user_pk(viewer), alert.sk)


def is_receiving(store: Store, viewer: str) -> bool:
    return store.get_item(user_pk(viewer), RECEIVER) is not None
