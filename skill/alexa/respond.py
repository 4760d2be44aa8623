"""The one place a flow's Reply (skill.alexa.turn) becomes the SDK response: speech (the
SDK wraps it in <speak>), a reprompt whenever the session stays open, cards, screens,
directives, and the conversation state written back into the session. Every handler
(base.Handler.handle) and both exception handlers (errors.py) render through `render`.

The last speech is kept for Repeat here, in the state, rather than by a response
interceptor: the SDK skips response interceptors when the exception handler answers. It
is kept as content keys (skill.alexa.repeat), never as the SSML spoken.
"""

from __future__ import annotations

from ask_sdk_model import Response
from ask_sdk_model.ui import Card, SimpleCard

from skill.alexa import repeat as kept
from skill.alexa.screen import add_screen
from skill.alexa.state import LastSpeech, Phase, write_back
from skill.alexa.turn import Reply, Turn
from skill.content import Content


def join(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def first_said(c: Content, *keys: str) -> str:
    """The words under the first key that exists (a specific answer, then the general)."""
    return c.say(next(k for k in keys if c.has(k)))


def render(turn: Turn, answer: Reply) -> Response:
    """The one place a Reply becomes the SDK response, with the turn's bookkeeping: the
    reprompt, Repeat's memory of what was said, the count of turns not understood, the
    naming question dropped after its turn, and the state written back."""
    handler_input = turn.handler_input
    builder = handler_input.response_builder
    for directive in answer.directives:
        builder.add_directive(directive)
    if answer.bare:
        if isinstance(answer.card, Card):
            builder.set_card(answer.card)
        return builder.response
    speech, reprompt, end = answer.speech, answer.reprompt, answer.end
    if answer.screen:
        add_screen(handler_input, answer.screen, turn.content)
    state = turn.state
    same_words = state.last is not None and state.last.said == kept.digest(speech)
    if (
        not end
        and not answer.repeat
        and state.phase == Phase.OUTCOME
        and same_words
        and state.repeating(reprompt or speech)
    ):
        # The same words a third time in a row after the advice was given: leave kindly
        # rather than loop (questions repair in triage_flow.ask).
        speech, end = join(speech, turn.content.say("repair.leave_after_outcome")), True
    builder.speak(paced(speech, state.pace))
    if not end:
        reprompt = reprompt or speech
        builder.ask(paced(reprompt, state.pace))
        state.said(reprompt)
        state.last = remembered(turn.content, speech, reprompt)
    if isinstance(answer.card, Card):
        builder.set_card(answer.card)
    elif answer.card:
        builder.set_card(SimpleCard(title=answer.card[0], content=answer.card[1]))
    builder.set_should_end_session(end)
    if not state.missed_now and not answer.repeat:
        # Understood: the count of misunderstood turns starts again. "Say that again" is
        # neither understood nor missed: the count stands, so the ladder still moves on.
        state.misses, state.missed_at = 0, None
    if not state.named_now:  # the naming question is answered on the next turn or dropped
        state.naming = False
    write_back(handler_input)
    return builder.response


def remembered(c: Content, speech: str, reprompt: str) -> LastSpeech:
    """What Repeat keeps of this reply: the content keys that say it (the reprompt's only
    when it differs), and fingerprints of both."""
    locale = c.locale
    said, asked = kept.digest(speech), kept.digest(reprompt)
    again = kept.parts_of(speech, locale)
    question = again if asked == said else kept.parts_of(reprompt, locale)
    return LastSpeech(again, question, said, asked)


def said_last(turn: Turn) -> tuple[str | None, str | None]:
    """The last reply's speech and reprompt, said again through the content (None for a
    part that was not kept, or does not say again)."""
    last = turn.state.last
    if last is None:
        return None, None
    c = turn.content
    speech = kept.say_again(last.speech, c) if last.speech is not None else None
    reprompt = kept.say_again(last.reprompt, c) if last.reprompt is not None else None
    return speech, reprompt


def paced(speech: str, pace: tuple[str, ...]) -> str:
    """Speech at the pace the person asked for ("slow down", "speak up"), for the session.
    The words kept for Repeat stay unwrapped."""
    attributes = {"slow": 'rate="85%"', "loud": 'volume="x-loud"'}
    chosen = " ".join(attributes[p] for p in pace if p in attributes)
    return f"<prosody {chosen}>{speech}</prosody>" if chosen and speech else speech
