"""Screens: outcomes and guided steps render an APL document on devices with APL, and
nothing on speakers. The document is validated against the data the skill binds."""

from __future__ import annotations

import json
import re

import pytest
from support import Conversation

from skill.alexa.screen import DOCUMENT, datasource
from skill.content import for_locale

APL_COMPONENTS = {"Container", "Frame", "Text", "ScrollView", "Image", "TouchWrapper",
                  "Sequence", "Pager", "VectorGraphic", "AlexaButton"}
ALLOWED_ROOTS = {"payload", "viewport", "environment", "data", "index", "ordinal", "length",
                 "event"}


def components(node):
    if isinstance(node, dict):
        if "type" in node and node is not DOC:
            yield node["type"]
        for value in node.values():
            yield from components(value)
    elif isinstance(node, list):
        for item in node:
            yield from components(item)


DOC = json.loads(DOCUMENT.read_text())


@pytest.fixture
def screen(tmp_path):
    c = Conversation(tmp_path / "s.sqlite3", screen=True)
    c.launch()
    return c


def apl(turn):
    directives = [d for d in turn.response.get("directives", [])
                  if d["type"] == "Alexa.Presentation.APL.RenderDocument"]
    assert len(directives) == 1, turn.response.get("directives")
    return directives[0]


def test_the_document_has_the_right_shape():
    assert DOC["type"] == "APL" and re.fullmatch(r"\d{4}\.\d", DOC["version"])
    assert DOC["mainTemplate"]["parameters"] == ["payload"]
    assert set(components(DOC["mainTemplate"])) <= APL_COMPONENTS


def test_every_binding_refers_to_a_field_the_skill_provides():
    text = DOCUMENT.read_text()
    expressions = re.findall(r"\$\{([^}]*)\}", text)
    assert expressions
    provided = set(datasource({"kind": "step"}, for_locale("en-US")))
    for expr in expressions:
        for root in re.findall(r"(?<![\w.'@])([a-zA-Z_]\w*)(?=\.)", expr):
            assert root in ALLOWED_ROOTS, (root, expr)
        for field in re.findall(r"payload\.screen\.(\w+)", expr):
            assert field in provided, (field, expr)


def test_an_emergency_shows_a_red_warning(screen):
    screen.intent("RedFlagIntent", symptom="breathless")
    turn = screen.confirms()
    data = apl(turn)["datasources"]["payload"]["screen"]
    assert data["disposition"] == "emergency" and data["warning"] is True
    assert "911" in data["title"] and "911" in data["text"]
    assert "@warningRed" in DOCUMENT.read_text()


def test_an_urgent_outcome_is_styled_as_a_warning_too(screen):
    screen.intent("RedFlagIntent", location="calf", symptom="swollen")
    screen.no()
    turn = screen.no()
    data = apl(turn)["datasources"]["payload"]["screen"]
    assert data["disposition"] == "urgent" and data["warning"] is True


def test_a_stretch_step_shows_its_number_and_hold_time(screen):
    screen.intent("StretchIntent", stretch="calf")
    turn = screen.intent("AMAZON.NextIntent")
    data = apl(turn)["datasources"]["payload"]["screen"]
    spoken = re.search(r"Step (\d+) of (\d+)", turn.text)
    assert (data["step"], data["total"]) == (int(spoken[1]), int(spoken[2]))
    assert data["holdSeconds"] == 45 and data["holdLabel"] == "Hold for 45 seconds"
    assert data["stepLabel"] == f"Step {spoken[1]} of {spoken[2]}"
    assert "Left leg" in data["text"]


def test_a_speaker_without_a_screen_gets_no_apl(tmp_path):
    speaker = Conversation(tmp_path / "s.sqlite3", screen=False)
    speaker.launch()
    for turn in (speaker.intent("RedFlagIntent", symptom="breathless"),
                 speaker.launch(), speaker.intent("RiceIntent")):
        assert not turn.response.get("directives")
