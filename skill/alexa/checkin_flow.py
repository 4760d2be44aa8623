"""The daily check-in conversation: consent first, then pain 0-10, warning signs since
last time (a yes goes straight to the warning), stretches; then the trend and, when the
rules say so, advice to see a doctor. A warning sign said in passing ("her foot's gone
cold") is asked about directly inside the check-in before anything is warned.
Storage failures never hide a warning, and a warning
never waits on storage: nothing is read before it, and its save gets a small budget of its
own (skill.store.budget.tight); whatever was not saved is said.
Clinical rules live in skill.checkins.rules; this module only sequences the talk."""

from __future__ import annotations

import logging
from datetime import datetime

from skill import keys, logs, metrics
from skill.alexa import alert_flow, slots
from skill.alexa.base import ANSWERS
from skill.alexa.respond import join
from skill.alexa.state import (
    GIVE_UP_AT,
    JUST_YES_NO_AT,
    CheckinState,
    CheckinStep,
)
from skill.alexa.turn import Reply, Turn
from skill.checkins import account, records, rules
from skill.checkins.trends import Trend, trend
from skill.speech.dates import day_phrase
from skill.speech.render import question_text
from skill.store import Store, StoreError, budget
from skill.triage.engine import confirm_question, level_alone, most_serious
from skill.triage.levels import Disposition

logger = logging.getLogger(__name__)
STORAGE_FAILURES = metrics.Metric.STORAGE_FAILURES
# What an answer that was not understood twice counts as, per step: no consent (nothing
# is saved), no pain score, stretches unknown. A warning sign is never answered by a turn
# not understood (see ask_again).
UNCLEAR_MEANS: dict[str, str | None] = {
    "consent": "no",
    "pain": None,
    "stretches": "unknown",
}
ORDER: tuple[CheckinStep, ...] = (
    "consent",
    "pain",
    "flags_emergency",
    "flags_urgent",
    "stretches",
)


def _step(name: str | None) -> CheckinStep | None:
    """A step the check-in rules name, as the conversation state's step."""
    return next((step for step in ORDER if step == name), None)


def profile_for(turn: Turn, subject: str | None) -> str:
    """A named person ("mother") has their own history; "me" is the recognised voice when
    Alexa knows who is speaking, so two people in one household keep separate histories."""
    if subject and subject != "self":
        return subject
    # Without the voice's key nothing can be stored this turn anyway.
    return turn.speaker or "self"


def subject_of(profile: str) -> str | None:
    return None if profile == "self" or profile.startswith("voice-") else profile


def start(turn: Turn, subject: str | None) -> Reply:
    state = turn.state
    consent = turn.profile().consent
    state.guide = None
    state.checkin = CheckinState(
        profile=profile_for(turn, subject),
        step="consent" if consent is None else "pain",
        save=consent is True,
        answered=[] if consent is None else ["consent"],
    )
    return ask_step(turn)


def question(turn: Turn) -> str:
    """The check-in question being asked now."""
    record = turn.state.checkin
    assert record is not None
    c = turn.content
    if record.step == "confirm" and record.finding:
        return question_text(c, confirm_question(record.finding), subject_of(record.profile))
    return c.say(
        f"checkin.{record.step}", subject_of(record.profile), retention=records.retention_days()
    )


def heard(turn: Turn, stated: list[str]) -> Reply | None:
    """A warning sign said in passing during a check-in ("since this morning her calf is
    swollen and a bit red"). Said in answer to the question that names it, it is that
    answer; otherwise its own direct question comes next, inside the check-in, and nothing
    is warned on the words alone. None: no sign the check-in asks about (a new injury, say),
    which the triage takes instead."""
    record = turn.state.checkin
    assert record is not None
    finding = most_serious(stated)
    if finding is None:
        return None
    named = _step(rules.step_naming(finding))
    if named is not None and named == record.step:
        return answer(turn, "yes")
    if level_alone(finding) == Disposition.EMERGENCY:
        record.step, record.finding = "confirm", finding
        return ask_step(turn)
    if named is not None and named not in record.answered:
        record.step = named
        return ask_step(turn)
    return None


def ask_step(turn: Turn, *prefix: str) -> Reply:
    text = question(turn)
    return Reply(join(*prefix, text), reprompt=text)


def ask_again(turn: Turn) -> Reply:
    """Not understood: ask once more with a hint; the second time, move on with what an
    unclear answer means at this step (never a loop)."""
    c = turn.content
    state = turn.state
    record = state.checkin
    assert record is not None
    misses = state.missed()
    if record.step in rules.WARNING_STEPS or record.step == "confirm":
        # A misheard turn is never an answer to a warning sign: a hint, then "just yes or
        # no", then the safety net spoken and the step left unchecked.
        if misses >= GIVE_UP_AT:
            said = (
                "checkin.unchecked_urgent" if record.step == "flags_urgent" else "repair.unchecked"
            )
            return proceed(turn, c.say(said))
        if misses == JUST_YES_NO_AT:
            return ask_step(turn, c.say("repair.just_yes_no"))
    elif misses >= 2:
        return answer(turn, UNCLEAR_MEANS[record.step], repaired=True)
    hint = "checkin.pain_hint" if record.step == "pain" else "answer_hints.yes_no"
    return ask_step(turn, c.say(hint))


def answer(turn: Turn, value: str | int | None, repaired: bool = False) -> Reply:
    """value: "yes"/"no"/"unknown" for yes-no steps, an int (or None) for pain."""
    c = turn.content
    record = turn.state.checkin
    assert record is not None
    step = record.step
    if step == "consent":
        if value not in ("yes", "no"):
            return ask_again(turn)
        profile = turn.profile()
        profile.consent = value == "yes"
        kept = turn.save_profile(profile)
        record.save = value == "yes"
        said = "checkin.consent_given" if value == "yes" else "checkin.consent_declined"
        if value == "yes" and not kept:
            said = "checkin.consent_unsaved"
        return proceed(turn, c.say(said))
    if step == "pain":
        if not repaired and (
            value in ("yes", "no") or (isinstance(value, int) and not 0 <= value <= 10)
        ):
            return ask_again(turn)
        record.pain = value if isinstance(value, int) else None
        return proceed(turn)
    if step in rules.WARNING_STEPS or step == "confirm":
        if value not in ("yes", "no", "unknown"):
            return ask_again(turn)
        level = rules.warning_level(step, str(value))
        if level:
            record.flags.append(str(level))
        return proceed(turn)
    record.stretches = {"yes": True, "no": False}.get(str(value))
    return proceed(turn)


def proceed(turn: Turn, *prefix: str) -> Reply:
    """The step just asked is done: on to the next one not yet done. Once a warning sign
    is reported only the other warning-sign question is left (an emergency one first,
    then the warning); with none, the check-in ends after the stretches."""
    record = turn.state.checkin
    assert record is not None
    if record.step != "confirm":
        record.answered.append(record.step)
    record.finding = None
    levels = [Disposition(f) for f in record.flags if f in Disposition.__members__.values()]
    if Disposition.EMERGENCY in levels:
        return finish(turn, Disposition.EMERGENCY)
    todo = [s for s in ORDER if s not in record.answered]
    if levels:
        todo = [s for s in todo if s in rules.WARNING_STEPS]
    if not todo:
        return finish(turn, levels[0] if levels else None)
    record.step = todo[0]
    return ask_step(turn, *prefix)


def finish(turn: Turn, warning_level: Disposition | None = None) -> Reply:
    c = turn.content
    state = turn.state
    record = state.checkin
    assert record is not None
    state.checkin = None
    subject = subject_of(record.profile)
    user = turn.user_key
    current = records.CheckIn(
        at=records.now_iso(),
        profile=record.profile,
        pain=record.pain,
        red_flags=tuple(record.flags),
        stretches=record.stretches,
        disposition=str(warning_level) if warning_level else None,
        by=profile_for(turn, None),
    )
    request_id = turn.request_id
    if warning_level:
        # The warning first: nothing is read from storage before it is built, and the save
        # may hold it up only briefly.
        speech = warning(turn, warning_level, subject)
        with budget.tight():
            # The outbox for caregivers who agreed, with the record, in one allowance.
            alert_flow.note(turn, warning_level, record.profile, "checkin")
            try:
                saved = save(turn.store, user, current, record.save, request_id)
            except Exception as exc:  # noqa: BLE001 - a bug in saving never takes a warning away
                logs.bug_apology(logger, "a warning's check-in was not saved", exc)
                saved = False
        note = "" if saved or not record.save else c.say("storage_failed")
        # Stay open a while, as after any warning: "what's the number?", "should I drive
        # her?" are answered, and "why?" says what the check-in heard.
        state.triage.disposition, state.triage.reason = warning_level, "checkin"
        state.triage.pending = None
        if subject:
            state.triage.facts.setdefault("subject", subject)
        again = "outcomes.after"
        if warning_level == Disposition.EMERGENCY:
            again = "outcomes.emergency.reprompt"
        return Reply(
            join(speech, note),
            reprompt=c.say(again),
            card=(c.say("checkin.card_title"), speech),
        )
    earlier: list[records.CheckIn] = []
    history_ok = True
    if user:
        try:
            earlier = records.history(turn.store, user, record.profile)
        except StoreError as exc:  # history is a nicety; the answer is not
            metrics.count(
                logger, STORAGE_FAILURES, "could not read check-ins (%s)", type(exc).__name__
            )
            history_ok = False
    t = trend(earlier, current)
    level = rules.outcome(t)
    current = records.CheckIn(**{**current.__dict__, "disposition": str(level)})
    saved = save(turn.store, user, current, record.save, request_id)
    parts = [] if history_ok else [c.say("checkin.not_saved")]
    parts.append(trend_text(turn, t, subject))
    parts.append(c.say(f"checkin.{t.escalate}" if t.escalate else "checkin.steady", subject))
    if record.save and not saved:
        parts.append(c.say("storage_failed"))
    elif not record.save:
        parts.append(c.say("checkin.not_kept"))
    if t.escalate:
        parts.append(c.say("outcomes.doctor_escalate", subject))
    prompt = c.say("checkin.next")
    speech = join(*parts)
    return Reply(
        join(speech, prompt),
        reprompt=prompt,
        card=(c.say("checkin.card_title"), speech),
    )


def warning(turn: Turn, level: Disposition, subject: str | None) -> str:
    c = turn.content
    if level == Disposition.EMERGENCY:
        return join(
            c.say("outcomes.emergency.lead"),
            c.say("checkin.reason_emergency"),
            c.say("outcomes.emergency.close"),
        )
    return join(
        c.say("outcomes.urgent.lead", subject),
        c.say("checkin.reason_urgent", subject),
        c.say("outcomes.urgent_escalate", subject),
    )


def save(
    store: Store,
    user: str | None,
    current: records.CheckIn,
    allowed: bool,
    request_id: str | None = None,
) -> bool:
    """Store the check-in once per request (a replay finds it there already), then make
    sure the account still keeps check-ins: if it was deleted meanwhile, take it back."""
    if not allowed or not user:
        return False
    try:
        checkin_id = keys.request_key(request_id) if request_id else None
        sk = records.add(store, user, current, checkin_id)
    except StoreError as exc:  # a failed save is reported, never fatal (a warning goes on)
        metrics.count(
            logger, STORAGE_FAILURES, "could not save a check-in (%s)", type(exc).__name__
        )
        return False
    try:
        if account.consents(store, user):
            return True
        records.remove(store, user, sk)
        logger.info("check-in not kept: the account no longer keeps check-ins")
        return False
    except StoreError as exc:  # saved, only not confirmed
        metrics.count(
            logger, STORAGE_FAILURES, "could not confirm a check-in (%s)", type(exc).__name__
        )
        return True


def trend_text(turn: Turn, t: Trend, subject: str | None) -> str:
    c = turn.content
    pain = t.current.pain
    if t.change in ("first", "unknown") or t.previous is None:
        return c.say(f"checkin.{t.change}", subject, pain=pain)
    return c.say(
        f"checkin.{t.change}",
        subject,
        pain=pain,
        previous=t.previous.pain,
        day=local_day(turn, t.previous.when),
    )


def local_day(turn: Turn, when: datetime) -> str:
    """A stored (UTC) time as the person would say it, in the device's own zone."""
    zone = turn.zone
    return day_phrase(turn.content, when.astimezone(zone), turn.local_now.date())


def answer_said(turn: Turn) -> Reply:
    """An answer during a check-in: yes / no / don't know, a pain score, or "he did them
    this morning" (the stretches were done: an answer at the stretches question only)."""
    record = turn.state.checkin
    name = turn.intent_name or ""
    if name == "StretchesDoneIntent":
        if record is not None and record.step == "stretches":
            return answer(turn, "yes")
        return ask_again(turn)
    if name == "PainScaleIntent":
        score = slots.number(slots.slot(turn.intent, "score"))
        value: str | int = score if score is not None else -1
    else:
        value = ANSWERS[name]
    return answer(turn, value)
