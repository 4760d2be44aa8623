"""skill.alexa.dispatch asks only the handlers that could answer a request (issue 22). It
must always choose the handler the SDK's own mapper would: these run whole conversations
with both deciding every turn, and check the contract the index relies on."""

from __future__ import annotations

import ast
import inspect
import json
import textwrap

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from ask_sdk_runtime.dispatch_components.request_components import GenericRequestMapper
from dialogues.report import BLIND, load, run_all

from skill.alexa import dispatch
from skill.alexa.base import IntentHandler
from skill.alexa.skill import HANDLERS, build_skill
from skill.content import contract
from skill.store.sqlite import SqliteStore


@pytest.fixture
def both_mappers_decide(monkeypatch):
    """Every turn, the SDK's mapper decides too; the turns where they differ are listed."""
    differences: list[str] = []
    turns = [0]
    indexed = dispatch.IntentIndexedMapper.get_request_handler_chain

    def checked(self, handler_input):
        chosen = indexed(self, handler_input)
        expected = GenericRequestMapper.get_request_handler_chain(self, handler_input)
        turns[0] += 1
        if chosen is not expected:
            request = handler_input.request_envelope.request
            differences.append(f"{getattr(getattr(request, 'intent', None), 'name', None)}: "
                               f"{type(chosen.request_handler).__name__} instead of "
                               f"{type(expected.request_handler).__name__}")
        return chosen

    monkeypatch.setattr(dispatch.IntentIndexedMapper, "get_request_handler_chain", checked)
    return differences, turns


def test_the_indexed_mapper_chooses_what_the_sdk_would_in_a_hundred_conversations(
        both_mappers_decide):
    differences, turns = both_mappers_decide
    run_all(load(BLIND)[:100], "generous")
    assert turns[0] > 500  # the conversations really went through the skill
    assert differences == []


def _is_base_check(node: ast.AST) -> bool:
    """`super().can_handle(handler_input)`."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "can_handle" and isinstance(node.func.value, ast.Call)
            and getattr(node.func.value.func, "id", None) == "super")


def _starts_from_the_base(function: ast.FunctionDef) -> bool:
    """The first statement is `return super().can_handle(...) and ...` or
    `if not super().can_handle(...): return False`."""
    body = [s for s in function.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    first = body[0]
    if isinstance(first, ast.Return):
        value = first.value
        return _is_base_check(value) or (
            isinstance(value, ast.BoolOp) and isinstance(value.op, ast.And)
            and _is_base_check(value.values[0]))
    return (isinstance(first, ast.If) and isinstance(first.test, ast.UnaryOp)
            and isinstance(first.test.op, ast.Not) and _is_base_check(first.test.operand)
            and isinstance(first.body[0], ast.Return)
            and getattr(first.body[0].value, "value", None) is False)


def test_an_intent_handler_that_adds_conditions_asks_the_base_first():
    # The index leaves an IntentHandler out for any intent it does not name, which is only
    # right if its can_handle is never true for one: an override must start from the base.
    overrides = [h for h in HANDLERS
                 if issubclass(h, IntentHandler) and "can_handle" in vars(h)]
    assert overrides  # the check below checks something
    for handler in overrides:
        source = textwrap.dedent(inspect.getsource(vars(handler)["can_handle"]))
        function = ast.parse(source).body[0]
        assert isinstance(function, ast.FunctionDef)
        assert _starts_from_the_base(function), handler.__name__


def test_an_intent_no_handler_names_goes_to_the_handlers_that_decide_for_themselves():
    from support import Conversation

    convo = Conversation()
    convo.launch()
    turn = convo.intent("MadeUpIntent")
    assert turn.text and not turn.ended  # the fallback answered; nothing was indexed
    mapper = convo.skill.request_dispatcher.request_mappers[0]
    assert isinstance(mapper, dispatch.IntentIndexedMapper)
    assert "MadeUpIntent" not in mapper._by_intent


# Session attributes that put the conversation in each phase (and the naming question).
STATES = {
    "start": {},
    "question": {"triage": {"facts": {}, "asked": 1, "pending": "pe_signs"}},
    "outcome": {"triage": {"facts": {}, "asked": 5, "disposition": "self_care",
                           "reason": "strain", "offer": "rice"}},
    "guide": {"guide": {"id": "rice", "step": 1}},
    "checkin": {"checkin": {"profile": "self", "step": "pain"}},
    "correct": {"triage": {"facts": {"pe_signs": "yes"}, "lowering": ["pe_signs"]}},
    "confirm delete": {"confirm": "delete"},
    "confirm alerts": {"confirm": "alerts"},
    "naming": {"naming": True},
}


def _handler_input(intent: str, attributes: dict, subject: bool) -> HandlerInput:
    slots = {"subject": {"name": "subject", "value": "my mom", "resolutions": {
        "resolutionsPerAuthority": [{"authority": "a", "status": {"code": "ER_SUCCESS_MATCH"},
                                     "values": [{"value": {"name": "mom", "id": "mother"}}]}]}}}
    event = {"version": "1.0",
             "session": {"new": False, "sessionId": "s", "attributes": attributes,
                         "application": {"applicationId": "a"}, "user": {"userId": "u"}},
             "context": {"System": {"application": {"applicationId": "a"},
                                    "user": {"userId": "u"}, "device": {"deviceId": "d"}}},
             "request": {"type": "IntentRequest", "requestId": "r", "locale": "en-US",
                         "timestamp": "2026-11-25T10:00:00Z",
                         "intent": {"name": intent, "confirmationStatus": "NONE",
                                    "slots": slots if subject else {}}}}
    envelope = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    return HandlerInput(request_envelope=envelope,
                        attributes_manager=AttributesManager(envelope))


def test_every_intent_in_every_phase_goes_where_the_sdk_would_send_it():
    skill = build_skill(SqliteStore(":memory:"))
    mapper = skill.request_dispatcher.request_mappers[0]
    intents = [*contract.load().intents, *contract.load().built_in_intents, "MadeUpIntent"]
    checked = 0
    for intent in intents:
        for state, attributes in STATES.items():
            for subject in (False, True):
                handler_input = _handler_input(intent, attributes, subject)
                expected = GenericRequestMapper.get_request_handler_chain(mapper, handler_input)
                chosen = mapper.get_request_handler_chain(handler_input)
                assert chosen is expected, (intent, state, subject)
                checked += 1
    assert checked > 1000
