"""Caregiver alerts as stored: both sides' agreement, the alerts waiting to be heard, and
taking them back.

    owner  PROFILE {"alerts_by": [speaker, ...]}   who on the account agreed to alert
                   their caregivers: "self" (the account, no recognised voice) and/or a
                   recognised voice's "voice-…". Each speaker agrees for what they say
                   themselves: an alert is queued only when the speaker of that turn
                   agreed, about a person the sharing link shares that speaker's
                   check-ins of (skill.checkins.sharing.shares_checker), so another voice
                   or a guest never alerts someone else's caregiver. The older account-wide
                   flag {"alert_caregivers": true} (profile version 1) is migrated to
                   the account's "self" alone (skill.checkins.profile).
    viewer ALERTME {"user_id", "locale", "endpoint", "labels", "since", "expires"}
                   the caregiver agreed. `user_id` is their raw Alexa user id: the one
                   raw id the table holds, because a Unicast event must name it. It is
                   written only when they agree, emptied when Alexa says they turned
                   notifications off, and deleted when they stop (or delete their data)
                   or their last sharing link goes (skill.checkins.sharing); it expires
                   after check-in retention unless renewed (the caregiver opening the
                   skill, or an alert sent to them, renews it); `labels` limits alerts
                   to some people ("about mom"), null for everyone shared with them.
    viewer ALERT#<owner>#<id> {"profile", "by", "level", "source", "at", "locale", "event",
                   "expires", "delivery", "protocol"}
                   the outbox: one alert, pushed by the sender (skill.alexa.alert_sender,
                   which records how in "delivery") and heard at the next launch; expires
                   with check-in retention, and goes with the sharing link
                   (skill.checkins.sharing) or either side's "stop alerts"; `by` is the
                   speaker whose words gave it; `protocol` is the version of the triage
                   protocol that gave the level.

An alert is queued for a viewer only while both halves of the sharing link stand, the
viewer agreed, and (with labels) the viewer calls that person by one of them. The id
comes from the request, so a replayed request queues (and sends) nothing twice.

Deleting wins. Each write here is followed by a read of what it depends on, and undone
when that is gone: an alert queued while its owner deletes everything (or stops alerts)
is taken back once the owner's profile is seen gone, with a new epoch, or without that
speaker's consent; an opt-in written while the caregiver deletes everything, or while
their last link goes, is taken back once their profile (epoch) or every link is seen gone.
A deletion deletes the profile (or the link) first, so either it sweeps the new item or
the read after the write sees it gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from skill import clock
from skill.checkins import account, records, sharing
from skill.checkins.profile import Profile
from skill.store.base import Store, user_pk
from skill.triage.engine import protocol_version

RECEIVER = sharing.RECEIVER
PREFIX = sharing.ALERTS
SOURCES = ("checkin", "triage")  # what ended at the warning: a check-in or a conversation


class Recipient(NamedTuple):
    """Where one queued alert is pushed: the caregiver's Alexa user id, locale and region."""

    viewer: str
    user_id: str
    locale: str
    endpoint: str | None
    reference: str  # the alert's id, unique per caregiver (the event's referenceId)


class Alert(NamedTuple):
    """One alert waiting to be heard, with who it is about as this viewer calls them."""

    sk: str
    owner: str
    profile: str
    label: str | None
    level: str
    source: str
    at: datetime
    locale: str | None
    by: str = "self"  # who spoke: "self" (not recognised) or a recognised voice's profile


def agreed(item: Mapping[str, Any] | None) -> frozenset[str]:
    """The speakers on this account who agreed to alert their caregivers, from the
    profile's item as stored (skill.checkins.profile reads any version of it)."""
    return Profile.from_item(item).alerts_by


def _profile_stands(store: Store, user: str, epoch: object, speaker: str | None = None) -> bool:
    """Whether the account's profile is still the one a turn read (same epoch, when it had
    one) and, with a speaker, still holds their consent to alert."""
    profile = store.get_item(user_pk(user), account.PROFILE)
    if profile is None or (epoch is not None and Profile.from_item(profile).epoch != epoch):
        return False
    return speaker is None or speaker in agreed(profile)


def _receiver_expires(now: float) -> int:
    return int(now) + records.retention_days() * 86400


def receive(
    store: Store,
    viewer: str,
    user_id: str,
    locale: str,
    endpoint: str | None,
    label: str | None = None,
    now: float | None = None,
    epoch: object = None,
) -> bool:
    """The caregiver agrees to alerts: about everyone shared with them (no label), or
    about one more person ("send me alerts about mom"). `epoch` is their profile's as the
    turn read it. False (and nothing kept) when their data was deleted meanwhile or no
    link to them stands any more: deleting wins."""
    now = clock.now() if now is None else now
    wanted = store.get_item(user_pk(viewer), RECEIVER) or {}
    labels: list[str] | None = None  # everyone shared with them
    if label is not None:
        earlier = wanted.get("labels") if wanted else []
        # One more person, unless they already get alerts about everyone.
        labels = None if earlier is None else sorted({*earlier, label})
    expires = _receiver_expires(now)
    data = {
        "user_id": user_id,
        "locale": locale,
        "endpoint": endpoint,
        "labels": labels,
        "since": int(now),
        "expires": expires,
    }
    store.put_item(user_pk(viewer), RECEIVER, data, expires_at=expires)
    if _profile_stands(store, viewer, epoch) and sharing.is_linked(store, viewer):
        return True
    store.delete_item(user_pk(viewer), RECEIVER)  # deleted, or unlinked, meanwhile
    return False


def renewal_due(data: Mapping[str, Any], now: float) -> bool:
    """Whether an opt-in has run more than half its time (or, from before it expired,
    has none)."""
    expires = data.get("expires")
    left = expires - now if isinstance(expires, int | float) else 0
    return left <= records.retention_days() * 86400 / 2


def renew(store: Store, viewer: str, now: float | None = None) -> None:
    """Keep a caregiver's opt-in while it is used (they open the skill, an alert goes to
    them): written again only when more than half its time has run, and only over the
    very version read, so a "stop alerts" or a deletion meanwhile is never undone."""
    now = clock.now() if now is None else now
    data, version = store.get_versioned(user_pk(viewer), RECEIVER)
    if data is None or version is None or not renewal_due(data, now):
        return
    renewed = {**data, "expires": _receiver_expires(now)}
    store.put_item(
        user_pk(viewer), RECEIVER, renewed, expires_at=renewed["expires"], if_version=version
    )


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
    expires = wanted.get("expires")
    store.put_item(
        user_pk(viewer),
        RECEIVER,
        {**wanted, "user_id": None},
        expires_at=expires if isinstance(expires, int) else None,
    )
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
    by: str = sharing.LEGACY_CHECKER,
    epoch: object = None,
) -> list[tuple[str, str]]:
    """The outbox: one alert item about this profile, from what speaker `by` said, for
    each caregiver who agreed and whose link shares that speaker's check-ins of it, and
    nothing else (no network: a sender delivers them, skill.alexa.alert_sender). The
    caller has checked that `by` agreed, on the owner's profile as read at `epoch`.
    Returns the keys (viewer, sort key) newly written; none for a replayed request, and
    none (all taken back) when the owner deleted everything or stopped meanwhile."""
    now = clock.now() if now is None else now
    expires = int(now) + records.retention_days() * 86400
    out: list[tuple[str, str]] = []
    for viewer, label in sharing.viewers_of(store, owner, profile, by):
        wanted = store.get_item(user_pk(viewer), RECEIVER)
        if not wanted or not _about(wanted.get("labels"), label):
            continue
        sk = f"{PREFIX}{owner}#{alert_id}"
        data = {
            "profile": profile,
            "by": by,
            "level": level,
            "source": source,
            "at": records.now_iso(now),
            "locale": locale,
            # The event's referenceId: one per alert and caregiver, the same on every try.
            "event": f"{alert_id}-{viewer[:12]}",
            "expires": expires,  # kept, so marking it sent keeps its expiry
            "protocol": protocol_version(),
        }
        if store.put_item(user_pk(viewer), sk, data, expires_at=expires, if_absent=True):
            out.append((viewer, sk))
        # else: already queued by an earlier copy of this request
    if out and not _profile_stands(store, owner, epoch, by):
        for viewer, sk in out:  # deleting (or stopping) won: nothing stays behind
            store.delete_item(user_pk(viewer), sk)
        return []
    return out


# --- delivery: what the sender records on an alert -------------------------------------------

DELIVERY = "delivery"  # in an alert's data; absent until a sender first takes it
SENDING, RETRY, SENT, REFUSED, HELD = "sending", "retry", "sent", "refused", "held"
FINAL = (SENT, REFUSED, HELD)  # never pushed again (still heard at launch until heard)


class Outgoing(NamedTuple):
    """An alert in the outbox as the sender reads it."""

    viewer: str
    sk: str
    data: dict[str, Any]
    version: str | None

    @property
    def owner(self) -> str:
        return self.sk.removeprefix(PREFIX).split("#")[0]

    @property
    def state(self) -> str | None:
        delivery = self.data.get(DELIVERY)
        return delivery.get("state") if isinstance(delivery, dict) else None

    @property
    def tries(self) -> int:
        delivery = self.data.get(DELIVERY)
        tries = delivery.get("tries") if isinstance(delivery, dict) else 0
        return tries if isinstance(tries, int) else 0

    def claimed_until(self) -> float:
        delivery = self.data.get(DELIVERY)
        until = delivery.get("until") if isinstance(delivery, dict) else 0
        return float(until) if isinstance(until, int | float) else 0.0


def outgoing(store: Store, viewer: str, sk: str) -> Outgoing | None:
    """The alert as it is now, or None once heard (or deleted with its link)."""
    data, version = store.get_versioned(user_pk(viewer), sk)
    return None if data is None else Outgoing(viewer, sk, data, version)


def mark(store: Store, alert: Outgoing, state: str, **details: Any) -> Outgoing | None:
    """Record how delivery went, only over the very version read (a conditional write):
    of two senders handed the same alert, one wins the claim and the other backs off, and
    an alert heard (deleted) meanwhile is not written back. None when the write lost."""
    delivery = {"state": state, "tries": alert.tries, **details}
    data = {**alert.data, DELIVERY: delivery}
    expires = alert.data.get("expires")
    version = store.put_item(
        user_pk(alert.viewer),
        alert.sk,
        data,
        expires_at=expires if isinstance(expires, int) else None,
        if_version=alert.version or "",
    )
    return None if version is None else Outgoing(alert.viewer, alert.sk, data, version)


def link_stands(store: Store, alert: Outgoing) -> tuple[bool, dict[str, Any] | None]:
    """Whether this alert should still go out: the owner still alerts, the sharing link
    stands both ways, and the caregiver still wants alerts about that person. Returns
    that and the caregiver's ALERTME item (their user id, locale and region)."""
    owner = store.get_item(user_pk(alert.owner), account.PROFILE) or {}
    by = speaker_of(alert.data)
    if by not in agreed(owner):
        return False, None
    profile = str(alert.data.get("profile"))
    live, label = sharing.alert_label(store, alert.viewer, alert.owner, profile, by)
    wanted = store.get_item(user_pk(alert.viewer), RECEIVER) if live else None
    if not wanted or not _about(wanted.get("labels"), label):
        return False, None
    return True, wanted


def drop(store: Store, alert: Outgoing) -> None:
    """An alert whose link is gone is deleted, not sent (nothing left behind)."""
    store.delete_item(user_pk(alert.viewer), alert.sk)


def speaker_of(data: Mapping[str, Any]) -> str:
    """Whose words gave a queued alert (alerts queued before this was kept: the account's)."""
    by = data.get("by")
    return by if isinstance(by, str) else sharing.LEGACY_CHECKER


def stop_sending(store: Store, owner: str, speaker: str) -> None:
    """A speaker stops alerting: the alerts their words queued on the owner's links go."""
    for sk, _ in store.query(user_pk(owner), "GRANT#"):
        viewer = sk.removeprefix("GRANT#")
        for alert, data in store.query(user_pk(viewer), f"{PREFIX}{owner}#"):
            if speaker_of(data) == speaker:
                store.delete_item(user_pk(viewer), alert)


def outbox(store: Store) -> list[tuple[str, str]]:
    """Every alert not yet finally delivered, oldest first (the in-process sender's
    start-up drain and `python -m skill alerts send`). Only a store that can list across
    accounts (SQLite) has one; on DynamoDB the table's stream hands each alert to the
    sender instead, so this is empty there."""
    scan = getattr(store, "scan", None)
    if not callable(scan):
        return []
    found = []
    for pk, sk, data in scan(PREFIX):
        delivery = data.get(DELIVERY)
        state = delivery.get("state") if isinstance(delivery, dict) else None
        if state not in FINAL:
            found.append((str(data.get("at")), pk.removeprefix("USER#"), sk))
    return [(viewer, sk) for _, viewer, sk in sorted(found)]


def _about(labels: Any, label: str | None) -> bool:
    """Whether a caregiver who asked for alerts about `labels` wants one about `label`."""
    if labels is None:
        return True
    return isinstance(labels, list) and label in labels


def waiting(store: Store, viewer: str) -> list[Alert]:
    """The alerts to hear, oldest first: only on links that still stand (any others are
    left over from a link cut meanwhile, and deleted here)."""
    # One query finds both the alerts (ALERT#…) and the opt-in (ALERTME), renewed here
    # when it is due: a caregiver who opens the skill keeps getting alerts.
    items = store.query(user_pk(viewer), PREFIX[:-1])
    if any(sk == RECEIVER and renewal_due(data, clock.now()) for sk, data in items):
        renew(store, viewer)
    items = [(sk, data) for sk, data in items if sk.startswith(PREFIX)]
    if not items:
        return []
    links: dict[tuple[str, str, str], tuple[bool, str | None]] = {}
    found: list[Alert] = []
    for sk, data in items:
        owner = sk.removeprefix(PREFIX).split("#")[0]
        profile = str(data.get("profile"))
        by = speaker_of(data)
        try:
            at = datetime.fromisoformat(str(data.get("at")))
        except ValueError:
            at = None
        if (owner, profile, by) not in links:
            links[(owner, profile, by)] = sharing.alert_label(store, viewer, owner, profile, by)
        live, label = links[(owner, profile, by)]
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
                by=by,
            )
        )
    return sorted(found, key=lambda a: a.at)


def heard(store: Store, viewer: str, alerts: list[Alert]) -> None:
    """Alerts once spoken are gone."""
    for alert in alerts:
        store.delete_item(user_pk(viewer), alert.sk)


def is_receiving(store: Store, viewer: str) -> bool:
    return store.get_item(user_pk(viewer), RECEIVER) is not None
