"""Daily check-ins, trends, escalation, caregivers and sharing, as conversations.
The same suite runs on SQLite and on DynamoDB under moto."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from stores import KINDS, make_store
from support import Conversation

from skill import clock as skill_clock
from skill.alexa.persistence import user_key as key_of
from skill.checkins import records, sharing
from skill.store.base import StoreError, user_pk
from skill.triage.engine import Protocol, load_protocol, protocol_version

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=UTC).timestamp()
DAY = 86400


@pytest.fixture(params=KINDS)
def store(request, tmp_path, monkeypatch):
    yield from make_store(request.param, tmp_path, monkeypatch)


@pytest.fixture
def clock():
    """The product's clock (check-in times, code expiry, TTLs), at Monday 9 am."""
    skill_clock.set_clock(MONDAY_9AM)
    return skill_clock


def user_hash(convo: Conversation) -> str:
    import json

    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope
    env = DefaultSerializer().deserialize(json.dumps(convo.envelope({"type": "LaunchRequest"})),
                                          RequestEnvelope)
    convo.session_id = None
    return key_of(env)


def check_in(convo: Conversation, pain: str, stretches: str = "yes",
             subject: str | None = None, consent: bool = True) -> str:
    convo.launch()
    turn = convo.intent("CheckInIntent", **({"subject": subject} if subject else {}))
    if "Is that okay?" in turn.text:
        turn = convo.yes() if consent else convo.no()
    assert "scale of zero to ten" in turn.text
    convo.intent("PainScaleIntent", score=pain)
    convo.no()  # breathless, chest pain, cold leg?
    convo.no()  # new swelling, warmth, numbness?
    turn = convo.intent(f"AMAZON.{stretches.title()}Intent")
    return turn.text


def test_the_first_check_in_asks_consent_and_is_stored(store, clock):
    convo = Conversation(store=store)
    convo.launch()
    turn = convo.intent("CheckInIntent")
    assert "Is that okay?" in turn.text and "90 days" in turn.text
    turn = convo.yes()
    assert turn.text.endswith("how bad is your pain today?")
    convo.intent("PainScaleIntent", score="6")
    convo.no()
    convo.no()
    turn = convo.yes()
    assert "first check-in" in turn.text and "6 out of ten" in turn.text
    saved = records.history(store, user_hash(convo), "self")
    assert [(c.pain, c.stretches, c.disposition) for c in saved] == [(6, True, "self_care")]


def test_the_trend_is_spoken_against_the_last_check_in(store, clock):
    convo = Conversation(store=store)
    check_in(convo, "6")
    clock.advance(2 * DAY)  # Wednesday
    text = check_in(convo, "3")
    assert "down from 6 to 3 since Monday" in text
    clock.advance(DAY)
    assert "up from 3 to 4 since yesterday" in check_in(convo, "4")


def test_pain_rising_at_each_check_in_advises_a_doctor(store, clock):
    convo = Conversation(store=store)
    for pain in ("3", "5"):
        check_in(convo, pain)
        clock.advance(DAY)
    text = check_in(convo, "7")
    assert "see a doctor in the next few days" in text
    assert records.history(store, user_hash(convo), "self")[-1].disposition == "doctor"


def test_no_improvement_after_two_weeks_advises_a_doctor(store, clock):
    convo = Conversation(store=store)
    check_in(convo, "4")
    clock.advance(7 * DAY)
    assert "doctor" not in check_in(convo, "3")
    clock.advance(8 * DAY)
    assert "hasn't improved in two weeks" in check_in(convo, "4")


def test_a_warning_sign_in_a_check_in_goes_straight_to_the_warning_and_is_stored(store, clock):
    convo = Conversation(store=store, locale="en-GB")
    convo.launch()
    convo.intent("CheckInIntent")
    convo.yes()
    convo.intent("PainScaleIntent", score="5")
    turn = convo.yes()  # breathless or a cold leg since last time
    assert turn.text.startswith("This could be serious. Call 999 now.")
    assert not turn.ended  # open a while, as after any warning: "what's the number?"
    saved = records.history(store, user_hash(convo), "self")
    assert saved[-1].disposition == "emergency" and saved[-1].red_flags == ("emergency",)


def test_not_knowing_about_new_swelling_is_treated_as_a_warning(store, clock):
    convo = Conversation(store=store)
    convo.launch()
    convo.intent("CheckInIntent")
    convo.yes()
    convo.intent("PainScaleIntent", score="4")
    convo.no()
    turn = convo.dont_know()
    assert "should be seen today" in turn.text


def test_declining_consent_stores_nothing(store, clock):
    convo = Conversation(store=store)
    text = check_in(convo, "5", consent=False)
    assert "wasn't saved" in text
    assert records.history(store, user_hash(convo), "self") == []


def test_check_ins_for_my_mom_are_kept_apart_from_mine(store, clock):
    convo = Conversation(store=store)
    check_in(convo, "2")
    text = check_in(convo, "8", subject="mother")
    assert "first check-in for them" in text or "first check-in" in text
    user = user_hash(convo)
    assert [c.pain for c in records.history(store, user, "self")] == [2]
    assert [c.pain for c in records.history(store, user, "mother")] == [8]


def test_a_recognised_voice_gets_its_own_me(store, clock):
    alice = Conversation(store=store, user="household", person="alice")
    bob = Conversation(store=store, user="household", person="bob")
    check_in(alice, "7")
    text = check_in(bob, "2")
    assert "first check-in" in text, "Bob's history is not Alice's"


def test_a_storage_failure_still_gives_the_warning_and_says_it_was_not_saved(clock):
    class BrokenStore:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise StoreError("throttled")
            return fail

    convo = Conversation(store=BrokenStore())
    convo.launch()
    convo.intent("CheckInIntent")
    convo.yes()
    convo.intent("PainScaleIntent", score="5")
    convo.no()
    turn = convo.yes()  # new swelling
    assert "should be seen today" in turn.text


def test_caregiver_hears_a_weekly_summary_with_a_card(store, clock):
    convo = Conversation(store=store)
    for pain, stretches in (("6", "yes"), ("5", "no"), ("3", "yes")):
        check_in(convo, pain, stretches, subject="mother")
        clock.advance(DAY)
    convo.launch()
    turn = convo.intent("SummaryIntent", subject="mother")
    assert "3 check-ins for your mom" in turn.text
    assert "from 6 to 3" in turn.text
    assert "Stretches were done on 2 of 3" in turn.text
    assert turn.card and "6 to 3" in turn.card["content"]


def test_sharing_with_a_code_lets_a_second_account_hear_the_summary(store, clock):
    owner = Conversation(store=store, user="owner")
    check_in(owner, "5")
    clock.advance(DAY)
    check_in(owner, "4")
    owner.launch()
    shared = owner.intent("ShareIntent")
    code = spoken_code(shared)
    assert code not in shared.card["content"], "the code is spoken, never shown on the card"
    caregiver = Conversation(store=store, user="caregiver")
    caregiver.launch()
    turn = caregiver.intent("ConnectIntent", code=code)
    assert turn.text.startswith("Connected.")
    assert "Who is this person to you?" in turn.text
    turn = caregiver.says(subject="mother")  # "my mom"
    assert "Now you can ask how your mom is doing." in turn.text
    turn = caregiver.intent("SummaryIntent", subject="mother")
    assert "2 check-ins" in turn.text
    # The code worked once.
    stranger = Conversation(store=store, user="stranger")
    stranger.launch()
    assert "didn't work" in stranger.intent("ConnectIntent", code=code).text
    # Stop sharing revokes.
    owner.launch()
    assert "Nobody else" in owner.intent("StopSharingIntent").text
    caregiver.launch()
    assert "2 check-ins" not in caregiver.intent("SummaryIntent", subject="mother").text


def test_a_share_code_expires_after_ten_minutes(store, clock):
    code = sharing.create_code(store, "owner")
    clock.advance(601)
    assert sharing.redeem(store, "viewer", code).reason == "wrong"


def test_five_wrong_codes_lock_the_account_out_even_for_the_right_code(store, clock):
    code = sharing.create_code(store, "owner")
    wrong = "100000" if code != "100000" else "100001"
    for _ in range(5):
        assert sharing.redeem(store, "viewer", wrong).reason == "wrong"
    assert sharing.redeem(store, "viewer", code).reason == "locked"
    clock.advance(3601)
    assert sharing.redeem(store, "viewer", code).reason == "wrong", "the code expired meanwhile"


def test_nobody_reads_a_profile_they_were_not_given(store, clock):
    owner = Conversation(store=store, user="owner")
    check_in(owner, "5")
    sharing.create_code(store, key_of_user(owner))
    snoop = Conversation(store=store, user="snoop")
    snoop.launch()
    turn = snoop.intent("SummaryIntent")
    assert "no check-ins" in turn.text.lower()
    own_code = sharing.create_code(store, "snoop-self")
    assert sharing.redeem(store, "snoop-self", own_code).reason == "own"
    assert sharing.shared_with_me(store, "snoop") == []


def spoken_code(turn) -> str:
    """The six digits the skill spoke (digit by digit)."""
    import re

    (code,) = set(re.findall(r'<say-as interpret-as="digits">(\d{6})</say-as>', turn.ssml))
    return code


def key_of_user(convo: Conversation) -> str:
    return user_hash(convo)


def test_delete_my_data_after_confirmation_leaves_nothing(store, clock):
    owner = Conversation(store=store, user="owner")
    check_in(owner, "5")
    user = user_hash(owner)
    caregiver_key = "caregiver-key"
    code = sharing.create_code(store, user)
    sharing.redeem(store, caregiver_key, code)
    owner.launch()
    turn = owner.intent("DeleteDataIntent")
    assert "Are you sure?" in turn.text
    turn = owner.no()
    assert "nothing was deleted" in turn.text
    assert records.history(store, user, "self")
    owner.launch()
    owner.intent("DeleteDataIntent")
    assert "deleted" in owner.yes().text
    assert store.query(user_pk(user)) == []
    assert store.query(user_pk(caregiver_key), "ACCESS#") == []


def test_skill_disabled_without_keeping_data_leaves_nothing(store, clock):
    owner = Conversation(store=store, user="owner")
    check_in(owner, "5")
    user = user_hash(owner)
    event = owner.envelope({"type": "AlexaSkillEvent.SkillDisabled",
                            "eventCreationTime": "2026-11-25T10:00:00Z",
                            "eventPublishingTime": "2026-11-25T10:00:00Z",
                            "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"}})
    del event["session"]
    owner.send(event)
    assert store.query(user_pk(user)) == []


def test_skill_disabled_keeping_data_keeps_it(store, clock):
    owner = Conversation(store=store, user="owner")
    check_in(owner, "5")
    user = user_hash(owner)
    event = owner.envelope({"type": "AlexaSkillEvent.SkillDisabled",
                            "eventCreationTime": "2026-11-25T10:00:00Z",
                            "eventPublishingTime": "2026-11-25T10:00:00Z",
                            "body": {"userInformationPersistenceStatus": "PERSISTED"}})
    del event["session"]
    owner.send(event)
    assert records.history(store, user, "self")


def test_check_ins_expire_after_the_retention_period(store, clock):
    records.add(store, "u", records.CheckIn(at=records.now_iso(), profile="self", pain=3))
    clock.advance((records.retention_days() + 1) * DAY)
    assert records.history(store, "u", "self") == []


def test_a_check_in_is_stored_with_the_protocol_version_that_judged_it(store, clock):
    records.add(store, "u", records.CheckIn(at=records.now_iso(), profile="self", pain=3,
                                            disposition="doctor"))
    ((_, item),) = store.query(user_pk("u"), "CHECKIN#")
    assert item["protocol"] == protocol_version() == load_protocol().version
    assert records.history(store, "u", "self")[0].protocol == protocol_version()


def test_a_check_in_stored_before_versions_reads_as_none_and_still_counts(store, clock):
    at = records.now_iso()
    store.put_item(user_pk("u"), records.key("self", "old"),
                   {"at": at, "profile": "self", "pain": 4, "red_flags": [],
                    "stretches": None, "disposition": "self_care"})
    (old,) = records.history(store, "u", "self")
    assert (old.pain, old.disposition, old.protocol) == (4, "self_care", None)


def test_the_protocol_version_changes_with_the_rules_only():
    rules = load_protocol().raw
    same = Protocol(json.loads(json.dumps(rules, indent=4)))
    assert same.version == protocol_version()
    changed = json.loads(json.dumps(rules))
    changed["limits"]["max_questions"] += 1
    assert Protocol(changed).version != protocol_version()


def test_two_devices_checking_in_at_once_lose_nothing(store, clock):
    at = records.now_iso()
    errors = []

    def one(pain: int) -> None:
        try:
            records.add(store, "u", records.CheckIn(at=at, profile="self", pain=pain))
        except Exception as exc:  # noqa: BLE001 - any failure is collected and reported
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(p,)) for p in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(c.pain for c in records.history(store, "u", "self")) == list(range(8))


def test_days_are_named_in_the_devices_own_time_zone(store, clock):
    # Monday 7 pm in Los Angeles is already Tuesday 03:00 UTC on Lambda's clock.
    convo = Conversation(store=store, time_zone="America/Los_Angeles")
    clock.set_clock(datetime(2026, 11, 24, 3, 0, tzinfo=UTC).timestamp())
    check_in(convo, "6")
    clock.advance(2 * DAY)  # Wednesday 7 pm local, Thursday in UTC
    assert "down from 6 to 3 since Monday" in check_in(convo, "3")
    convo.launch()
    summary = convo.intent("SummaryIntent")
    assert "The last one was earlier today." in summary.text
    clock.advance(DAY)
    convo.launch()
    assert "The last one was yesterday." in convo.intent("SummaryIntent").text
    clock.advance(2 * DAY)  # Saturday evening local
    convo.launch()
    assert "The last one was Wednesday." in convo.intent("SummaryIntent").text


def test_pain_jumping_from_five_to_ten_advises_a_doctor():
    from skill.checkins.records import CheckIn
    from skill.checkins.trends import trend

    def at(pain: int, day: int) -> CheckIn:
        return CheckIn(at=f"2026-11-{day:02d}T09:00:00+00:00", profile="self", pain=pain)

    assert trend([at(5, 23)], at(10, 24)).escalate == "worsening"
    assert trend([at(5, 23)], at(8, 24)).escalate == "worsening"
    assert trend([at(5, 23)], at(7, 24)).escalate is None
    assert trend([at(9, 23)], at(8, 24)).escalate is None


# --- a warning sign said in passing, inside the check-in (issue 18) ----------------------


def started(convo: Conversation, subject: str | None = None) -> None:
    convo.launch()
    turn = convo.intent("CheckInIntent", **({"subject": subject} if subject else {}))
    if "Is that okay?" in turn.text:
        convo.yes()


def test_a_swollen_red_calf_said_at_the_emergency_question_is_asked_about_in_the_check_in(
    store, clock
):
    """ "Yes, since morning my calf is swollen and a little red" at "any breathlessness or a
    cold leg?": its own question next, then the breathlessness question still answered, then
    the warning, all in the check-in and stored as one."""
    convo = Conversation(store=store)
    started(convo)
    convo.intent("PainScaleIntent", score="5")
    turn = convo.intent("RedFlagIntent", location="calf", symptom="swollen")
    assert turn.text == "Any new swelling, warmth or redness in a calf or thigh, or new numbness?"
    turn = convo.yes()
    assert turn.text.startswith("Since the last check-in, any breathlessness or chest pain")
    turn = convo.no()
    assert turn.text.startswith("You should be seen today.")
    assert not turn.ended
    saved = records.history(store, user_hash(convo), "self")
    assert saved[-1].disposition == "urgent" and saved[-1].pain == 5


def test_a_cold_foot_heard_at_the_pain_question_is_confirmed_and_a_no_carries_on(store, clock):
    convo = Conversation(store=store)
    started(convo, subject="mother")
    turn = convo.intent("RedFlagIntent", location="foot", symptom="cold_pale")
    assert turn.text == "If your mom's leg or foot is cold, pale or blue, call 911 now. Is it?"
    turn = convo.no()
    assert "how bad is your mom's pain today?" in turn.text
    convo.intent("PainScaleIntent", score="3")
    convo.no()
    convo.no()
    turn = convo.yes()
    assert "Keep going with the home care" in turn.text
    assert records.history(store, user_hash(convo), "mother")[-1].red_flags == ()


def test_a_confirmed_sign_warns_and_why_then_says_what_the_check_in_heard(store, clock):
    convo = Conversation(store=store)
    started(convo)
    convo.intent("PainScaleIntent", score="6")
    convo.no()  # nothing at the emergency question
    convo.intent("RedFlagIntent", symptom="breathless")
    turn = convo.yes()
    assert turn.text.startswith("This could be serious. Call 911 now.") and not turn.ended
    turn = convo.intent("WhyIntent")
    assert turn.text.startswith("Breathlessness or chest pain with a painful leg")
    turn = convo.intent("DriveIntent")
    assert turn.text.startswith("Please don't drive. Call 911 now")
    assert records.history(store, user_hash(convo), "self")[-1].disposition == "emergency"


def test_a_direct_question_misheard_three_times_gives_the_safety_net_and_moves_on(store, clock):
    convo = Conversation(store=store)
    started(convo)
    convo.intent("RedFlagIntent", symptom="cold_pale")  # at the pain question
    convo.intent("AMAZON.FallbackIntent")
    turn = convo.intent("AMAZON.FallbackIntent")
    assert turn.text.startswith("Just yes or no, please. If your leg or foot is cold")
    turn = convo.intent("AMAZON.FallbackIntent")
    assert turn.text.startswith("I'll move on. If any of that is so, call 911 now.")
    assert turn.text.endswith("how bad is your pain today?")
    assert turn.disposition is None


def test_what_do_you_keep_at_the_consent_question_is_answered_and_asked_again(store, clock):
    convo = Conversation(store=store)
    convo.launch()
    convo.intent("CheckInIntent")
    turn = convo.intent("PrivacyIntent")
    assert turn.text.startswith("I keep only the pain score, any warning signs")
    assert turn.text.endswith("Is it okay to keep check-ins?")
    turn = convo.yes()
    assert "scale of zero to ten" in turn.text


def test_a_junk_sign_sent_back_in_the_session_is_never_spoken(store, clock):
    convo = Conversation(store=store)
    started(convo)
    convo.attributes["checkin"].update(step="confirm", finding="<audio src='x'/> pwned")
    convo.forge(convo.attributes)
    turn = convo.intent("AMAZON.RepeatIntent")
    assert "pwned" not in turn.text
