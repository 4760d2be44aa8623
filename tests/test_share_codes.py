"""Share-code guessing. Every code an account tries takes a slot from an
atomic counter first, so parallel guesses cannot race past five; a successful connect
never resets the counter (the bypass through a second account is gone); one live code per
owner; the code is spoken, never printed on the card; every wrong guess logs the line the
operator's metric filter counts."""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import UTC, datetime

import pytest
from stores import KINDS, make_store
from support import Conversation

from skill import clock
from skill.checkins import sharing
from skill.store.sqlite import SqliteStore

PARALLEL_GUESSES = 50


@pytest.fixture(params=KINDS)
def store(request, tmp_path, monkeypatch):
    yield from make_store(request.param, tmp_path, monkeypatch)


def spoken_code(turn) -> str:
    (code,) = set(re.findall(r'<say-as interpret-as="digits">(\d{6})</say-as>', turn.ssml))
    return code


def wrong_code(*right: str) -> str:
    return next(c for c in ("100000", "100001", "100002") if c not in right)


def test_parallel_guesses_on_one_sqlite_file_check_exactly_five(tmp_path):
    """50 threads, each with its own connection to one real file, guess at once."""
    path = tmp_path / "store.sqlite3"
    code = sharing.create_code(SqliteStore(path), "owner")
    guess = wrong_code(code)
    results: list[str] = []
    barrier = threading.Barrier(PARALLEL_GUESSES)

    def one() -> None:
        mine = SqliteStore(path)
        barrier.wait()
        results.append(sharing.redeem(mine, "attacker", guess).reason)

    threads = [threading.Thread(target=one) for _ in range(PARALLEL_GUESSES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = results.count("wrong")
    print(f"\n{PARALLEL_GUESSES} parallel guesses on SQLite: {checked} checked, "
          f"{results.count('locked')} refused as locked")
    assert checked == sharing.MAX_WRONG_TRIES
    assert results.count("locked") == PARALLEL_GUESSES - sharing.MAX_WRONG_TRIES
    # The right code is refused too: the account is locked, not just that code.
    assert sharing.redeem(SqliteStore(path), "attacker", code).reason == "locked"


def test_a_successful_connect_never_resets_the_counter(store):
    """The old bypass: redeem a code made by a second account you own to wipe the count."""
    victim = Conversation(store=store, user="victim")
    victim.launch()
    victims_code = spoken_code(victim.intent("ShareIntent"))
    attacker = Conversation(store=store, user="attacker")
    second = Conversation(store=store, user="attackers-second-account")
    attacker.launch()
    refusals = []
    for _ in range(3):  # two wrong guesses, then a right code of one's own; three times
        for _ in range(2):
            turn = attacker.intent("ConnectIntent", code=wrong_code(victims_code))
            refusals.append("wrong" if "didn't work" in turn.text else "locked")
        second.launch()
        own = spoken_code(second.intent("ShareIntent"))
        attacker.intent("ConnectIntent", code=own)
    assert refusals == ["wrong"] * 5 + ["locked"], "five wrong guesses, whatever came between"
    turn = attacker.intent("ConnectIntent", code=victims_code)
    assert "too many wrong codes" in turn.text
    owners = {s.owner for s in sharing.shared_with_me(store, key_of(attacker))}
    assert owners == {key_of(second)}, "only the attacker's own second account"


def key_of(convo: Conversation) -> str:
    from skill import keys

    return keys.user_key(convo.user_id)


def test_a_right_code_is_not_a_wrong_guess(store):
    owner_code = sharing.create_code(store, "owner")
    for _ in range(4):
        assert sharing.redeem(store, "viewer", wrong_code(owner_code)).reason == "wrong"
    assert sharing.redeem(store, "viewer", owner_code).reason == "connected"
    assert sharing.redeem(store, "viewer", wrong_code(owner_code)).reason == "wrong"  # fifth
    another = sharing.create_code(store, "owner-2")
    assert sharing.redeem(store, "viewer", another).reason == "locked"


def test_the_lock_lasts_an_hour_from_the_first_wrong_guess(store, monkeypatch):
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    for _ in range(5):
        sharing.redeem(store, "viewer", "100000")
    assert sharing.redeem(store, "viewer", "100000").reason == "locked"
    monkeypatch.setattr(time, "time", lambda: now + sharing.LOCKOUT_S + 1)
    code = sharing.create_code(store, "owner")
    assert sharing.redeem(store, "viewer", code).reason == "connected"


def test_a_new_code_cancels_the_old_one(store):
    first = sharing.create_code(store, "owner")
    second = sharing.create_code(store, "owner")
    assert first != second
    assert sharing.redeem(store, "viewer", first).reason == "wrong"
    assert sharing.redeem(store, "viewer", second).reason == "connected"
    assert sharing.redeem(store, "viewer-2", second).reason == "wrong", "it worked once"


def test_the_code_is_spoken_and_never_printed_on_the_card(store):
    owner = Conversation(store=store, user="owner")
    owner.launch()
    turn = owner.intent("ShareIntent")
    code = spoken_code(turn)
    assert turn.text.count(code) == 2  # said twice, digit by digit
    assert turn.card and code not in turn.card["content"] and code not in turn.card["title"]
    assert not re.search(r"\d{6}", turn.card["content"])


def test_every_wrong_guess_logs_the_line_the_alarm_counts(store, caplog):
    code = sharing.create_code(store, "owner")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            sharing.redeem(store, "viewer", wrong_code(code))
        sharing.redeem(store, "viewer-2", code)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("share code")]
    assert lines == [sharing.WRONG_GUESS_LOG] * 3
    assert code not in caplog.text and "viewer" not in caplog.text


# Issue 23, row 3: 30 codes were checked in 6 rounds of "five wrong, delete my data".

def guess_wrong(convo: Conversation, times: int) -> list[str]:
    said = []
    for _ in range(times):
        convo.launch()
        said.append(convo.intent("ConnectIntent", code="100000").text)
    return said


LOCKED = "too many wrong codes"


def test_deleting_the_data_does_not_reset_the_guesses(store):
    guesser = Conversation(store=store, user="guesser")
    assert not any(LOCKED in t for t in guess_wrong(guesser, sharing.MAX_WRONG_TRIES))
    guesser.launch()
    guesser.intent("DeleteDataIntent")
    assert "deleted" in guesser.yes().text.lower()
    assert all(LOCKED in t for t in guess_wrong(guesser, 3)), "still locked after deleting"


def test_disabling_and_enabling_the_skill_does_not_reset_the_guesses(store):
    guesser = Conversation(store=store, user="guesser")
    guess_wrong(guesser, sharing.MAX_WRONG_TRIES)
    event = guesser.envelope({"type": "AlexaSkillEvent.SkillDisabled",
                              "eventCreationTime": "2026-11-25T10:00:00Z",
                              "eventPublishingTime": "2026-11-25T10:00:00Z",
                              "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"}})
    del event["session"]
    guesser.send(event)
    assert all(LOCKED in t for t in guess_wrong(guesser, 2))


def test_the_guess_counter_holds_no_personal_data_and_expires_with_its_window(tmp_path):
    from skill import keys
    from skill.store.base import user_pk

    store = SqliteStore(tmp_path / "s.sqlite3")
    viewer = keys.user_key("amzn1.ask.account.guesser")
    now = int(clock.now())
    sharing.redeem(store, viewer, "100000", now=now)
    rows = store._db.execute("SELECT pk, sk, data, expires_at FROM items").fetchall()
    assert rows and not any(viewer in str(row) or "guesser" in str(row) for row in rows)
    assert store.query(user_pk(viewer)) == [], "nothing under the account's own partition"
    assert all(row[3] and row[3] <= now + 2 * sharing.LOCKOUT_S for row in rows)


def test_a_global_limit_stops_a_guess_spread_over_many_accounts(store, frozen_clock):
    start = int(clock.now())
    start -= start % sharing.LOCKOUT_S  # the top of a clock hour
    frozen_clock.set(datetime.fromtimestamp(start, UTC))
    owner_code = sharing.create_code(store, "owner")
    results = []
    for n in range(sharing.MAX_TRIES_PER_HOUR // 4 + 5):  # a fresh account every 4 tries
        results += [sharing.redeem(store, f"account-{n}", wrong_code(owner_code)).reason
                    for _ in range(4)]
    assert results.count("wrong") == sharing.MAX_TRIES_PER_HOUR
    assert sharing.redeem(store, "fresh", owner_code).reason == "locked"
    frozen_clock.advance(hours=1)  # the next clock hour
    code = sharing.create_code(store, "owner")
    assert sharing.redeem(store, "honest", code).reason == "connected"
