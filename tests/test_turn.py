"""The per-request Turn (skill/alexa/turn.py), the one renderer (respond.render), the phase
-> prompt table (skill/alexa/prompts.py), and thin handlers (issue 21, item 3)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import Conversation

from skill.alexa import persistence, prompts
from skill.alexa.base import Handler
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
