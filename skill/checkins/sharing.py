"""Read-only sharing between Alexa accounts with one-time codes.

The owner says "share my check-ins" and hears a six-digit code; the caregiver says
"connect to code ..." on their own account. A code covers named profiles: the speaker's
own check-ins ("self", or their recognised voice's "voice-…") and the ones the account
keeps for other people ("mother", "father", …). The caregiver hears them by who they
are to the caregiver: the owner's "mother" is the caregiver's "mother" too (a sibling
sharing a parent's check-ins), while the owner's own check-ins are named by the
caregiver once ("who is this to you?" "my mom").

    owner  GRANT#<viewer>  {"profiles": [...], "later", "since", "by", "later_by"}  what
                           is shared (this half decides); "later": people the owner starts
                           checking in for after sharing are shared too (the owner is told
                           so). "by" {profile: [checker]} and "later_by" [checker]: whose
                           check-ins of a person are shared: a share covers exactly the
                           people its owner (the voice, or the account's "self" when no
                           voice is recognised) checks in for, so another voice's or a
                           guest's "mother" is never shared as theirs. A link made before
                           "by" was kept cannot say whose people it meant, so it is read as
                           the account's: the own profiles it names, and the people the
                           account's "self" (no recognised voice) checks in for, never a
                           recognised voice's people (they can share again to add theirs).
    viewer ACCESS#<owner>  {"labels": {profile: person id or null}, "since"}
    viewer ALERTME         the caregiver's alert opt-in (skill.checkins.alerts): it goes
                           with their last ACCESS# link, whoever cuts it
    owner  SHARECODE       {"code"}                       the one live code (10 minutes)
    CODE#<code> / CODE     {"owner", "profiles", "later"}
    viewer ALERT#<owner>#… an alert waiting on the link (skill.checkins.alerts): it goes
                           with the link

Codes: one live code per owner (a new one cancels the old: a code counts only while its
owner's SHARECODE still names it), consumed with a conditional delete so two redeemers
cannot both win. Guessing: every code an account tries first takes a slot from an atomic
counter (an hour from the first try) and is checked only if the slot is within the
limit, so parallel guesses cannot race past it; a right code gives its slot back, and
nothing ever resets the counter. The counter lives outside the account's partition, under
a keyed hash of the account's key (GUESS#<hash> / TRIES: no personal data, not joinable
to the account without the secret), so deleting the account's data, disabling the skill
and enabling it again leave it standing until its hour is up. A new user id per round
(disable, enable) is a new account, so one more counter takes a slot for every try from
every account: GUESSES / WINDOW#<hour>, at most MAX_TRIES_PER_HOUR a clock hour, which
bounds a distributed guess (it also stops honest connecting for the rest of that hour,
which the operator's alarm on wrong guesses announces). Every wrong guess is logged with
one fixed line that a metric filter counts across all accounts (infra/template.yaml).
"Stop sharing" revokes every link the account made.

Alerts follow the same rule (`shares_checker`): what a speaker says about a person reaches
a caregiver only when the link shares that speaker's check-ins of that person.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any, NamedTuple

from skill import clock, keys, metrics
from skill.checkins import records
from skill.store.base import Store, user_pk

logger = logging.getLogger(__name__)
CODE_TTL_S = 600
MAX_WRONG_TRIES = 5
LOCKOUT_S = 3600
# Tries across all accounts in one clock hour: with at most a few hundred live codes out
# of 900,000, about one chance in a few thousand an hour for a guesser with any number of
# accounts, and still far more than honest connecting needs.
MAX_TRIES_PER_HOUR = 100
SHARE_CODE = "SHARECODE"
TRIES = "TRIES"
GUESSES = "GUESSES"  # the partition of the all-accounts counters
WRONG_GUESS_LOG = "share code refused: wrong"  # one fixed line, counted (skill.metrics)
OWN_PROFILES = ("self",)  # plus "voice-…": named by the viewer, not by the owner
ALERTS = "ALERT#"  # alerts queued on a link: ALERT#<owner>#<id> under the viewer
RECEIVER = "ALERTME"  # the viewer's alert opt-in, with their raw user id (skill.checkins.alerts)
ACCESS = "ACCESS#"
LEGACY_CHECKER = "self"  # whose people a link from before "by" shares


class Redeemed(NamedTuple):
    ok: bool
    reason: str  # "connected", "wrong", "locked", "own"
    owner: str | None = None
    unnamed: bool = False  # the viewer should say who this person is to them


class Source(NamedTuple):
    """Check-ins a viewer may hear: one profile of one account, and who that is to them."""

    owner: str
    profile: str
    label: str | None  # a PERSON id ("mother"), None until the viewer names them
    own: bool = False  # the viewer's own account
    checkers: frozenset[str] | None = None  # whose check-ins of it are shared (None: all)


def is_own_profile(profile: str) -> bool:
    return profile in OWN_PROFILES or profile.startswith("voice-")


def label_for(profile: str) -> str | None:
    """What a viewer calls a shared profile at first: the owner's word for the people they
    check in for, nothing for the owner themselves."""
    return None if is_own_profile(profile) else profile


def create_code(
    store: Store,
    owner: str,
    profiles: list[str] | None = None,
    now: float | None = None,
    later: bool = False,
    by: str | None = None,
    epoch: str | None = None,
) -> str:
    """A new code for these profiles (the owner's own check-ins by default) and, with
    `later`, for the people the owner starts checking in for afterwards; the owner's
    previous code stops working."""
    now = clock.now() if now is None else now
    profiles = list(profiles or OWN_PROFILES)
    expires = int(now) + CODE_TTL_S
    old = store.get_item(user_pk(owner), SHARE_CODE)
    for _ in range(10):
        code = f"{secrets.randbelow(900000) + 100000}"
        data = {"owner": owner, "profiles": profiles, "later": later, "by": by or "self"}
        data["epoch"] = epoch
        if store.put_item(f"CODE#{code}", "CODE", data, expires_at=expires, if_absent=True):
            store.put_item(user_pk(owner), SHARE_CODE, {"code": code}, expires_at=expires)
            if old and old.get("code") != code:
                store.delete_item(f"CODE#{old.get('code')}", "CODE")
            return code
    raise RuntimeError("no free share code")


def _counters(viewer: str, now: int) -> list[tuple[str, str, int, int]]:
    """(pk, sk, limit, expires_at) of every counter a try takes a slot from."""
    hour = now - now % LOCKOUT_S
    return [
        (f"GUESS#{keys.guess_key(viewer)}", TRIES, MAX_WRONG_TRIES, now + LOCKOUT_S),
        (GUESSES, f"WINDOW#{hour}", MAX_TRIES_PER_HOUR, hour + 2 * LOCKOUT_S),
    ]


def _take_slots(store: Store, viewer: str, now: int) -> bool:
    """A slot from each counter, in order; False (nothing is checked) once one is full."""
    for pk, sk, limit, expires in _counters(viewer, now):
        if store.increment(pk, sk, 1, expires_at=expires) > limit:
            return False
    return True


def redeem(store: Store, viewer: str, code: str, now: float | None = None) -> Redeemed:
    now = clock.now() if now is None else now
    if not _take_slots(store, viewer, int(now)):
        return Redeemed(False, "locked")
    item = store.get_item(f"CODE#{code}", "CODE")
    owner = str(item.get("owner")) if item else None
    if (
        owner is None
        or not _is_live_code(store, owner, code)
        or not store.delete_item(f"CODE#{code}", "CODE", if_present=True)
    ):
        metrics.count(logger, metrics.Metric.WRONG_SHARE_CODES, WRONG_GUESS_LOG)
        return Redeemed(False, "wrong")
    store.delete_item(user_pk(owner), SHARE_CODE)
    # A right code is not a wrong guess: its slots go back (the counters are never reset).
    for pk, sk, _, expires in _counters(viewer, int(now)):
        store.increment(pk, sk, -1, expires_at=expires)
    if owner == viewer:
        return Redeemed(False, "own")
    assert item is not None
    profiles = [str(p) for p in item.get("profiles", []) if isinstance(p, str)]
    raw_by = item.get("by")
    by = raw_by if isinstance(raw_by, str) else "self"
    labels = _grant(store, owner, viewer, profiles, item.get("later") is True, int(now), by)
    epoch = item.get("epoch")
    if epoch is not None and not _same_owner(store, owner, epoch):
        # The owner deleted everything while this code was redeemed (and may have come
        # back since): deleting wins, so the link just written goes again.
        store.delete_item(user_pk(owner), f"GRANT#{viewer}")
        store.delete_item(user_pk(viewer), f"ACCESS#{owner}")
        drop_receiver_if_unlinked(store, viewer)
        return Redeemed(False, "wrong")
    return Redeemed(True, "connected", owner, unnamed=any(v is None for v in labels.values()))


def _same_owner(store: Store, owner: str, epoch: object) -> bool:
    """Whether the owner's profile is still the one the code was made in (codes from
    profiles made before epochs carry none, and are not checked). Read after the link is
    written: a deletion deletes the profile first, so either it sweeps the link
    or this read sees the profile gone (or a new epoch, after they came back)."""
    profile = store.get_item(user_pk(owner), "PROFILE")
    return profile is not None and profile.get("epoch") == epoch


def _is_live_code(store: Store, owner: str, code: str) -> bool:
    pointer = store.get_item(user_pk(owner), SHARE_CODE)
    return pointer is not None and pointer.get("code") == code


def _grant(
    store: Store,
    owner: str,
    viewer: str,
    profiles: list[str],
    later: bool,
    now: int,
    by: str = "self",
) -> dict[str, str | None]:
    """Both halves of the link; a second code between the same two accounts adds to it."""
    grant = store.get_item(user_pk(owner), f"GRANT#{viewer}") or {}
    shared = list(dict.fromkeys([*grant.get("profiles", []), *profiles]))
    data: dict[str, Any] = {"profiles": shared, "later": later or grant.get("later") is True}
    data["since"] = now
    if not grant or isinstance(grant.get("by"), dict):  # not a link from before "by"
        checkers: dict[str, list[str]] = dict(grant.get("by") or {})
        for profile in profiles:
            if not is_own_profile(profile):
                checkers[profile] = list(dict.fromkeys([*checkers.get(profile, []), by]))
        later_by = list(grant.get("later_by") or [])
        data["by"] = checkers
        data["later_by"] = list(dict.fromkeys([*later_by, by])) if later else later_by
    store.put_item(user_pk(owner), f"GRANT#{viewer}", data)
    access = store.get_item(user_pk(viewer), f"ACCESS#{owner}") or {}
    labels: dict[str, str | None] = dict(access.get("labels", {}))
    for profile in profiles:
        labels.setdefault(profile, label_for(profile))
    store.put_item(user_pk(viewer), f"ACCESS#{owner}", {"labels": labels, "since": now})
    return labels


def covers(grant: dict[str, Any] | None, profile: str) -> bool:
    """Whether the owner's half of a link shares this profile: named in it, or a person
    the owner began checking in for after sharing everything."""
    if not grant:
        return False
    if profile in grant.get("profiles", []):
        return True
    return grant.get("later") is True and not is_own_profile(profile)


def checkers_of(
    store: Store, owner: str, grant: dict[str, Any] | None, profile: str
) -> frozenset[str] | None:
    """Whose check-ins of this profile the owner's half of a link shares: None for all (the
    owner's own profile, or a link from before "by" was kept), an empty set for none."""
    if not covers(grant, profile):
        return frozenset()
    assert grant is not None
    if is_own_profile(profile):
        return None
    by = grant.get("by")
    if not isinstance(by, dict):  # a link from before "by": the account's people only
        return frozenset({LEGACY_CHECKER})
    named = {c for c in by.get(profile, []) if isinstance(c, str)}
    for checker in grant.get("later_by") or []:
        if isinstance(checker, str) and profile in records.people_of(store, owner, checker):
            named.add(checker)
    return frozenset(named)


def _later_people(store: Store, owner: str, grant: dict[str, Any] | None) -> set[str]:
    """The people an owner who shares people added later now checks in for."""
    if not grant or grant.get("later") is not True:
        return set()
    if not isinstance(grant.get("by"), dict):  # a link from before "by": the account's
        return records.people_of(store, owner, LEGACY_CHECKER)
    found: set[str] = set()
    for checker in grant.get("later_by") or []:
        if isinstance(checker, str):
            found |= records.people_of(store, owner, checker)
    return found


def shared_with_me(store: Store, viewer: str) -> list[Source]:
    """Every profile this viewer may read: listed on their side, or kept by an owner who
    shares people added later, and still granted on the owner's side (that half decides),
    with whose check-ins of it are shared."""
    found: list[Source] = []
    for sk, data in store.query(user_pk(viewer), "ACCESS#"):
        owner = sk.removeprefix("ACCESS#")
        grant = store.get_item(user_pk(owner), f"GRANT#{viewer}")
        labels: dict[str, Any] = dict(data.get("labels", {}))
        for profile in sorted(_later_people(store, owner, grant)):
            labels.setdefault(profile, label_for(profile))
        for profile, label in labels.items():
            checkers = checkers_of(store, owner, grant, profile)
            if checkers is None or checkers:
                name = label if isinstance(label, str) else None
                found.append(Source(owner, profile, name, checkers=checkers))
    return found


def history(store: Store, source: Source) -> list[records.CheckIn]:
    """The check-ins a source may be heard from: only those its checkers made."""
    found = records.history(store, source.owner, source.profile)
    if source.checkers is None:
        return found
    return [c for c in found if c.checker in source.checkers]


def _label_with(
    store: Store, viewer: str, owner: str, profile: str, grant: dict[str, Any] | None
) -> tuple[bool, str | None]:
    """Whether this viewer may hear this profile of the owner's (both halves of the link
    stand, the owner's grant read already), and what they call that person."""
    access = store.get_item(user_pk(viewer), f"ACCESS#{owner}")
    labels = access.get("labels") if access else None
    if not isinstance(labels, dict) or not covers(grant, profile):
        return False, None
    if profile in labels:
        label = labels[profile]
        return True, label if isinstance(label, str) else None
    if is_own_profile(profile):
        return False, None
    return True, label_for(profile)  # a person added after sharing everything


def shares_checker(grant: dict[str, Any] | None, profile: str, checker: str) -> bool:
    """Whether the owner's half of a link shares what this speaker ("self", or a voice's
    "voice-…") says about this profile now: their own profile, if the link names it; a
    person, if the link names this speaker for them or shares the people this speaker
    starts checking in for (one they talk about now is one of those). A link from before
    "by" speaks for the account's "self" only. The rule alerts follow."""
    if not covers(grant, profile):
        return False
    assert grant is not None
    if is_own_profile(profile):
        return profile == checker  # nobody speaks for another voice (or the account)
    by = grant.get("by")
    if not isinstance(by, dict):
        return checker == LEGACY_CHECKER
    named = by.get(profile)
    return (isinstance(named, list) and checker in named) or checker in (
        grant.get("later_by") or []
    )


def alert_label(
    store: Store, viewer: str, owner: str, profile: str, checker: str
) -> tuple[bool, str | None]:
    """Whether an alert from this speaker's words about this profile may reach this
    viewer (both halves of the link stand, and it shares that speaker's check-ins of that
    person), and what the viewer calls that person."""
    grant = store.get_item(user_pk(owner), f"GRANT#{viewer}")
    if not shares_checker(grant, profile, checker):
        return False, None
    return _label_with(store, viewer, owner, profile, grant)


def viewers_of(
    store: Store, owner: str, profile: str, checker: str
) -> list[tuple[str, str | None]]:
    """Who should hear of what this speaker said about this profile of the owner's, with
    what each calls that person: both halves of the link stand, and the owner's half shares
    this speaker's check-ins of that person (shares_checker)."""
    found: list[tuple[str, str | None]] = []
    for sk, grant in store.query(user_pk(owner), "GRANT#"):
        if not shares_checker(grant, profile, checker):
            continue
        viewer = sk.removeprefix("GRANT#")
        may, label = _label_with(store, viewer, owner, profile, grant)
        if may:
            found.append((viewer, label))
    return found


def is_linked(store: Store, viewer: str) -> bool:
    """Whether anyone still shares with this viewer (any ACCESS# half stands)."""
    return bool(store.query(user_pk(viewer), ACCESS))


def drop_receiver_if_unlinked(store: Store, viewer: str) -> None:
    """A viewer's last link is gone: their alert opt-in, and the raw user id in it, go
    too. Called after an ACCESS# half is deleted; the opt-in's own write checks the other
    way round (skill.checkins.alerts.receive), so one of the two always sees the other."""
    if not is_linked(store, viewer):
        store.delete_item(user_pk(viewer), RECEIVER)


def shares_speaker(store: Store, owner: str, checker: str) -> bool:
    """Whether any link of this owner shares something this speaker ("self", or a voice's
    "voice-…") says: their own check-ins, or the people they check in for, now or later.
    When none does, their "alert my caregivers" reaches nobody (another voice's share
    never covers them), and they are told so."""
    for _, grant in store.query(user_pk(owner), "GRANT#"):
        if covers(grant, checker):  # their own check-ins
            return True
        by = grant.get("by")
        if not isinstance(by, dict):  # a link from before "by": the account's people
            if checker == LEGACY_CHECKER:
                return True
            continue
        named = any(isinstance(c, list) and checker in c for c in by.values())
        if named or checker in (grant.get("later_by") or []):
            return True
    return False


def name(store: Store, viewer: str, label: str) -> bool:
    """The viewer says who a shared person is to them ("my mom"): the unnamed profile they
    were given most recently takes that name. False when there was nobody to name."""
    newest: tuple[int, str, dict[str, Any], str] | None = None
    for sk, data in store.query(user_pk(viewer), "ACCESS#"):
        for profile, current in data.get("labels", {}).items():
            since = int(data.get("since", 0))
            if current is None and (newest is None or since > newest[0]):
                newest = (since, sk, data, profile)
    if newest is None:
        return False
    _, sk, data, profile = newest
    data["labels"][profile] = label
    store.put_item(user_pk(viewer), sk, data)
    return True


def revoke_all(store: Store, owner: str) -> int:
    """The owner stops sharing: every link they granted, the alerts waiting on those
    links, and their open code go. Returns how many people lost access."""
    grants = store.query(user_pk(owner), "GRANT#")
    for sk, _ in grants:
        viewer = sk.removeprefix("GRANT#")
        store.delete_item(user_pk(owner), sk)
        store.delete_item(user_pk(viewer), f"ACCESS#{owner}")
        for alert, _ in store.query(user_pk(viewer), f"{ALERTS}{owner}#"):
            store.delete_item(user_pk(viewer), alert)
        drop_receiver_if_unlinked(store, viewer)
    _drop_code(store, owner)
    return len(grants)


def forget(store: Store, user: str) -> None:
    """Before an account's data is deleted: cut its links both ways and its code (the
    halves stored under other accounts and under the code's own key)."""
    revoke_all(store, user)
    for sk, _ in store.query(user_pk(user), "ACCESS#"):
        owner = sk.removeprefix("ACCESS#")
        store.delete_item(user_pk(owner), f"GRANT#{user}")
        store.delete_item(user_pk(user), sk)


def _drop_code(store: Store, owner: str) -> None:
    pointer = store.get_item(user_pk(owner), SHARE_CODE)
    if pointer:
        store.delete_item(f"CODE#{pointer.get('code')}", "CODE")
        store.delete_item(user_pk(owner), SHARE_CODE)
