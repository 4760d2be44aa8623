"""Triage: statements about the pain (at any point), corrections, answers to the
questions, the offers after an outcome, side facts (pain score, duration), "why?",
"tell me more", and a request for help. Each handler is one call into
skill.alexa.statement_flow, side_flow or triage_flow."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa import side_flow, statement_flow, triage_flow
from skill.alexa.base import ANSWERS, Group, IntentHandler
from skill.alexa.state import Phase
from skill.alexa.turn import Reply, Turn

STATEMENTS = ("DescribePainIntent", "RedFlagIntent", "DenySymptomIntent")


class EmergencyHelpHandler(IntentHandler):
    """ "Call an ambulance", "I've fallen and can't get up": at once, in any phase."""

    intents = ("EmergencyHelpIntent",)
    group = Group.FIRST
    rank = 20

    def answer(self, turn: Turn) -> Reply:
        return statement_flow.help_requested(turn)


class StatementHandler(IntentHandler):
    """Describing the pain, stating or denying a symptom, at any point."""

    intents = STATEMENTS
    group = Group.FIRST
    rank = 60

    def answer(self, turn: Turn) -> Reply:
        return statement_flow.statement(turn)


class NothingAnswerHandler(IntentHandler):
    """ "Nothing really" or "nothing in particular" to a yes/no question is a no. Alexa
    hears a statement naming no cause; taking it as one would only repeat the question."""

    intents = STATEMENTS
    phases = (Phase.QUESTION,)
    group = Group.FIRST
    rank = 50

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return super().can_handle(handler_input) and triage_flow.says_nothing_to_yes_no(
            Turn.of(handler_input)
        )

    def answer(self, turn: Turn) -> Reply:
        return triage_flow.answer_pending(turn, "no")


class CorrectionHandler(IntentHandler):
    intents = ("CorrectionIntent",)
    group = Group.FIRST
    rank = 70

    def answer(self, turn: Turn) -> Reply:
        return statement_flow.correction(turn)


class ConfirmLoweringHandler(IntentHandler):
    """Yes / no to "just to check: no swelling, after all?"."""

    intents = tuple(ANSWERS)
    phases = (Phase.CORRECT,)
    group = Group.PHASE
    rank = 10

    def answer(self, turn: Turn) -> Reply:
        return statement_flow.lowering_answer(turn)


class AnswerHandler(IntentHandler):
    """Yes / no / I don't know to a triage question."""

    intents = tuple(ANSWERS)
    phases = (Phase.QUESTION,)
    group = Group.PHASE
    rank = 90

    def answer(self, turn: Turn) -> Reply:
        return statement_flow.question_answer(turn)


class OfferHandler(IntentHandler):
    """Yes / no to what the skill offered after an outcome."""

    intents = tuple(ANSWERS)
    phases = (Phase.OUTCOME,)
    group = Group.PHASE
    rank = 100

    def answer(self, turn: Turn) -> Reply:
        return statement_flow.offer_answer(turn)


class StartAnswerHandler(IntentHandler):
    """Yes / no / don't know before anything was asked: begin the questions, or leave."""

    intents = tuple(ANSWERS)
    phases = (Phase.START,)
    group = Group.PHASE
    rank = 110

    def answer(self, turn: Turn) -> Reply:
        return statement_flow.start_answer(turn)


class PainScaleHandler(IntentHandler):
    intents = ("PainScaleIntent",)
    group = Group.SIDE
    rank = 10

    def answer(self, turn: Turn) -> Reply:
        return side_flow.pain_score(turn)


class DurationHandler(IntentHandler):
    intents = ("DurationIntent",)
    group = Group.SIDE
    rank = 20

    def answer(self, turn: Turn) -> Reply:
        return side_flow.duration(turn)


class WhyHandler(IntentHandler):
    intents = ("WhyIntent",)
    group = Group.SIDE
    rank = 50

    def answer(self, turn: Turn) -> Reply:
        return triage_flow.why(turn)


class DetailsHandler(IntentHandler):
    """ "Tell me more", "what should I do?": the fuller advice on request."""

    intents = ("DetailsIntent",)
    group = Group.SIDE
    rank = 60

    def answer(self, turn: Turn) -> Reply:
        return triage_flow.details(turn)
