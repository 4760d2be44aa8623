"""Guided sessions (RICE, stretches): speak a step, move between steps, and remember the
position so the person can resume within the hour."""

from __future__ import annotations

import logging

from ask_sdk_model import Intent

from skill import clock
from skill.alexa import prompts, slots
from skill.alexa.respond import join
from skill.alexa.state import CHECK, GuideState, Phase
from skill.alexa.turn import Reply, Turn
from skill.checkins.profile import SavedGuide
from skill.content import Content
from skill.content.guide_id import GuideId
from skill.speech.guides import build_steps, guide_name, step_speech
from skill.speech.ssml import to_text
from skill.triage.engine import Outcome, offer_for

RESUME_WINDOW_S = 3600

# Inside a guide: how far each intent moves (None = back to the first step).
MOVES: dict[str, int | None] = {
    "AMAZON.NextIntent": 1,
    "AMAZON.YesIntent": 1,
    "AMAZON.PreviousIntent": -1,
    "AMAZON.RepeatIntent": 0,
    "AMAZON.ResumeIntent": 0,
    "AMAZON.StartOverIntent": None,
}

logger = logging.getLogger(__name__)


def start(turn: Turn, guide: GuideId, *prefix: str) -> Reply:
    state = turn.state
    state.guide = GuideState(guide, 0)
    state.triage.offer = None
    return speak_step(turn, *prefix)


def speak_step(turn: Turn, *prefix: str) -> Reply:
    c = turn.content
    state = turn.state
    current = state.guide
    assert current is not None
    steps = build_steps(c, current.id, state.triage.subject)
    current.step = max(0, min(current.step, len(steps) - 1))
    index = current.step
    speech = step_speech(c, current.id, steps, index)
    last = index == len(steps) - 1
    if last:  # finished: nothing to resume (a write only if a place was kept)
        remember(turn, None)
    # Mid-guide the place rides in the session and is kept when it ends (stop, a session
    # that times out or is closed: session_flow.ended, repair): a step makes no call.
    name = guide_name(c, current.id)
    title = c.say("guides.cues.card_title", name=name, n=index + 1, total=len(steps))
    view = {
        "kind": "step",
        "title": name,
        "text": to_text(steps[index].ssml),
        "step": index + 1,
        "total": len(steps),
        "hold_seconds": steps[index].hold_seconds,
    }
    card = (to_text(title), to_text(speech))
    if last:
        state.guide = None
        prompt = c.say("guides.cues.end_offer")
    else:
        prompt = c.say("guides.cues.prompt")
    return Reply(join(*prefix, speech), reprompt=prompt, card=card, screen=view)


def move(turn: Turn, delta: int | None) -> Reply:
    """Next (+1), previous (-1), repeat (0) or start over (None) within a guide."""
    current = turn.state.guide
    assert current is not None
    prefix = ""
    if delta is None:
        current.step = 0
    elif current.step + delta < 0:
        prefix = turn.content.say("guides.cues.first_step")
    else:
        current.step += delta
    return speak_step(turn, prefix)


def navigate(turn: Turn) -> Reply:
    """Next / previous / repeat / start over / yes inside a guided session (MOVES); no
    stops it, its place kept."""
    name = turn.intent_name or ""
    if name == "AMAZON.NoIntent":
        return Reply(goodbye(turn, turn.state.guide), end=True)
    return move(turn, MOVES[name])


def mid_stretch(turn: Turn) -> Reply:
    """Mid-stretch talk stays in the stretch: how long, how many, which leg."""
    c = turn.content
    current = turn.state.guide
    assert current is not None
    text = talk(c, current.id, (turn.intent_name or ""))
    prompt = c.say("guide_talk.prompt")
    return Reply(join(text, prompt), reprompt=prompt)


def hurts(turn: Turn) -> Reply:
    """ "This hurts", "it's sharp": stop the stretch, say why, and offer the checks."""
    state = turn.state
    if state.guide:
        remember(turn, None)
    state.guide = None
    state.triage.offer = CHECK
    text = turn.content.say("guide_talk.hurts")
    return Reply(text, reprompt=text)


def remember(turn: Turn, current: GuideState | None) -> bool:
    """Persist the guide position so the person can resume within the hour. Returns
    whether it was saved (or there was nothing to save)."""
    profile = turn.profile()
    if current is None:
        if profile.guide is None:
            return True
        profile.guide = None
    else:
        profile.guide = SavedGuide(str(current.id), current.step, int(clock.now()))
    return turn.save_profile(profile)


def goodbye(turn: Turn, current: GuideState | None) -> str:
    """Stopping inside a guide: remember the place, and say whether it was."""
    kept = remember(turn, current)
    return turn.content.say("goodbye_guide" if kept else "goodbye_guide_unsaved")


def resumable(turn: Turn) -> GuideState | None:
    saved = turn.profile().guide
    if saved is None or clock.now() - saved.at > RESUME_WINDOW_S:
        return None
    guide = GuideState.from_session({"id": saved.id, "step": saved.step})
    if guide is None:
        return None
    try:
        build_steps(turn.content, guide.id)
    except (KeyError, IndexError):
        return None
    return guide


def resume(turn: Turn) -> Reply | None:
    state = turn.state
    saved = state.guide or resumable(turn)
    if saved is None:
        return None
    state.guide = saved
    return speak_step(turn)


def resume_asked(turn: Turn) -> Reply:
    """ "Resume": the guide running or kept within the hour, else say there is none and
    where we are."""
    resumed = resume(turn)
    if resumed:
        return resumed
    prompt = prompts.current(turn)
    text = turn.content.say("guides.cues.nothing_to_resume", next=prompt)
    return Reply(text, reprompt=prompt)


def idle_navigation(turn: Turn) -> Reply:
    """Next / previous with no guided session running (one just finished, or none was
    asked for): say so, and where we are."""
    prompt = prompts.current(turn)
    text = turn.content.say("guides.cues.no_step", next=prompt)
    return Reply(text, reprompt=prompt)


def label(turn: Turn, guide: GuideId) -> str:
    return guide_name(turn.content, guide)


def chosen(turn: Turn, intent: Intent | None) -> GuideId | None:
    """The stretch asked for: by name ("the calf one"), or by its place in the menu the
    skill reads out ("the first one", "any")."""
    stretch = slots.resolved_id(slots.slot(intent, "stretch"))
    menu = list(turn.content.guides["stretches"])
    if stretch in menu:
        return GuideId(stretch)
    if stretch:  # an id the model does not have (a stale or forged request)
        logger.warning("unknown stretch id")
    choice = slots.resolved_id(slots.slot(intent, "choice"))
    if choice in ORDINALS:
        return GuideId(menu[ORDINALS[choice]])
    if choice == "any":
        facts = turn.state.triage.facts
        return GuideId.parse(offer_for(Outcome("self_care", "", None), facts)) or GuideId(menu[0])
    return None


ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "last": -1}


def talk(c: Content, guide: GuideId, intent_name: str) -> str:
    """Answers to mid-stretch questions, from the stretch's own numbers."""
    if guide.stretch is None:  # RICE has no holds or sides
        return c.say("guide_talk.slower")
    spec = c.guides["stretches"][guide.stretch]
    reps, sides = int(spec["reps"]), int(spec["sides"])
    numbers = {
        "seconds": spec["hold_seconds"],
        "reps": reps,
        "times": c.say("guide_talk.times_one" if reps == 1 else "guide_talk.times_many"),
        "per_leg": c.say("guide_talk.per_leg") if sides > 1 else "",
    }
    key = {
        "HoldTimeIntent": "guide_talk.hold",
        "RepsIntent": "guide_talk.reps",
        "OtherLegIntent": "guide_talk.other_leg_two" if sides > 1 else "guide_talk.other_leg_one",
    }.get(intent_name, "guide_talk.slower")
    return c.say(key, **numbers)


def step_again(turn: Turn) -> Reply:
    """A question about the step ("do I keep my heel down?"): inside a guide, the step
    again as it was given; elsewhere the prompt the person was at."""
    c = turn.content
    state = turn.state
    if state.phase == Phase.GUIDE:
        # The step itself, not the last reply: that may have answered another question.
        return speak_step(turn, c.say("talk.step_again"))
    prompt = prompts.current(turn)
    return Reply(join(c.say("talk.step_other"), prompt), reprompt=prompt)
