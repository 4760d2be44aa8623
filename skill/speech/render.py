"""Turn triage steps into what the person hears and sees: question text, outcome
speech, cards, offers and the "why" explanation. Words come from skill/content."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skill.content import Content
from skill.speech.ssml import to_text
from skill.triage.engine import Outcome, Question, offer_for


@dataclass(frozen=True)
class Rendered:
    speech: str  # SSML fragment
    card_title: str
    card_text: str
    offer: str | None  # "rice", "stretch:<id>", "why" (engine.offer_for), or None
    end_session: bool


def question_text(content: Content, question: Question, subject: str | None) -> str:
    node = content.get(f"questions.{question.id}")
    if isinstance(node, dict):  # wording that depends on the cause family
        node = node.get(question.variant or "") or node.get(question.family or "") or node["worse"]
    return content.fill(node, subject)


def answer_hint(content: Content, question: Question) -> str:
    return content.say(f"answer_hints.{question.answers}")


def offer_text(content: Content, offer: object | None, subject: str | None) -> str:
    """The spoken offer for "rice", "stretch:<id>" or "why" (a GuideId prints so too)."""
    if offer is None:
        return ""
    kind, _, stretch = str(offer).partition(":")
    name = content.guides["stretches"][stretch]["name"] if stretch else ""
    return content.say(f"outcomes.offers.{kind}", subject, stretch_name=name)


def render_outcome(content: Content, outcome: Outcome, facts: dict[str, Any]) -> Rendered:
    subject = facts.get("subject")
    say = lambda key: content.say(key, subject)  # noqa: E731 - tiny local helper
    reason = say(f"outcomes.reasons.{outcome.reason}")
    disposition = outcome.disposition
    if disposition == "emergency":
        # Action first, the reason in one sentence, then the instruction again.
        parts = [say("outcomes.emergency.lead"), reason, say("outcomes.emergency.close")]
        title = say("outcomes.emergency.card_title")
        card = [title + ".", to_text(reason), say("outcomes.emergency.card_close")]
        return Rendered(" ".join(parts), to_text(title), "\n".join(card), None, True)

    if disposition == "urgent":
        parts = [say("outcomes.urgent.lead"), reason, say("outcomes.urgent_escalate")]
    elif disposition == "doctor":
        parts = [say("outcomes.doctor.lead"), reason, say("outcomes.doctor_escalate")]
    else:
        advice = say(f"outcomes.self_care_advice.{outcome.reason}")
        parts = [advice, say("outcomes.self_care_escalate")]
    offer = offer_for(outcome, facts)
    title = say(f"outcomes.{disposition}.card_title")
    card = "\n".join(to_text(p) for p in parts if p)
    return Rendered(" ".join(p for p in parts if p), to_text(title), card, offer, False)


def why_text(
    content: Content, evidence: list[str], reason: str, disposition: str, subject: str | None
) -> str:
    """Explain an outcome from the person's own answers."""
    table = content.get("why.evidence")
    # Where and what brought it on first, then how it started, then everything else.
    order = ("location=", "side=", "trigger=", "onset=")
    ranked = sorted(
        evidence,
        key=lambda e: next(
            (i for i, prefix in enumerate(order) if e.startswith(prefix)), len(order)
        ),
    )
    phrases = [table[e] for e in ranked if e in table]
    if phrases:
        intro = content.say("why.intro", subject, evidence=_join(phrases))
    else:
        intro = content.say("why.intro_none", subject)
    if disposition == "self_care":
        # The first sentence of the self-care advice names the likely cause family.
        advice = content.say(f"outcomes.self_care_advice.{reason}", subject)
        explanation = advice.split(". ")[0] + "."
    else:
        explanation = content.say(f"outcomes.reasons.{reason}", subject)
    return " ".join([intro, explanation, content.say("why.not_diagnosis", subject)])


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
