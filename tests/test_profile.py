"""The account's profile, typed and versioned (issue 21, item 4): skill.checkins.profile
reads every version of the stored item, writes the current one, keeps what it does not
know, and never writes over a profile from a newer deploy of the skill."""

from __future__ import annotations

from support import Conversation

from skill import keys
from skill.checkins.profile import PROFILE_VERSION, Profile, SavedGuide
from skill.store.base import user_pk


def test_a_profile_reads_back_what_it_wrote():
    profile = Profile(visits=3, epoch="e1", consent=True, alerts_by=frozenset({"self"}),
                      guide=SavedGuide("rice", 2, 1_800_000_000))
    item = profile.to_item()
    assert item["v"] == PROFILE_VERSION
    assert Profile.from_item(item) == profile


def test_a_version_one_consent_to_alert_becomes_the_accounts_own():
    old = {"visits": 1, "epoch": "e1", "alert_caregivers": True}  # no "v": version one
    profile = Profile.from_item(old)
    assert profile.alerts_by == {"self"} and profile.writable
    item = profile.to_item()
    assert "alert_caregivers" not in item and item["alerts_by"] == ["self"]


def test_what_this_code_does_not_know_is_kept_when_it_writes():
    profile = Profile.from_item({"v": PROFILE_VERSION, "visits": 2, "nickname": "Gran"})
    profile.consent = True
    assert profile.to_item()["nickname"] == "Gran"


def test_junk_in_a_stored_profile_reads_as_nothing_known():
    profile = Profile.from_item({"v": PROFILE_VERSION, "visits": "x", "consent": "yes",
                                 "alerts_by": "self", "guide": {"id": 3}})
    assert profile == Profile(writable=True)


def test_a_profile_from_a_newer_skill_is_read_but_never_written_back(tmp_path):
    convo = Conversation(tmp_path / "p.sqlite3")
    convo.launch()
    pk = user_pk(keys.user_key(convo.user_id))
    newer = {**convo.store.get_item(pk, "PROFILE"), "v": PROFILE_VERSION + 1,
             "shiny": {"new": "field"}}
    convo.store.put_item(pk, "PROFILE", newer)
    convo.launch()
    assert Profile.from_item(newer).writable is False
    # A check-in would save the consent answer; the newer profile stays as it was.
    asked = convo.intent("CheckInIntent")
    assert asked.attributes["checkin"]["step"] == "consent"
    convo.yes()
    assert convo.store.get_item(pk, "PROFILE") == newer


def test_a_new_account_is_created_with_the_current_version(tmp_path):
    convo = Conversation(tmp_path / "p.sqlite3")
    convo.launch()
    item = convo.store.get_item(user_pk(keys.user_key(convo.user_id)), "PROFILE")
    assert item["v"] == PROFILE_VERSION and item["visits"] == 1 and item["epoch"]
