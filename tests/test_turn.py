"""The per-request Turn (skill/alexa/turn.py), the one renderer (respond.render), the phase
-> prompt table (skill/alexa/prompts.py), thin handlers, and handlers that declare their
own place in the order (issue 21, item 3)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import Conversation

from skill.alexa import persistence, prompts
from skill.alexa.base import Group, Handler, IntentHandler
from skill.alexa.handlers import in_order
from skill.alexa.skill import HANDLERS
from skill.alexa.state import Phase
from skill.alexa.turn import Turn

HANDLER_DIR = Path(__file__).parents[1] / "skill" / "alexa" / "handlers"
# What a handler module may import from the skill: flows, the turn, the base classes,
# the state's phases, and the few readers of a request. No storage, no account, no rules.
STORAGE_AND_RULES = (
    "skill.store",
    "skill.checkins",
    "skill.alexa.persistence",
    "skill.alexa.failures",
    "skill.triage.engine",
)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def handler_modules() -> list[Path]:
    return sorted(p for p in HANDLER_DIR.glob("*.py") if p.name != "__init__.py")


def test_handler_modules_never_import_each_other():
    assert handler_modules()  # the check below checks something
    for path in handler_modules():
        others = {
            name
            for name in imports_of(path)
            if name.startswith("skill.alexa.handlers") and name != "skill.alexa.handlers"
        }
        assert not others, f"{path.name} imports {sorted(others)}: move it into a flow"


def test_account_feature_handlers_make_no_storage_calls_of_their_own():
    """Caregivers, alerts, reminders and the account's own features keep their storage
    calls and flow logic in flows (caregiver_flow, alert_choice_flow, reminder_flow,
    account_flow, checkin_flow)."""
    for name in ("caregivers", "alerts", "reminders", "account", "session"):
        names = imports_of(HANDLER_DIR / f"{name}.py")
        used = sorted(n for n in names if n.startswith(STORAGE_AND_RULES))
        assert not used, f"handlers/{name}.py imports {used}"


def test_every_handler_answers_through_the_one_renderer():
    """Each handler gives a Reply (`answer`); Handler.handle renders it, so the state is
    written back the same way whichever handler answered."""
    for handler in HANDLERS:
        assert "handle" not in vars(handler), f"{handler.__name__} builds its own response"
        assert handler.answer is not Handler.answer, f"{handler.__name__} answers nothing"


# The order the handlers were listed in by hand in skill.py before they declared their
# places (group, rank). The first handler whose can_handle is true answers, so a change
# here changes who answers: make it on purpose, and say why in the commit.
TODAYS_ORDER = [
    # What must win whatever the phase.
    "session.LaunchHandler", "triage.EmergencyHelpHandler", "talk.PaceHandler",
    "caregivers.NameHandler", "triage.NothingAnswerHandler", "triage.StatementHandler",
    "triage.CorrectionHandler",
    # Answers that belong to the phase the person is in.
    "triage.ConfirmLoweringHandler", "alerts.ConfirmAlertsHandler", "alerts.MoreAlertsHandler",
    "account.ConfirmDeleteHandler", "account.CheckInAnswerHandler", "guides.GuideTalkHandler",
    "guides.StretchHurtsHandler", "guides.GuideHandler", "triage.AnswerHandler",
    "triage.OfferHandler", "triage.StartAnswerHandler", "session.WaitHandler",
    # Account features.
    "account.CheckInStartHandler", "caregivers.SummaryHandler", "caregivers.ShareHandler",
    "caregivers.ConnectHandler", "caregivers.ReceiveShareHandler", "caregivers.StopSharingHandler",
    "alerts.AlertCaregiversHandler", "alerts.SendMeAlertsHandler", "alerts.StopAlertsHandler",
    "account.DeleteDataHandler", "reminders.ReminderHandler", "alerts.AlertPermissionHandler",
    "reminders.PermissionResponseHandler",
    # Side facts, guides and advice, explanations and everyday questions.
    "triage.PainScaleHandler", "triage.DurationHandler", "guides.GuideStartHandler",
    "guides.AdviceHandler", "triage.WhyHandler", "triage.DetailsHandler",
    "questions.MedicineHandler", "questions.HeatIceHandler", "questions.WhatIsHandler",
    "questions.HealingTimeHandler", "questions.IsItSeriousHandler", "questions.ThanksHandler",
    "questions.StretchQuestionHandler", "questions.WhichLegQuestionHandler",
    "talk.ExplainHandler", "talk.ScaredHandler", "talk.AfterWarningHandler",
    "talk.StepHelpHandler", "talk.PrivacyHandler", "talk.NoIceHandler",
    # Navigation and the session's frame.
    "session.RepeatHandler", "session.StartOverHandler", "guides.ResumeHandler",
    "guides.IdleNavigationHandler", "session.HelpHandler", "session.StopHandler",
    "session.SessionEndedHandler", "alerts.NotificationsOffHandler", "session.SkillEventHandler",
    # Catch-alls, last.
    "session.FallbackHandler", "session.OtherRequestHandler",
]


def test_flows_reach_the_request_only_through_the_turn():
    """A flow is given a Turn and asks it (the profile too): no flow module touches the
    SDK's handler_input or the persistence module behind the turn."""
    reached = {}
    for path in sorted(HANDLER_DIR.parent.glob("*_flow.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
        names += [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
        found = sorted({n for n in names if n in ("handler_input", "persistence")})
        if found:
            reached[path.name] = found
    assert reached == {}


def test_the_handlers_declared_places_give_the_order_that_was_listed_by_hand():
    """Every handler of that list is still there, in exactly that order. A new handler
    may come in between (where its group and rank put it) without editing this list."""
    built = [f"{h.__module__.rsplit('.', 1)[-1]}.{h.__name__}" for h in HANDLERS]
    assert set(TODAYS_ORDER) <= set(built), "a handler went missing"
    assert [name for name in built if name in TODAYS_ORDER] == TODAYS_ORDER


def test_the_catch_alls_come_last_and_the_launch_and_a_call_for_help_first():
    assert [h.__name__ for h in HANDLERS[:2]] == ["LaunchHandler", "EmergencyHelpHandler"]
    assert {h.group for h in HANDLERS[-2:]} == {Group.CATCH_ALL}
    assert [h.group for h in HANDLERS] == sorted(h.group for h in HANDLERS if h.group)


def test_a_handler_that_declares_no_group_stops_the_build_rather_than_going_missing():
    class Nowhere(IntentHandler):
        intents = ("NowhereIntent",)

    with pytest.raises(TypeError, match="Nowhere declares no group"):
        in_order([*HANDLERS, Nowhere])


def test_two_handlers_at_one_place_stop_the_build_rather_than_answer_in_either_order():
    thanks = next(h for h in HANDLERS if h.__name__ == "ThanksHandler")

    class Welcome(IntentHandler):
        intents = ("YoureWelcomeIntent",)
        group = thanks.group
        rank = thanks.rank

    with pytest.raises(TypeError, match=f"ThanksHandler and .*Welcome both at SIDE {thanks.rank}"):
        in_order([*HANDLERS, Welcome])


def _reads_only_the_turn(node: ast.expr) -> bool:
    """`turn`, a constant, or something read from the turn (`turn.slot_id("subject")`)."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return names <= {"turn"}


def _answer_problem(function: ast.FunctionDef, flows: set[str]) -> str | None:
    """None if the body (its docstring aside) is `return flow.function(turn, ...)` whose
    arguments read only the turn or are constants; else what is wrong."""
    body = [s for s in function.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return f"{len(body)} statements: move them into a flow function"
    call = body[0].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)):
        return "returns something other than one flow call"
    if call.func.value.id not in flows:
        return f"calls {call.func.value.id}, not a flow module"
    first = call.args[0] if call.args else None
    if not (isinstance(first, ast.Name) and first.id == "turn"):
        return "the flow is not handed the turn first"
    extra = [*call.args[1:], *(k.value for k in call.keywords)]
    if not all(_reads_only_the_turn(a) for a in extra):
        return "an argument works something out: do it in the flow"
    return None


def test_every_handler_answers_with_one_call_into_a_flow():
    """Handlers hold no sequencing: `answer` is `return some_flow.function(turn, ...)`,
    the arguments only read from the turn (a slot) or constants. Flows are the modules
    named *_flow and repair."""
    checked = 0
    for path in handler_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        flows = {
            a.asname or a.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "skill.alexa"
            for a in node.names
            if a.name.endswith("_flow") or a.name == "repair"
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "answer":
                        problem = _answer_problem(item, flows)
                        assert problem is None, f"{path.name} {node.name}.answer: {problem}"
                        checked += 1
    assert checked == len(HANDLERS)


def test_the_answer_check_fails_a_handler_that_sequences():
    """The check above can fail: a handler that decides between two flows does."""
    source = """
def answer(self, turn):
    if turn.state.guide:
        return guide_flow.step_again(turn)
    return triage_flow.advance(turn)
"""
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef)
    assert _answer_problem(function, {"guide_flow", "triage_flow"}) is not None
    worked_out = ast.parse("def answer(self, turn):\n    return f_flow.g(turn, MOVES[x])")
    function = worked_out.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert _answer_problem(function, {"f_flow"}) == (
        "an argument works something out: do it in the flow")


def test_every_phase_has_its_prompt_in_the_table():
    assert set(prompts.PROMPTS) == set(Phase)
    assert set(Phase) >= prompts.STILL_ASKING


@pytest.fixture
def convo(tmp_path):
    return Conversation(tmp_path / "s.sqlite3")


def test_a_turn_is_built_once_per_request_and_reads_the_account_key_only_when_asked(
    convo, monkeypatch
):
    """The red-flag path never derives the account's key: a statement and the direct
    question about a sign heard in passing make no call for it (it may wait on the key's
    secret), however many times flows ask the turn for other things."""
    built: list[Turn] = []
    asked: list[str] = []
    made = Turn.__init__
    user_key = persistence.user_key

    def building(self, *args, **kwargs):
        built.append(self)
        made(self, *args, **kwargs)

    def counted(envelope):
        asked.append("user key")
        return user_key(envelope)

    monkeypatch.setattr(Turn, "__init__", building)
    monkeypatch.setattr(persistence, "user_key", counted)
    convo.launch()
    built.clear()
    asked.clear()
    heard = convo.says(location="calf", symptom="breathless")
    assert "call 911 now" in heard.text
    assert len(built) == 1, "one Turn for the request"
    assert asked == [], "no account key on the way to a warning's question"


def test_a_turn_works_out_the_account_key_once(convo, monkeypatch):
    """However many flows ask for it in a turn, the key (an HMAC, maybe a wait for the
    secret) is derived once."""
    asked: list[str] = []
    user_key = persistence.user_key
    answer = HANDLERS[0].answer  # LaunchHandler

    def counted(envelope):
        asked.append("user key")
        return user_key(envelope)

    def twice(self, turn):
        monkeypatch.setattr(persistence, "user_key", counted)
        first, again = turn.user_key, turn.user_key
        monkeypatch.setattr(persistence, "user_key", user_key)
        assert first is not None and first == again
        return answer(self, turn)

    monkeypatch.setattr(HANDLERS[0], "answer", twice)
    assert "Welcome" in convo.launch().text
    assert asked == ["user key"]
