"""Caregivers hear exactly the person they ask about. "How is mom?" reads
the profiles this account knows as mom, from whoever shared them, never somebody else's;
with several people and nobody named, the skill asks "your mom or your dad?"; when nobody
shared that person it says so plainly; check-ins under a recognised voice can be shared by
that voice's owner; and deleting data removes everything both ways. SQLite and moto."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from stores import KINDS, make_store
from support import Conversation

from skill import clock, keys
from skill.checkins import sharing
from skill.store.base import user_pk

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC).timestamp()


@pytest.fixture(params=KINDS)
def store(request, tmp_path, monkeypatch):
    yield from make_store(request.param, tmp_path, monkeypatch)


@pytest.fixture(autouse=True)
def monday():
    """The product's clock at Monday 9 am; each check-in moves it on an hour."""
    clock.set_clock(MONDAY)


def check_in(convo: Conversation, pain: str, subject: str | None = None) -> None:
    clock.advance(3600)  # an hour apart, so their order is plain
    convo.launch()
    turn = convo.intent("CheckInIntent", **({"subject": subject} if subject else {}))
    if "Is that okay?" in turn.text:
        convo.yes()
    convo.intent("PainScaleIntent", score=pain)
    convo.no()
    convo.no()
    convo.yes()


def share(owner: Conversation) -> str:
    owner.launch()
    turn = owner.intent("ShareIntent")
    (code,) = set(re.findall(r'<say-as interpret-as="digits">(\d{6})</say-as>', turn.ssml))
    return code


def connect(caregiver: Conversation, code: str, call_them: str | None = None):
    caregiver.launch()
    turn = caregiver.intent("ConnectIntent", code=code)
    assert turn.text.startswith("Connected."), turn.text
    if call_them:
        assert "Who is this person to you?" in turn.text
        turn = caregiver.says(subject=call_them)
    return turn


def summary(caregiver: Conversation, subject: str | None = None):
    caregiver.launch()
    return caregiver.intent("SummaryIntent", **({"subject": subject} if subject else {}))


def test_how_is_mom_reads_moms_check_ins_not_the_first_account_with_data(store):
    """The reported mix-up: linked to two people, "how is mom" gave Bob's check-ins."""
    bob = Conversation(store=store, user="bob")
    for pain in ("7", "8"):
        check_in(bob, pain)
    alice = Conversation(store=store, user="alice")
    check_in(alice, "3")
    carer = Conversation(store=store, user="carer")
    connect(carer, share(bob), call_them="father")
    connect(carer, share(alice), call_them="mother")
    mom = summary(carer, "mother")
    assert "one check-in for your mom" in mom.text and "8" not in mom.text
    dad = summary(carer, "father")
    assert "2 check-ins for your dad" in dad.text and "from 7 to 8" in dad.text


def test_nobody_shared_that_person_is_said_plainly(store):
    bob = Conversation(store=store, user="bob")
    check_in(bob, "7")
    carer = Conversation(store=store, user="carer")
    connect(carer, share(bob), call_them="father")
    turn = summary(carer, "mother")
    assert turn.text.startswith("No one has shared check-ins for your mom with you.")
    assert "check-ins for your dad" not in turn.text


def test_with_several_people_and_none_named_the_skill_asks_which(store):
    alice, bob = Conversation(store=store, user="alice"), Conversation(store=store, user="bob")
    check_in(alice, "3")
    check_in(bob, "6")
    carer = Conversation(store=store, user="carer")
    connect(carer, share(alice), call_them="mother")
    connect(carer, share(bob), call_them="father")
    turn = summary(carer)  # "how are they doing?"
    assert "Whose check-ins would you like to hear: your mom or your dad?" in turn.text
    (directive,) = turn.response["directives"]
    assert directive["type"] == "Dialog.ElicitSlot" and directive["slotToElicit"] == "subject"
    answer = carer.send(carer.envelope({
        "type": "IntentRequest", "dialogState": "IN_PROGRESS",
        "intent": {"name": "SummaryIntent", "confirmationStatus": "NONE",
                   "slots": {"subject": _person("father")}}}))
    assert "one check-in for your dad" in answer.text


def _person(value: str) -> dict:
    from support import slot_json

    return slot_json("subject", value)


def test_a_sibling_sharing_moms_check_ins_needs_no_naming(store):
    """Bob checks in for his mother; his sister hears "mom" from Bob's "mother" profile."""
    bob = Conversation(store=store, user="bob")
    check_in(bob, "5", subject="mother")
    check_in(bob, "4", subject="mother")
    sister = Conversation(store=store, user="sister")
    turn = connect(sister, share(bob))
    assert "Who is this person to you?" not in turn.text
    assert "2 check-ins for your mom" in summary(sister, "mother").text
    assert summary(sister, "father").text.startswith("No one has shared")


def test_check_ins_under_a_recognised_voice_are_shared_by_that_voice(store):
    alice = Conversation(store=store, user="household", person="alice")
    bob = Conversation(store=store, user="household", person="bob")
    check_in(alice, "2")
    check_in(alice, "3")
    check_in(bob, "9")
    carer = Conversation(store=store, user="carer")
    connect(carer, share(alice), call_them="mother")
    turn = summary(carer, "mother")
    assert "2 check-ins for your mom" in turn.text and "9" not in turn.text
    voice = "voice-" + keys.person_key("amzn1.ask.person.alice")
    assert [s.profile for s in sharing.shared_with_me(store, keys.user_key(carer.user_id))] == [
        voice]


def test_people_the_owner_starts_checking_in_for_after_sharing_are_shared_too(store):
    """Bob shares, then starts checking in for his mother: his sister hears mom's without a
    new code (Bob was told "and any you start for other people")."""
    bob = Conversation(store=store, user="bob")
    sister = Conversation(store=store, user="sister")
    connect(sister, share(bob), call_them="brother")
    assert summary(sister, "mother").text.startswith("No one has shared")
    check_in(bob, "6", subject="mother")
    assert "one check-in for your mom" in summary(sister, "mother").text
    bob.launch()
    bob.intent("StopSharingIntent")
    bob.yes()
    assert summary(sister, "mother").text.startswith("No one has shared")


def test_another_voice_on_the_account_is_not_shared_later(store):
    alice = Conversation(store=store, user="household", person="alice")
    bob = Conversation(store=store, user="household", person="bob")
    check_in(alice, "2")
    carer = Conversation(store=store, user="carer")
    connect(carer, share(alice), call_them="mother")
    check_in(bob, "9")  # Bob's own check-ins, begun after Alice shared hers
    voice = "voice-" + keys.person_key("amzn1.ask.person.alice")
    assert [s.profile for s in sharing.shared_with_me(store, keys.user_key(carer.user_id))] == [
        voice]


def test_another_voices_people_are_never_shared_as_the_sharers(store):
    """Issue 23, row 1: Alice shares ("and any you start for other people"); Bob, another
    recognised voice on the account, checks in for his mother and his son. The caregiver
    used to hear both as Alice's "your mom" and "your son"."""
    alice = Conversation(store=store, user="household", person="alice")
    bob = Conversation(store=store, user="household", person="bob")
    check_in(alice, "2")
    carer = Conversation(store=store, user="carer")
    connect(carer, share(alice), call_them="wife")
    check_in(bob, "9", subject="mother")
    check_in(bob, "8", subject="son")
    assert summary(carer, "mother").text.startswith("No one has shared")
    assert summary(carer, "son").text.startswith("No one has shared")
    check_in(alice, "4", subject="mother")  # Alice's own mother: hers to share
    mom = summary(carer, "mother")
    assert "one check-in for your mom" in mom.text and "9" not in mom.text


def test_a_guest_never_shares_a_voices_people(store):
    """A guest (no recognised voice) on an account whose voice shared: the guest's "mom"
    is the account's, not the voice's."""
    alice = Conversation(store=store, user="household", person="alice")
    guest = Conversation(store=store, user="household")
    check_in(alice, "2")
    carer = Conversation(store=store, user="carer")
    connect(carer, share(alice), call_them="wife")
    check_in(guest, "7", subject="mother")
    assert summary(carer, "mother").text.startswith("No one has shared")


def test_a_share_names_only_the_people_its_owner_checks_in_for(store):
    alice = Conversation(store=store, user="household", person="alice")
    bob = Conversation(store=store, user="household", person="bob")
    check_in(alice, "2", subject="father")
    check_in(bob, "9", subject="son")
    alice.launch()
    turn = alice.intent("ShareIntent")
    assert "dad" in turn.text and "son" not in turn.text
    (code,) = set(re.findall(r'<say-as interpret-as="digits">(\d{6})</say-as>', turn.ssml))
    carer = Conversation(store=store, user="carer")
    connect(carer, code)
    assert summary(carer, "son").text.startswith("No one has shared")
    assert "one check-in for your dad" in summary(carer, "father").text


def test_someone_not_yet_named_is_named_when_first_asked_about(store):
    alice = Conversation(store=store, user="alice")
    check_in(alice, "3")
    carer = Conversation(store=store, user="carer")
    carer.launch()
    carer.intent("ConnectIntent", code=share(alice))
    carer.intent("AMAZON.StopIntent")  # left without saying who it was
    turn = summary(carer, "mother")
    assert "I don't know yet who they are to you" in turn.text
    answer = carer.intent("SummaryIntent", subject="mother")  # "how is my mom"
    assert "one check-in for your mom" in answer.text
    assert "one check-in for your mom" in summary(carer, "mother").text


def test_naming_never_swallows_a_red_flag(store):
    alice = Conversation(store=store, user="alice")
    check_in(alice, "3")
    carer = Conversation(store=store, user="carer")
    carer.launch()
    carer.intent("ConnectIntent", code=share(alice))
    heard = carer.says(subject="mother", symptom="breathless")
    assert heard.confirming == "breathless"
    assert carer.confirms().disposition == "emergency"


def test_deleting_data_removes_the_links_both_ways(store):
    alice, bob = Conversation(store=store, user="alice"), Conversation(store=store, user="bob")
    check_in(alice, "3")
    carer = Conversation(store=store, user="carer")
    connect(carer, share(alice), call_them="mother")
    check_in(carer, "4")
    connect(bob, share(carer), call_them="friend")
    carer.launch()
    carer.intent("DeleteDataIntent")
    assert "deleted" in carer.yes().text
    carer_key = keys.user_key(carer.user_id)
    assert store.query(user_pk(carer_key)) == []
    for other in (alice, bob):
        items = store.query(user_pk(keys.user_key(other.user_id)))
        assert not [sk for sk, _ in items if carer_key in sk], "no half left behind"
    alice.launch()
    alice.intent("DeleteDataIntent")
    alice.yes()
    assert summary(bob, "friend").text.startswith("No one has shared")


def test_the_owner_hears_whose_check_ins_a_code_shares(store):
    bob = Conversation(store=store, user="bob")
    bob.launch()
    own = "It shares your own check-ins, and any you start for other people."
    assert own in bob.intent("ShareIntent").text
    check_in(bob, "5", subject="mother")
    bob.launch()
    assert "It shares the check-ins for your mom, and any" in bob.intent("ShareIntent").text
    check_in(bob, "2")
    bob.launch()
    assert "It shares the check-ins for you and your mom, and any" in bob.intent("ShareIntent").text


def test_a_link_from_before_by_was_kept_shares_only_the_accounts_own_people(store):
    """Issue 23, row 1: a link made before a share named whose people it covered shared
    every checker's. It is now read as the account's: the account's own check-ins and the
    people its "self" (no recognised voice) checks in for, never a voice's people."""
    owner = Conversation(store=store, user="household")
    bob = Conversation(store=store, user="household", person="bob")
    check_in(owner, "3")
    check_in(owner, "4", subject="father")
    carer = Conversation(store=store, user="carer")
    connect(carer, share(owner), call_them="wife")
    check_in(bob, "9", subject="mother")  # Bob's mother, begun after the share
    check_in(bob, "8", subject="father")  # and Bob's check-in for "father" too
    pk = user_pk(keys.user_key(owner.user_id))
    grant_sk = f"GRANT#{keys.user_key(carer.user_id)}"
    grant = store.get_item(pk, grant_sk)
    store.put_item(pk, grant_sk, {k: v for k, v in grant.items() if k not in ("by", "later_by")})
    assert summary(carer, "mother").text.startswith("No one has shared"), "Bob's mother"
    dad = summary(carer, "father").text
    assert "one check-in for your dad" in dad and "8" not in dad, "not Bob's check-in"
    assert "one check-in for your wife" in summary(carer, "wife").text
    sources = sharing.shared_with_me(store, keys.user_key(carer.user_id))
    assert {s.profile for s in sources} == {"self", "father"}
