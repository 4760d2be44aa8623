"""Caregiver alerts. Both sides agree by voice; an emergency or urgent outcome on
a shared profile is spoken first, then each caregiver who agreed gets one Proactive Events
unicast (AMAZON.MessageAlert.Activated, no health words) and hears what happened at their
next launch. Against the real HTTP client and a local fake of Login with Amazon and the
Proactive Events API on 127.0.0.1 (tests/alexa_fake.py); SQLite and DynamoDB (moto)."""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from alexa_fake import CLIENT_ID, CLIENT_SECRET, FAKE
from stores import KINDS, make_store
from support import Conversation, Turn

from skill import clock, keys
from skill.alexa import alert_sender, proactive
from skill.checkins import alerts
from skill.store.base import StoreError, user_pk
from skill.store.sqlite import SqliteStore
from skill.triage.engine import protocol_version

NOTIFY = "alexa::devices:all:notifications:write"
# Words that would tell anyone near the caregiver's device something private.
HEALTH_WORDS = ["pain", "leg", "calf", "cold", "blue", "pale", "swollen", "clot", "breath",
                "911", "emergency", "urgent care", "doctor", "seen today", "check-in",
                "check in", "mom", "mother", "consent"]


@pytest.fixture(params=KINDS)
def store(request, tmp_path, monkeypatch):
    yield from make_store(request.param, tmp_path, monkeypatch)


@pytest.fixture
def sqlite(tmp_path):
    return SqliteStore(tmp_path / "s.sqlite3")


# --- the conversations ------------------------------------------------------------------


def check_in(convo: Conversation, subject: str | None = None, flags: str = "none",
             pain: str = "5"):
    """One check-in: flags "none" (self-care), "urgent" (new swelling) or "emergency"
    (breathless or a cold, blue leg since last time). Returns the last turn."""
    convo.launch()
    turn = convo.intent("CheckInIntent", **({"subject": subject} if subject else {}))
    if "Is that okay?" in turn.text:
        convo.yes()
    convo.intent("PainScaleIntent", score=pain)
    if flags == "emergency":
        return convo.yes()
    convo.no()
    if flags == "urgent":
        return convo.yes()
    convo.no()
    return convo.yes()


def share(owner: Conversation) -> str:
    owner.launch()
    turn = owner.intent("ShareIntent")
    (code,) = set(re.findall(r'<say-as interpret-as="digits">(\d{6})</say-as>', turn.ssml))
    return code


def connect(carer: Conversation, code: str, call_them: str | None = None) -> None:
    carer.launch()
    turn = carer.intent("ConnectIntent", code=code)
    assert turn.text.startswith("Connected."), turn.text
    if "Who is this person to you?" in turn.text:
        carer.says(subject=call_them or "mother")


def wants_alerts(carer: Conversation, subject: str | None = None):
    carer.launch()
    return carer.intent("SendMeAlertsIntent", **({"subject": subject} if subject else {}))


def alerts_on(owner: Conversation):
    owner.launch()
    turn = owner.intent("AlertCaregiversIntent")
    assert "Shall I turn on alerts for your caregivers?" in turn.text
    return owner.yes()


def linked(store, owner: str = "owner", carers: tuple[str, ...] = ("carer",),
           locale: str = "en-US", owner_locale: str = "en-US",
           ) -> tuple[Conversation, list[Conversation]]:
    """An owner who checks in for their mom and shares that, caregivers who connected and
    asked for alerts (with the notifications permission), and alerts on at the owner's."""
    mom = Conversation(store=store, user=owner, locale=owner_locale)
    check_in(mom, "mother")
    found = []
    for name in carers:
        carer = Conversation(store=store, user=name, permissions=(NOTIFY,), locale=locale)
        connect(carer, share(mom))
        assert "your Alexa will get a notification" in wants_alerts(carer).text
        found.append(carer)
    assert alerts_on(mom).text.startswith("Done. Your caregivers who asked for alerts")
    return mom, found


def events() -> list[dict]:
    return [c["body"] for c in FAKE.events()]


def items(store, convo: Conversation, prefix: str = "") -> list[tuple[str, dict]]:
    return store.query(user_pk(keys.user_key(convo.user_id)), prefix)


# --- the alert ----------------------------------------------------------------------------


def test_an_emergency_check_in_sends_one_unicast_message_alert_to_the_caregiver(store, lwa):
    mom, (carer,) = linked(store, locale="en-GB")
    turn = check_in(mom, "mother", flags="emergency")
    assert turn.text.startswith("This could be serious. Call 911 now."), "the warning first"
    (token_call,) = FAKE.token_calls()
    assert token_call["content_type"] == "application/x-www-form-urlencoded"
    assert token_call["body"] == {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                  "client_secret": CLIENT_SECRET,
                                  "scope": "alexa::proactive_events"}
    (call,) = FAKE.events()
    assert call["path"] == "/v1/proactiveEvents"
    assert call["auth"] == f"Bearer {FAKE.tokens_issued[0]}", "the token LWA issued"
    body = call["body"]
    assert body["event"] == {"name": "AMAZON.MessageAlert.Activated", "payload": {
        "state": {"status": "UNREAD", "freshness": "NEW"},
        "messageGroup": {"creator": {"name": "Leg Pain Guide"}, "count": 1,
                         "urgency": "URGENT"}}}
    assert body["relevantAudience"] == {"type": "Unicast",
                                        "payload": {"user": carer.user_id}}
    assert [a["locale"] for a in body["localizedAttributes"]] == ["en-GB"], "the caregiver's"
    sent = datetime.strptime(body["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    expires = datetime.strptime(body["expiryTime"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert 3600 <= (expires - sent).total_seconds() <= 24 * 3600
    assert re.fullmatch(r"[0-9a-f]{16}-[0-9a-f]{12}", body["referenceId"]), "one per caregiver"


def test_a_queued_alert_is_stored_with_the_protocol_version(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    check_in(mom, "mother", flags="emergency")
    ((_, item),) = items(sqlite, carer, alerts.PREFIX)
    assert (item["level"], item["protocol"]) == ("emergency", protocol_version())


def test_the_event_holds_no_health_words(sqlite, lwa):
    mom, _ = linked(sqlite)
    check_in(mom, "mother", flags="emergency")
    (body,) = events()
    text = json.dumps(body).lower().replace("leg pain guide", "")  # the skill's own name
    text = text.replace('"urgency": "urgent"', "")  # the schema's urgency flag
    for word in HEALTH_WORDS:
        assert word not in text, word


def test_the_development_stage_has_its_own_path(sqlite, lwa, monkeypatch):
    monkeypatch.setenv("ALEXA_EVENTS_STAGE", "development")
    mom, _ = linked(sqlite)
    check_in(mom, "mother", flags="emergency")
    assert [c["path"] for c in FAKE.events()] == ["/v1/proactiveEvents/stages/development"]


def test_the_token_is_fetched_once_and_reused_until_it_expires(sqlite, lwa, monkeypatch):
    mom, _ = linked(sqlite)
    check_in(mom, "mother", flags="emergency")
    check_in(mom, "mother", flags="urgent")
    assert len(FAKE.token_calls()) == 1
    assert [c["auth"] for c in FAKE.events()] == ["Bearer lwa-token-1"] * 2
    # An hour later (less the minute kept in hand) the cached token is not used again.
    later = clock.monotonic() + 3600
    monkeypatch.setattr(clock, "monotonic", lambda: later)
    check_in(mom, "mother", flags="urgent")
    assert len(FAKE.token_calls()) == 2
    assert FAKE.events()[-1]["auth"] == "Bearer lwa-token-2"


def test_urgency_is_marked_only_for_an_emergency(sqlite, lwa):
    mom, _ = linked(sqlite)
    turn = check_in(mom, "mother", flags="urgent")
    assert "should be seen today" in turn.text
    (body,) = events()
    assert "urgency" not in body["event"]["payload"]["messageGroup"]


def test_two_caregivers_both_get_one(store, lwa):
    mom, carers = linked(store, carers=("daughter", "son"))
    check_in(mom, "mother", flags="emergency")
    sent = events()
    assert sorted(b["relevantAudience"]["payload"]["user"] for b in sent) == sorted(
        c.user_id for c in carers)
    assert len({b["referenceId"] for b in sent}) == 2


@pytest.mark.parametrize("side", ["caregiver", "owner"])
def test_stop_alerts_on_either_side_stops_them(store, lwa, side):
    mom, (carer,) = linked(store)
    who = carer if side == "caregiver" else mom
    who.launch()
    turn = who.intent("StopAlertsIntent")
    expected = "You won't get alerts" if side == "caregiver" else "Your caregivers won't be"
    assert expected in turn.text
    check_in(mom, "mother", flags="emergency")
    assert events() == [] and FAKE.token_calls() == []
    assert items(store, carer, alerts.PREFIX) == [], "nothing queued either"
    assert carer.launch().text.startswith("Welcome back")


def test_saying_no_to_the_owner_question_leaves_alerts_off(sqlite, lwa):
    mom = Conversation(store=sqlite, user="owner")
    check_in(mom, "mother")
    carer = Conversation(store=sqlite, user="carer", permissions=(NOTIFY,))
    connect(carer, share(mom))
    wants_alerts(carer)
    mom.launch()
    mom.intent("AlertCaregiversIntent")
    assert "won't be alerted" in mom.no().text
    check_in(mom, "mother", flags="emergency")
    assert events() == []


@pytest.mark.parametrize("outcome", ["self_care", "doctor"])
def test_no_alert_for_self_care_or_doctor(sqlite, lwa, outcome, monkeypatch):
    clock.set_clock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC).timestamp())
    mom, (carer,) = linked(sqlite)  # mom's first check-in: pain 5
    clock.advance(86400)
    if outcome == "self_care":
        turn = check_in(mom, "mother")
        assert "Keep going with the home care" in turn.text
    else:  # the pain rose at each of the last two check-ins: see a doctor within days
        check_in(mom, "mother", pain="6")
        clock.advance(86400)
        turn = check_in(mom, "mother", pain="7")
        assert "see a doctor in the next few days" in turn.text
    stored = alerts.waiting(sqlite, keys.user_key(carer.user_id))
    assert stored == [] and events() == [] and FAKE.token_calls() == []


def test_no_alert_for_a_doctor_outcome_in_triage(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    mom.launch()
    mom.says(subject="mother", location="calf", trigger="walking")
    no_flags = {"pe_signs": "no", "limb_threat": "no", "dvt_signs": "no", "compartment": "no",
                "injury_signs": "no", "necrotising": "no",
                "unwell": "no", "both_legs": "no", "sudden_severe": "no",
                "statin": "no", "claudication": "yes"}
    turn = mom.answer_until_outcome(no_flags)
    assert turn.disposition == "doctor"
    assert events() == [] and items(sqlite, carer, alerts.PREFIX) == []


def test_a_triage_about_a_shared_person_alerts_too_and_is_heard_as_such(store, lwa):
    mom, (carer,) = linked(store)
    mom.launch()
    mom.says(subject="mother", location="calf", symptom="cold_pale")
    turn = mom.confirms()
    assert turn.disposition == "emergency" and turn.text.startswith("This could be serious.")
    (body,) = events()
    assert body["relevantAudience"]["payload"]["user"] == carer.user_id
    heard = carer.launch().text
    assert re.match(r"Since [a-z ]+, when your mom told me about her leg, I said she should "
                    r"call 911 now\. If you can, call her or call 911 for her\. Welcome back",
                    heard), heard


def test_a_red_flag_said_during_a_check_in_is_that_check_ins(sqlite, lwa):
    """ "Her leg has gone cold and blue" at the pain question: a statement about the person
    checked in for, asked about directly inside the check-in, and alerted as her check-in."""
    mom, (carer,) = linked(sqlite)
    mom.launch()
    mom.intent("CheckInIntent", subject="mother")
    asked = mom.intent("RedFlagIntent", location="whole_leg", symptom="cold_pale")
    assert asked.text.startswith("If your mom's leg or foot is cold, pale or blue, call 911 now.")
    assert events() == []  # nothing is alerted on the words alone
    turn = mom.confirms()
    assert turn.text.startswith("This could be serious.") and not turn.ended
    assert len(events()) == 1
    assert "your mom's check-in said she should call 911 now." in carer.launch().text


def test_one_profile_shared_is_not_another(sqlite, lwa):
    """Only the profiles a code covered: the owner's own triage is not mom's."""
    mom, (carer,) = linked(sqlite)
    mom.launch()
    mom.says(location="calf", symptom="breathless")  # about the owner, not shared
    mom.confirms()
    assert events() == [] and items(sqlite, carer, alerts.PREFIX) == []


def test_alerts_about_mom_leave_dad_out(sqlite, lwa):
    mom = Conversation(store=sqlite, user="mom")
    dad = Conversation(store=sqlite, user="dad")
    check_in(mom)
    check_in(dad)
    carer = Conversation(store=sqlite, user="carer", permissions=(NOTIFY,))
    connect(carer, share(mom), call_them="mother")
    connect(carer, share(dad), call_them="father")
    turn = wants_alerts(carer, "mother")
    assert "If your mom's check-ins end with advice" in turn.text
    for owner in (mom, dad):
        alerts_on(owner)
        check_in(owner, flags="emergency")
    (body,) = events()
    assert body["relevantAudience"]["payload"]["user"] == carer.user_id
    heard = carer.launch().text
    assert "your mom's check-in" in heard and "dad" not in heard


def test_a_replayed_request_alerts_once(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    mom.launch()
    mom.intent("CheckInIntent", subject="mother")
    mom.intent("PainScaleIntent", score="5")
    envelope = mom.envelope({"type": "IntentRequest", "dialogState": "STARTED", "intent": {
        "name": "AMAZON.YesIntent", "confirmationStatus": "NONE", "slots": {}}})
    first = mom.send(envelope)
    again = mom.send(envelope)  # Alexa retries the same request
    assert first.text.startswith("This could be serious.") and again.text == first.text
    assert len(events()) == 1
    assert len(items(sqlite, carer, alerts.PREFIX)) == 1


# --- what the caregiver hears -------------------------------------------------------------


def at_local(zone: str, *fields: int) -> float:
    return datetime(*fields, tzinfo=ZoneInfo(zone)).timestamp()


def test_the_caregiver_hears_who_when_and_the_advice_first_in_their_own_time(
        sqlite, lwa, monkeypatch):
    clock.set_clock(at_local("America/New_York", 2026, 11, 24, 9, 0))
    mom, _ = linked(sqlite)
    carer = Conversation(store=sqlite, user="carer", time_zone="America/New_York")
    # Tuesday 7:30 PM in New York is already Wednesday in UTC (the stored time).
    clock.set_clock(at_local("America/New_York", 2026, 11, 24, 19, 30))
    check_in(mom, "mother", flags="urgent")
    clock.set_clock(at_local("America/New_York", 2026, 11, 25, 8, 0))
    turn = carer.launch()
    assert turn.text.startswith(
        "Since yesterday evening, your mom's check-in said she should be seen today. "
        "If you can, call her. Welcome back to Leg Pain Guide."), turn.text
    assert not turn.ended and "Where is the pain" in turn.reprompt
    assert carer.launch().text.startswith("Welcome back"), "heard once"


def test_the_most_serious_advice_is_heard_since_it_was_first_given(sqlite, lwa, monkeypatch):
    clock.set_clock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC).timestamp())  # Monday afternoon
    mom, (carer,) = linked(sqlite)
    check_in(mom, "mother", flags="urgent")
    clock.advance(3600)
    check_in(mom, "mother", flags="emergency")
    clock.advance(3600)
    check_in(mom, "mother", flags="urgent")
    clock.advance(4 * 86400)  # Friday
    heard = carer.launch().text
    assert heard.startswith("Since Monday afternoon, your mom's check-in said she should "
                            "call 911 now. If you can, call her or call 911 for her. "
                            "Welcome back"), heard


WHAT_TO_DO = {
    "emergency": "{mum}'s check-in said she should call {n} now. "
                 "If you can, call her or call {n} for her.",
    "urgent": "{mum}'s check-in said she should be seen today. If you can, call her.",
}


@pytest.mark.parametrize(("locale", "mum", "number"), [("en-GB", "your mum", "999"),
                                                         ("en-US", "your mom", "911")])
@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_the_caregiver_hears_the_advice_and_what_they_can_do_for_the_person(
        sqlite, lwa, locale, mum, number, level):
    mom, (carer,) = linked(sqlite, locale=locale, owner_locale=locale)
    warning = check_in(mom, "mother", flags=level)
    assert "If you can" not in warning.text, "the owner hears nothing extra"
    heard = carer.launch().text
    expected = WHAT_TO_DO[level].format(mum=mum, n=number)
    assert re.match(rf"Since [a-z ]+, {re.escape(expected)} Welcome back", heard), heard


def four_people_then_an_emergency_and_three_urgent(store) -> Conversation:
    """A caregiver who gets alerts about four people: gran's check-in says call 911, then
    mom's, dad's and sister's (an hour apart, in that order) say be seen today."""
    clock.set_clock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC).timestamp())
    carer = Conversation(store=store, user="carer", permissions=(NOTIFY,))
    owners = {}
    for label in ("grandmother", "mother", "father", "sister"):
        owner = Conversation(store=store, user=label)
        check_in(owner)
        connect(carer, share(owner), call_them=label)
        owners[label] = owner
    wants_alerts(carer)
    for owner in owners.values():
        alerts_on(owner)
    check_in(owners["grandmother"], flags="emergency")
    for label in ("mother", "father", "sister"):
        clock.advance(3600)
        check_in(owners[label], flags="urgent")
    assert len(items(store, carer, alerts.PREFIX)) == 4
    return carer


def waiting_about(store, carer: Conversation) -> list[str]:
    return [a.label for a in alerts.waiting(store, keys.user_key(carer.user_id))]


def test_an_emergency_is_heard_first_and_alerts_not_spoken_stay_until_yes_hears_them(
        sqlite, lwa):
    carer = four_people_then_an_emergency_and_three_urgent(sqlite)
    turn = carer.launch()
    said = [turn.text.index(f"your {who}'s check-in") for who in ("grandma", "sister", "dad")]
    assert turn.text.startswith("Since ") and said == sorted(said), turn.text
    assert "your grandma's check-in said she should call 911 now." in turn.text
    assert "mom" not in turn.text, "at most three at once"
    assert turn.text.endswith("You have one more. Want to hear it?"), turn.text
    assert "Welcome" not in turn.text and not turn.ended
    assert waiting_about(sqlite, carer) == ["mother"], "only the ones spoken are gone"
    turn = carer.yes()
    assert turn.text.startswith("Since "), turn.text
    assert "your mom's check-in said she should be seen today." in turn.text
    assert "Welcome back to Leg Pain Guide." in turn.text and not turn.ended
    assert items(sqlite, carer, alerts.PREFIX) == [], "none remain once heard"
    assert carer.launch().text.startswith("Welcome back")


def test_no_to_hearing_more_alerts_carries_on_to_the_welcome_and_keeps_them(sqlite, lwa):
    carer = four_people_then_an_emergency_and_three_urgent(sqlite)
    carer.launch()
    turn = carer.no()
    assert turn.text.startswith("Welcome back to Leg Pain Guide."), turn.text
    assert "Where is the pain" in turn.reprompt and not turn.ended
    assert waiting_about(sqlite, carer) == ["mother"]
    assert "your mom's check-in said she should be seen today." in carer.launch().text


def test_alerts_expire_with_check_in_retention(sqlite, lwa, monkeypatch):
    clock.set_clock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC).timestamp())
    mom, (carer,) = linked(sqlite)
    check_in(mom, "mother", flags="urgent")
    ((_, data),) = items(sqlite, carer, alerts.PREFIX)
    assert data["level"] == "urgent" and "user_id" not in data
    clock.advance(91 * 86400)
    assert carer.launch().text.startswith("Welcome back")


# --- failures -------------------------------------------------------------------------------


def soon(check, within: float = 10.0) -> bool:
    """Whether `check()` comes true within a few seconds (a background thread's work)."""
    end = time.monotonic() + within
    while not check():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def emergency_check_in_turn(owner: Conversation) -> Turn:
    """An emergency check-in for mom, up to its warning turn (returned)."""
    owner.launch()
    owner.intent("CheckInIntent", subject="mother")
    owner.intent("PainScaleIntent", score="5")
    return owner.yes()


@pytest.mark.real_budgets
@pytest.mark.parametrize("hangs", ["token", "events"])
def test_the_warning_turn_is_as_fast_as_with_alerts_off_while_the_fake_hangs(
        sqlite, lwa, hangs, monkeypatch):
    """The warning turn writes the outbox and makes no network call: with Login with
    Amazon or the Proactive Events API hanging (the fake holds each call up to 10 s) it
    takes what it takes with alerts off, and the event arrives once the fake answers."""
    monkeypatch.setattr(alert_sender, "CALL_S", 1.0)  # the sender gives up on a call sooner
    mom, (carer,) = linked(sqlite)
    mom.settle = False  # the turn returns as Alexa's would, while the sender works
    FAKE.hang_token, FAKE.hang_events = hangs == "token", hangs == "events"
    on = [emergency_check_in_turn(mom) for _ in range(3)]
    assert all(t.text.startswith("This could be serious. Call 911 now.") for t in on)
    assert soon(lambda: FAKE.token_calls() and (hangs == "token" or FAKE.events())), (
        "the sender made its call, and it hangs")
    assert FAKE.delivered() == []
    FAKE.hang_token = FAKE.hang_events = False
    FAKE.release.set()  # the fake answers at last
    assert alert_sender.settle_all(30)
    assert len(FAKE.delivered()) == 3, "each warning's event, once"
    heard = carer.launch().text
    assert heard.startswith("Since ") and "your mom's check-in said she should call 911" in heard
    mom.launch()
    mom.intent("StopAlertsIntent")
    off = [emergency_check_in_turn(mom) for _ in range(3)]
    took_on = sorted(t.took for t in on)[1]
    took_off = sorted(t.took for t in off)[1]
    # Medians, with room for a shared 2-core machine; the hung call alone lasts 1 s or more.
    assert took_on < took_off * 1.5 + 0.15, f"alerts on {took_on:.3f} s, off {took_off:.3f} s"


def test_a_handler_that_raises_after_the_red_flag_still_alerts(sqlite, lwa, monkeypatch):
    """The outbox is written when the outcome is recorded, not by a response interceptor
    (which the SDK skips when an exception handler answers): the person hears the
    apology with the emergency number, and the caregiver still gets the event."""
    from skill.alexa.handlers import triage as triage_handlers

    mom, (carer,) = linked(sqlite)

    answer = triage_handlers.EmergencyHelpHandler.answer

    def broken(self, turn):
        answer(self, turn)  # the warning is decided and its outbox written; then a bug
        raise RuntimeError("reply failed")

    monkeypatch.setattr(triage_handlers.EmergencyHelpHandler, "answer", broken)
    mom.launch()
    turn = mom.intent("EmergencyHelpIntent", subject="mother")
    assert "911" in turn.text and "This could be serious" not in turn.text, "the apology"
    (call,) = FAKE.delivered()
    assert call["body"]["relevantAudience"]["payload"]["user"] == carer.user_id


def test_a_500_then_202_is_retried_and_delivered_once(sqlite, lwa, caplog):
    mom, _ = linked(sqlite)
    FAKE.events_statuses = [500, 429]
    with caplog.at_level(logging.WARNING):
        check_in(mom, "mother", flags="emergency")
    assert [c["status"] for c in FAKE.events()] == [500, 429, 202]
    assert "alert failure: event refused (500); will retry" not in caplog.text, (
        "retried within the same delivery")
    assert len({c["body"]["referenceId"] for c in FAKE.events()}) == 1, "the same event"


def test_a_403_is_final_recorded_and_the_alert_still_heard_at_launch(sqlite, lwa, caplog):
    mom, (carer,) = linked(sqlite)
    FAKE.events_status = 403
    with caplog.at_level(logging.WARNING):
        check_in(mom, "mother", flags="emergency")
    assert len(FAKE.events()) == 1, "not retried"
    assert "alert failure: event refused (403); final" in caplog.text
    ((_, data),) = items(sqlite, carer, alerts.PREFIX)
    assert data["delivery"]["state"] == "refused"
    FAKE.events_status = 202
    assert alert_sender.send_once(sqlite, alert_sender.sender_client(True)) == (0, 0)
    assert len(FAKE.events()) == 1, "never sent again"
    assert "your mom's check-in said" in carer.launch().text


def test_an_alert_left_to_retry_goes_at_the_next_turn_or_start(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    FAKE.events_status = 503
    check_in(mom, "mother", flags="urgent")
    assert FAKE.delivered() == [] and len(FAKE.events()) == alert_sender.ATTEMPTS
    ((_, data),) = items(sqlite, carer, alerts.PREFIX)
    assert data["delivery"]["state"] == "retry"
    FAKE.events_status = 202
    Conversation(store=sqlite, user="someone-else")  # a skill built on the same store
    assert alert_sender.settle_all(30)
    (call,) = FAKE.delivered()
    assert call["body"]["relevantAudience"]["payload"]["user"] == carer.user_id
    ((_, data),) = items(sqlite, carer, alerts.PREFIX)
    assert data["delivery"]["state"] == "sent"
    assert "your mom's check-in said" in carer.launch().text, "still heard at launch"


def test_python_m_skill_alerts_send_drains_the_outbox_once(tmp_path, lwa, monkeypatch, capsys):
    from skill.__main__ import main

    db = tmp_path / "store.sqlite3"
    monkeypatch.setenv("LEG_PAIN_DB", str(db))
    monkeypatch.delenv("TABLE_NAME", raising=False)
    store = SqliteStore(db)
    mom, _ = linked(store)
    FAKE.token_status = 500
    check_in(mom, "mother", flags="emergency")
    assert FAKE.delivered() == []
    FAKE.token_status = 200
    assert main(["alerts", "send", "--allow-local-fake"]) == 0
    assert "1 in the outbox, 1 done, 0 left" in capsys.readouterr().out
    assert len(FAKE.delivered()) == 1
    assert main(["alerts", "send", "--allow-local-fake"]) == 0
    assert len(FAKE.delivered()) == 1, "sent once"


def test_the_sender_drops_an_alert_whose_link_was_cut_meanwhile(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    FAKE.token_status = 500
    check_in(mom, "mother", flags="emergency")
    assert len(items(sqlite, carer, alerts.PREFIX)) == 1
    owner = keys.user_key(mom.user_id)
    sqlite.delete_item(user_pk(keys.user_key(carer.user_id)), f"ACCESS#{owner}")  # half a link
    FAKE.token_status = 200
    assert alert_sender.send_once(sqlite, alert_sender.sender_client(True)) == (1, 0)
    assert FAKE.delivered() == [] and items(sqlite, carer, alerts.PREFIX) == []


def test_an_alert_claimed_by_another_sender_is_not_sent_twice(sqlite, lwa):
    """Two senders handed the same alert (a retried batch beside a slow first try, or two
    consoles starting on one file): the conditional claim lets one send."""
    mom, (carer,) = linked(sqlite)
    FAKE.token_status = 500
    check_in(mom, "mother", flags="emergency")
    FAKE.token_status = 200
    viewer = keys.user_key(carer.user_id)
    ((sk, _),) = items(sqlite, carer, alerts.PREFIX)
    alert = alerts.outgoing(sqlite, viewer, sk)
    assert alerts.mark(sqlite, alert, alerts.SENDING, until=clock.now() + 60) is not None
    assert alerts.mark(sqlite, alert, alerts.SENDING, until=clock.now() + 60) is None, (
        "a claim over a version already replaced fails")
    assert alert_sender.send_once(sqlite, alert_sender.sender_client(True)) == (1, 1)
    assert FAKE.delivered() == [], "the other sender has it"
    clock.set_clock(clock.now() + 61)  # that sender died: its claim lapses
    assert alert_sender.send_once(sqlite, alert_sender.sender_client(True)) == (1, 0)
    assert len(FAKE.delivered()) == 1


def test_an_alert_too_old_to_push_is_held_for_launch(sqlite, lwa, caplog):
    clock.set_clock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC).timestamp())
    mom, (carer,) = linked(sqlite)
    FAKE.token_status = 500
    check_in(mom, "mother", flags="urgent")
    FAKE.token_status = 200
    clock.advance(alert_sender.MAX_AGE_S + 60)
    with caplog.at_level(logging.WARNING):
        assert alert_sender.send_once(sqlite, alert_sender.sender_client(True)) == (1, 0)
    assert FAKE.events() == [] and "alert failure: too old to push" in caplog.text
    assert "your mom's check-in said she should be seen today" in carer.launch().text


def test_the_owner_stopping_alerts_removes_the_queued_ones(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    FAKE.token_status = 500
    check_in(mom, "mother", flags="emergency")
    assert len(items(sqlite, carer, alerts.PREFIX)) == 1
    mom.launch()
    assert "Your caregivers won't be" in mom.intent("StopAlertsIntent").text
    assert items(sqlite, carer, alerts.PREFIX) == []
    assert carer.launch().text.startswith("Welcome back")


@pytest.mark.parametrize(("token_status", "events_status", "reason"), [
    (500, 202, "alert failure: token refused (500)"),
    (200, 403, "alert failure: event refused (403)"),
])
def test_a_refused_call_is_logged_and_the_alert_waits_for_launch(
        sqlite, lwa, caplog, token_status, events_status, reason):
    mom, (carer,) = linked(sqlite)
    FAKE.token_status, FAKE.events_status = token_status, events_status
    with caplog.at_level(logging.INFO):
        turn = check_in(mom, "mother", flags="emergency")
    assert turn.text.startswith("This could be serious.")
    assert reason in caplog.text
    logged = caplog.text.lower()
    for private in (carer.user_id.lower(), mom.user_id.lower(), "lwa-token", CLIENT_SECRET,
                    "cold", "breath", "mother"):
        assert private not in logged, private
    assert "your mom's check-in said" in carer.launch().text


def test_without_client_credentials_the_alert_waits_for_launch(sqlite, monkeypatch, caplog):
    for name in ("ALEXA_CLIENT_ID", "ALEXA_CLIENT_SECRET", "ALEXA_CLIENT_SECRET_PARAMETER"):
        monkeypatch.delenv(name, raising=False)
    mom, (carer,) = linked(sqlite)
    with caplog.at_level(logging.WARNING):
        check_in(mom, "mother", flags="emergency")
    assert "alert failure: no client id or secret configured" in caplog.text
    assert FAKE.token_calls() == [] and events() == []
    assert "your mom's check-in said" in carer.launch().text


@pytest.mark.parametrize("endpoint", [
    "https://api.attacker.example",  # a forged apiEndpoint
    "https://evil.example\\@api.amazonalexa.com",  # requests would connect to evil.example
])
def test_the_token_never_goes_outside_alexas_api_hosts(sqlite, lwa, caplog, endpoint):
    mom = Conversation(store=sqlite, user="owner")
    check_in(mom, "mother")
    carer = Conversation(store=sqlite, user="carer", permissions=(NOTIFY,))
    connect(carer, share(mom))
    carer.launch()
    carer.api_endpoint = endpoint  # stored with the caregiver's opt-in
    carer.intent("SendMeAlertsIntent")
    carer.api_endpoint = None
    alerts_on(mom)
    with caplog.at_level(logging.WARNING):
        check_in(mom, "mother", flags="emergency")
    assert "alert failure: the API endpoint is not one of Alexa's" in caplog.text
    assert events() == []


def test_events_url_takes_only_alexas_hosts():
    assert proactive.events_url("https://api.eu.amazonalexa.com") == (
        "https://api.eu.amazonalexa.com/v1/proactiveEvents")
    for bad in ("https://api.amazonalexa.com.evil.example", "http://api.amazonalexa.com",
                "https://evil.example", "http://127.0.0.1:9", "", "ftp://api.amazonalexa.com"):
        with pytest.raises(proactive.AlertFailed):
            proactive.events_url(bad)
    assert proactive.events_url("http://127.0.0.1:9", allow_loopback=True).startswith(
        "http://127.0.0.1:9/v1/")


SPOOFED_ENDPOINTS = (
    "https://evil.example\\@api.amazonalexa.com",  # requests connects to evil.example
    "https://[::1]\\@api.amazonalexa.com",
    "https://evil.example@api.amazonalexa.com",
    "https://api.amazonalexa.com@evil.example",
    "https://[::1]", "https://127.0.0.1", "https://api.amazonalexa.com:8443",
    "https://api.amazonalexa.com/#@evil.example", "https://api.amazonalexa.com /x",
)


@pytest.mark.parametrize("endpoint", SPOOFED_ENDPOINTS)
def test_events_url_reads_the_host_the_way_the_http_client_connects(endpoint):
    with pytest.raises(proactive.AlertFailed):
        proactive.events_url(endpoint)
    with pytest.raises(proactive.AlertFailed):
        proactive.events_url(endpoint, allow_loopback=True)


def test_the_api_client_refuses_urls_that_name_two_hosts():
    from ask_sdk_core.exceptions import ApiClientException
    from ask_sdk_model.services import ApiClientRequest

    from skill.alexa.api_client import TimedApiClient

    client = TimedApiClient(allow_loopback_http=True)
    for url in ("https://evil.example\\@api.amazonalexa.com/v1/proactiveEvents",
                "http://127.0.0.1:9@api.amazonalexa.com/v1", "http://127.0.0.1:9\\@x/v1"):
        with pytest.raises(ApiClientException, match="URL"):
            client.invoke(ApiClientRequest(url=url, method="POST", headers=[], body=None))


# --- agreeing, and what is stored ---------------------------------------------------------


def raw_rows(store: SqliteStore) -> list[str]:
    return [f"{pk} {sk} {data}" for pk, sk, data in
            store._db.execute("SELECT pk, sk, data FROM items").fetchall()]


def test_the_caregivers_user_id_is_kept_only_while_they_want_alerts(sqlite, lwa):
    mom = Conversation(store=sqlite, user="owner")
    check_in(mom, "mother")
    carer = Conversation(store=sqlite, user="carer", permissions=(NOTIFY,))
    connect(carer, share(mom))
    assert not [r for r in raw_rows(sqlite) if carer.user_id in r], "not before they agree"
    wants_alerts(carer)
    (row,) = [r for r in raw_rows(sqlite) if carer.user_id in r]
    assert f" {alerts.RECEIVER} " in row
    assert not [r for r in raw_rows(sqlite) if mom.user_id in r], "never the owner's"
    carer.launch()
    carer.intent("StopAlertsIntent")
    assert not [r for r in raw_rows(sqlite) if carer.user_id in r], "gone when they stop"
    wants_alerts(carer)
    carer.launch()
    carer.intent("DeleteDataIntent")
    carer.yes()
    assert not [r for r in raw_rows(sqlite) if carer.user_id in r], "gone with their data"


def test_without_the_permission_it_is_asked_for_by_voice(sqlite, lwa):
    mom = Conversation(store=sqlite, user="owner")
    check_in(mom, "mother")
    carer = Conversation(store=sqlite, user="carer")  # notifications not granted
    connect(carer, share(mom))
    turn = wants_alerts(carer, "mother")
    (directive,) = turn.response["directives"]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"]["permissionScopes"] == [
        {"permissionScope": NOTIFY, "consentLevel": "ACCOUNT"}]
    assert directive["token"] == "alerts:mother"
    assert not alerts.is_receiving(sqlite, keys.user_key(carer.user_id))
    answer = carer.send(carer.envelope({
        "type": "Connections.Response", "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "payload": {"status": "ACCEPTED"}, "token": directive["token"]}))
    assert "If your mom's check-ins end with advice" in answer.text
    assert alerts.is_receiving(sqlite, keys.user_key(carer.user_id))


def test_declining_the_permission_stores_nothing_and_shows_the_card(sqlite, lwa):
    mom = Conversation(store=sqlite, user="owner")
    check_in(mom, "mother")
    carer = Conversation(store=sqlite, user="carer")
    connect(carer, share(mom))
    answer = carer.send(carer.envelope({
        "type": "Connections.Response", "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "payload": {"permissionScopes": [{"permissionScope": NOTIFY, "status": "DENIED"}]},
        "token": "alerts:"}))
    assert "no alerts" in answer.text
    assert answer.card == {"type": "AskForPermissionsConsent", "permissions": [NOTIFY]}
    assert not [r for r in raw_rows(sqlite) if carer.user_id in r]


def test_a_reminder_permission_answer_still_goes_to_reminders(sqlite):
    convo = Conversation(store=sqlite)
    convo.launch()
    answer = convo.send(convo.envelope({
        "type": "Connections.Response", "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "payload": {"status": "ACCEPTED"}, "token": "reminder:09:00"}))
    assert "every day at 9 AM" in answer.text


def test_asking_for_alerts_with_nobody_shared_stores_nothing(sqlite):
    carer = Conversation(store=sqlite, user="carer", permissions=(NOTIFY,))
    turn = wants_alerts(carer)
    assert turn.text.startswith("No one shares check-ins with you yet")
    assert not [r for r in raw_rows(sqlite) if alerts.RECEIVER in r or carer.user_id in r]
    mom = Conversation(store=sqlite, user="owner")
    check_in(mom, "mother")
    connect(carer, share(mom))
    assert wants_alerts(carer, "father").text.startswith(
        "No one has shared check-ins for your dad with you")


def test_alert_my_caregivers_before_sharing_says_how_to_share(sqlite):
    owner = Conversation(store=sqlite, user="owner")
    turn = alerts_on(owner)
    assert "No one is connected to your check-ins yet" in turn.text
    owner.launch()
    assert "Your caregivers won't be alerted" in owner.intent("StopAlertsIntent").text
    assert "Alerts aren't on" in owner.intent("StopAlertsIntent").text


def test_help_and_not_understood_at_the_owner_question_talk_about_alerts(sqlite):
    owner = Conversation(store=sqlite, user="owner")
    owner.launch()
    owner.intent("AlertCaregiversIntent")
    assert "Say yes to turn alerts on" in owner.intent("AMAZON.HelpIntent").text
    turn = owner.intent("AMAZON.FallbackIntent")
    assert "Say yes to alert your caregivers" in turn.text
    assert "delete" not in turn.text.lower()
    assert "Shall I turn on alerts" in turn.reprompt


# --- deleting -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["caregiver", "owner"])
def test_delete_my_data_removes_queued_alerts(store, lwa, who):
    mom, (carer,) = linked(store)
    FAKE.token_status = 500  # the push fails: the alert waits in the store
    check_in(mom, "mother", flags="emergency")
    assert len(items(store, carer, alerts.PREFIX)) == 1
    deleting = carer if who == "caregiver" else mom
    deleting.launch()
    deleting.intent("DeleteDataIntent")
    assert "deleted" in deleting.yes().text
    assert items(store, carer, alerts.PREFIX) == []
    assert carer.launch().text.startswith("Welcome")


def test_stop_sharing_takes_the_alerts_waiting_on_the_link(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    FAKE.events_status = 500
    check_in(mom, "mother", flags="urgent")
    mom.launch()
    mom.intent("StopSharingIntent")
    assert items(sqlite, carer, alerts.PREFIX) == []
    assert carer.launch().text.startswith("Welcome back")


def skill_event(convo: Conversation, kind: str, body: dict) -> dict:
    """A skill event as Alexa sends it: no session, no locale."""
    envelope = convo.envelope({"type": f"AlexaSkillEvent.{kind}", "body": body,
                               "eventCreationTime": "2026-11-25T10:00:00Z",
                               "eventPublishingTime": "2026-11-25T10:00:00Z"})
    del envelope["session"], envelope["request"]["locale"]
    return convo.send(envelope).envelope


@pytest.mark.parametrize(("kind", "body"), [
    ("ProactiveSubscriptionChanged", {"subscriptions": []}),
    ("SkillPermissionChanged", {"acceptedPermissions": [
        {"scope": "alexa::alerts:reminders:skill:readwrite"}]}),
])
def test_turning_notifications_off_drops_the_user_id_and_alerts_wait_for_launch(
        sqlite, lwa, kind, body):
    mom, (carer,) = linked(sqlite)
    response = skill_event(carer, kind, body)
    assert "outputSpeech" not in response.get("response", {})
    assert not [r for r in raw_rows(sqlite) if carer.user_id in r], "the id is gone"
    check_in(mom, "mother", flags="emergency")
    assert events() == []
    assert "your mom's check-in said she should call 911" in carer.launch().text


def test_still_subscribed_keeps_the_user_id(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    skill_event(carer, "ProactiveSubscriptionChanged",
                {"subscriptions": [{"eventName": "AMAZON.MessageAlert.Activated"}]})
    check_in(mom, "mother", flags="emergency")
    assert len(events()) == 1


def test_a_call_for_help_about_a_shared_person_alerts_too(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    mom.launch()
    turn = mom.intent("EmergencyHelpIntent", subject="mother")  # "call an ambulance for mom"
    assert "911" in turn.text and not turn.ended, "open a while: what is the number?"
    (body,) = events()
    assert body["event"]["payload"]["messageGroup"]["urgency"] == "URGENT"
    assert "your mom told me about her leg, I said she should call 911 now" in (
        carer.launch().text)


def test_when_the_accounts_choice_cannot_be_read_the_failure_is_logged(sqlite, lwa, caplog,
                                                                      monkeypatch):
    mom, _ = linked(sqlite)
    mom.launch()
    mom.intent("CheckInIntent", subject="mother")
    mom.intent("PainScaleIntent", score="5")
    from skill.checkins import account

    def broken(*args, **kwargs):
        raise StoreError("the table is away")

    monkeypatch.setattr(account, "load_profile", broken)
    # The session carries the profile as the launch read it; without that copy (as after a
    # write refused elsewhere) the choice must come from the store, which fails here.
    assert mom.attributes is not None and mom.attributes.pop("profile", None) is not None
    mom.forge(mom.attributes)  # sealed again without it
    with caplog.at_level(logging.WARNING):
        turn = mom.yes()
    assert turn.text.startswith("This could be serious. Call 911 now.")
    assert "alert failure: could not queue the alert (StoreError)" in caplog.text


def test_stop_at_the_owner_question_leaves_alerts_off_and_ends(sqlite, lwa):
    mom = Conversation(store=sqlite, user="owner")
    mom.launch()
    mom.intent("AlertCaregiversIntent")
    turn = mom.intent("AMAZON.StopIntent")
    assert turn.ended and "won't be alerted" in turn.text
    mom.launch()
    assert "Alerts aren't on" in mom.intent("StopAlertsIntent").text


# --- issue 23, row 1: a guest or another voice never alerts someone else's caregiver -------


def household(store) -> tuple[Conversation, Conversation, Conversation, Conversation]:
    """One account, two recognised voices and a guest. Alice checks in for herself, shares
    ("and any you start for other people") and agrees to alert; her caregiver connected
    (Alice is their wife) and asked for alerts."""
    alice = Conversation(store=store, user="household", person="alice")
    bob = Conversation(store=store, user="household", person="bob")
    guest = Conversation(store=store, user="household")
    return alice, bob, guest, wifes_carer(store, alice)


def wifes_carer(store, owner: Conversation) -> Conversation:
    """The owner checks in for themself, shares and agrees to alert; a caregiver (whose
    wife the owner is) connects and asks for alerts."""
    check_in(owner)
    carer = Conversation(store=store, user="carer", permissions=(NOTIFY,))
    connect(carer, share(owner), call_them="wife")
    wants_alerts(carer)
    assert alerts_on(owner).text.startswith("Done.")
    return carer


def emergency_about(convo: Conversation, subject: str | None = None) -> Turn:
    convo.launch()
    convo.says(**({"subject": subject} if subject else {}), location="calf",
               symptom="breathless")
    turn = convo.confirms()
    assert turn.disposition == "emergency"
    return turn


def test_another_voice_agreeing_to_alert_is_told_nobody_is_connected_to_their_check_ins(
    store, lwa
):
    """Alice's share covers Alice: Bob's "alert my caregivers" reaches nobody, and he is
    told so rather than "your caregivers will be told"; a guest likewise."""
    _, bob, guest, _ = household(store)
    assert alerts_on(bob).text.startswith("Done. No one is connected to your check-ins yet")
    assert alerts_on(guest).text.startswith("Done. No one is connected to your check-ins yet")
    connect(Conversation(store=store, user="bobs-carer"), share(bob), call_them="husband")
    assert alerts_on(bob).text.startswith("Done. Your caregivers who asked for alerts")


def test_another_voices_triage_about_their_mother_never_alerts_the_sharers_caregiver(
        store, lwa):
    """The red team's reproduction: after Alice said "alert my caregivers", Bob's triage
    about Bob's mother pushed an alert to Alice's caregiver, named as "your mom"."""
    _, bob, _, carer = household(store)
    check_in(bob, "mother", flags="emergency")
    emergency_about(bob, "mother")
    emergency_about(bob)  # and Bob's own
    assert events() == [] and items(store, carer, alerts.PREFIX) == []
    assert alerts_on(bob).text.startswith("Done."), "Bob agrees for what he says"
    emergency_about(bob, "mother")  # still not a person Alice's link shares as Bob's
    assert events() == [] and items(store, carer, alerts.PREFIX) == []
    assert "your mom" not in carer.launch().text


def test_a_guests_own_emergency_and_their_mothers_never_alert(store, lwa):
    """No recognised voice on an account whose people have voice profiles: the guest is
    not Alice, whatever they say about themselves or about "my mom"."""
    _, _, guest, carer = household(store)
    emergency_about(guest)  # "I've got chest pain and I'm breathless"
    emergency_about(guest, "mother")
    check_in(guest, "mother", flags="emergency")
    assert events() == [] and items(store, carer, alerts.PREFIX) == []


def test_the_voice_who_agreed_still_alerts_about_herself_and_her_people(store, lwa):
    alice, _, _, carer = household(store)
    emergency_about(alice)
    check_in(alice, "mother", flags="urgent")  # a person Alice starts checking in for
    assert len(events()) == 2
    heard = carer.launch().text
    assert "your wife" in heard and "your mom" in heard


def test_stop_alerts_by_one_voice_leaves_the_others_consent(store, lwa):
    alice, bob, _, _ = household(store)
    alerts_on(bob)
    bob.launch()
    assert "stop" in bob.intent("StopAlertsIntent").text.lower()
    emergency_about(alice)
    assert len(events()) == 1, "Alice's consent is hers, not Bob's to take back"



def set_version_one_profile(store, convo: Conversation, **fields) -> None:
    """The profile as stored before it had a version (skill.checkins.profile: version 1)."""
    pk = user_pk(keys.user_key(convo.user_id))
    item = {k: v for k, v in (store.get_item(pk, "PROFILE") or {}).items()
            if k not in ("v", "alerts_by")}
    store.put_item(pk, "PROFILE", {**item, **fields})


def test_consent_from_before_it_was_per_voice_is_the_accounts_own(store, lwa):
    """The account-wide flag stored before: it keeps alerting for the account's own check-ins
    and people, and never for another voice's or a guest's."""
    mom = Conversation(store=store, user="owner")
    check_in(mom, "mother")
    carer = Conversation(store=store, user="carer", permissions=(NOTIFY,))
    connect(carer, share(mom))
    wants_alerts(carer)
    set_version_one_profile(store, mom, alert_caregivers=True)
    voice = Conversation(store=store, user="owner", person="someone")
    check_in(voice, "mother", flags="emergency")
    assert events() == [], "a recognised voice's mother is not the account's"
    check_in(mom, "mother", flags="emergency")
    assert len(events()) == 1, "the account's own mother still alerts"


def test_an_alert_queued_by_another_voice_before_the_fix_is_dropped_not_sent(sqlite, lwa):
    alice, _, _, carer = household(sqlite)
    owner = keys.user_key(alice.user_id)
    bob_voice = "voice-" + keys.person_key("amzn1.ask.person.bob")
    viewer = keys.user_key(carer.user_id)
    data = {"profile": "mother", "by": bob_voice, "level": "emergency", "source": "triage",
            "at": "2026-12-01T09:00:00+00:00", "locale": "en-US", "event": "e-1",
            "expires": int(time.time()) + 86400, "protocol": protocol_version()}
    sqlite.put_item(user_pk(viewer), f"{alerts.PREFIX}{owner}#legacy", data)
    queued = alerts.outgoing(sqlite, viewer, f"{alerts.PREFIX}{owner}#legacy")
    assert queued is not None and alerts.link_stands(sqlite, queued) == (False, None)
    assert alerts.waiting(sqlite, viewer) == [], "not heard as Alice's mom either"


# --- issue 23, row 11: the caregiver's raw user id goes with their last link ---------------


def receiver(store, carer: Conversation) -> dict | None:
    return store.get_item(user_pk(keys.user_key(carer.user_id)), alerts.RECEIVER)


@pytest.mark.parametrize("how", ["stop sharing", "delete my data"])
def test_the_caregivers_user_id_goes_with_their_last_link(sqlite, lwa, how):
    mom, (carer,) = linked(sqlite)
    dad = Conversation(store=sqlite, user="dad")
    check_in(dad)
    connect(carer, share(dad), call_them="father")
    cut = {"stop sharing": ("StopSharingIntent",), "delete my data": ("DeleteDataIntent",)}
    dad.launch()
    dad.intent(*cut[how])
    dad.yes()
    assert receiver(sqlite, carer) is not None, "mom still shares: alerts about her go on"
    mom.launch()
    mom.intent(*cut[how])
    mom.yes()
    assert receiver(sqlite, carer) is None, "no link left: no reason to keep their id"
    assert not [r for r in raw_rows(sqlite) if carer.user_id in r]


def test_send_me_alerts_after_the_last_link_went_stores_nothing(sqlite, lwa):
    mom, (carer,) = linked(sqlite)
    mom.launch()
    mom.intent("StopSharingIntent")
    mom.yes()
    wants_alerts(carer)
    assert receiver(sqlite, carer) is None


def test_the_caregivers_opt_in_expires_unless_they_use_it(sqlite, lwa):
    """It carries an expiry (DynamoDB TTL): check-in retention, renewed when the caregiver
    opens the skill once more than half of it has run."""
    clock.set_clock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC).timestamp())
    _, (carer,) = linked(sqlite)
    first = receiver(sqlite, carer)
    assert first is not None and first["expires"] == int(clock.now()) + 90 * 86400
    clock.advance(30 * 86400)
    carer.launch()
    assert receiver(sqlite, carer)["expires"] == first["expires"], "not rewritten every launch"
    clock.advance(30 * 86400)
    carer.launch()
    renewed = receiver(sqlite, carer)["expires"]
    assert renewed == int(clock.now()) + 90 * 86400
    clock.advance(91 * 86400)
    assert receiver(sqlite, carer) is None, "unused for a whole retention period: gone"


def test_an_unrecognised_speakers_own_emergency_is_heard_as_said_on_that_alexa(store, lwa):
    """No voice profiles on the account: whoever speaks is the account's own "self", so a
    guest's chest pain would have been told to the caregiver as "your wife told me". The
    caregiver hears where it was said, not who said it."""
    owner = Conversation(store=store, user="no-voices")
    carer = wifes_carer(store, owner)
    emergency_about(owner)
    heard = carer.launch().text
    assert "when someone on your wife's Alexa told me about their leg, I said they should " \
           "call 911 now" in heard, heard
    assert "your wife told me" not in heard


def test_a_recognised_voices_own_emergency_is_heard_as_theirs(store, lwa):
    alice, _, _, carer = household(store)
    emergency_about(alice)
    heard = carer.launch().text
    assert "when your wife told me about her leg" in heard, heard


def test_a_caregiver_whose_profile_cannot_say_they_hear_alerts_is_not_signed_up(sqlite, lwa):
    """A new account's launch looks for no alerts until its profile says it asked for
    them, so "send me alerts" keeps that first: if it cannot, nothing is agreed."""
    mom = Conversation(store=sqlite, user="owner")
    check_in(mom, "mother")
    carer = Conversation(store=sqlite, user="carer", permissions=(NOTIFY,))
    connect(carer, share(mom))
    carer.launch()
    other = Conversation(store=sqlite, user="carer")
    other.launch()
    other.intent("RiceIntent")
    other.intent("AMAZON.StopIntent")  # the profile changes under the first session
    turn = carer.intent("SendMeAlertsIntent")
    assert turn.text.startswith("Sorry, I couldn't reach my storage just now, so nothing changed")
    assert items(sqlite, carer, alerts.RECEIVER) == []
    assert "your Alexa will get a notification" in wants_alerts(carer).text
    profile = sqlite.get_item(user_pk(keys.user_key(carer.user_id)), "PROFILE")
    assert profile["hears_alerts"] is True
