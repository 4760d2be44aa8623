"""Turn triage steps into what the person hears and sees: question text, outcome
speech, cards, offers and the "why" explanation. Words come from skill/content."""

from __future__ import annotations

from typing import Any, NamedTuple

from skill.content import Content
from skill.speech.ssml import to_text
from skill.triage.engine import Outcome, Question, load_protocol, offer_for


class Rendered(NamedTuple):
    speech: str  # SSML fragment: the short first reply (the level, what to do, a safety net)
    details: str  # SSML fragment: the fuller advice, for "tell me more"
    card_title: str
    card_text: str
    offer: str | None  # "rice", "stretch:<id>", "why" (engine.offer_for), or None
    end_session: bool


def question_text(content: Content, question: Question, subject: str | None) -> str:
    if question.variant == "confirm":  # a finding heard in passing, asked about directly
        key = f"questions.confirm.{question.id}"
        if content.has(key):
            return content.say(key, subject)
        finding = content.get("findings").get(question.id, question.id.replace("_", " "))
        return content.say("questions.confirm.any", subject, finding=finding)
    if question.denied:
        remaining = _remaining(content, question)
        if remaining:
            return content.say("questions.remaining", subject, items=remaining)
    node = content.get(f"questions.{question.id}")
    if isinstance(node, dict):  # wording that depends on the cause family or the context
        node = (
            node.get(question.variant or "")
            or node.get(question.family or "")
            or node.get("any")
            or node.get("strain")
            or node["worse"]
        )
    return content.fill(node, subject)


def finding_list(content: Content, findings: list[str]) -> str:
    """Findings as spoken, joined with "or" ("swelling, warmth or redness")."""
    phrases = content.get("findings")
    return _join([phrases[f] for f in findings if f in phrases], "or")


def _remaining(content: Content, question: Question) -> str:
    """What a question still needs to ask once some of its findings were denied
    ("no breathlessness" leaves chest pain, coughing blood and fainting)."""
    phrases = content.get("findings")
    covers = load_protocol().covers(question.id)
    left = [f for f in covers if f not in question.denied]
    if not left or any(f not in phrases for f in left):
        return ""
    return _join([phrases[f] for f in left], "or")


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
    """The first reply is short: the level and the one thing to do now first, then a
    safety net (clinical.md (c) wording norms). The fuller advice is kept for "tell me
    more" and the card."""
    subject = facts.get("subject")

    def say(key: str) -> str:
        return content.say(key, subject)

    level, reason_id = outcome.disposition, outcome.reason
    reason = say(f"outcomes.reasons.{reason_id}")
    title = say(f"outcomes.{level}.card_title")
    if level == "emergency":
        # Action first, the reason in one sentence, then the instruction again.
        parts = [say("outcomes.emergency.lead"), reason, say("outcomes.emergency.close")]
        lines = [title + ".", to_text(reason), say("outcomes.emergency.card_close")]
        speech = " ".join(parts)
        return Rendered(speech, speech, to_text(title), "\n".join(lines), None, True)
    if level == "urgent":
        parts = [say("outcomes.urgent.lead"), say("outcomes.urgent.action"), reason]
        parts.append(say("outcomes.urgent_escalate"))
        details = parts
    elif level == "doctor":
        parts = [say("outcomes.doctor.lead"), reason, say("outcomes.doctor_escalate")]
        details = parts
    else:
        parts = [
            say(f"outcomes.self_care_first.{reason_id}"),
            say(f"outcomes.safety_net.{reason_id}"),
            say("outcomes.self_care_escalate"),
        ]
        details = [
            say(f"outcomes.self_care_advice.{reason_id}"),
            say("outcomes.self_care_escalate"),
        ]
    card = "\n".join(to_text(p) for p in details if p)
    return Rendered(
        " ".join(p for p in parts if p),
        " ".join(p for p in details if p),
        to_text(title),
        card,
        offer_for(outcome, facts),
        False,
    )


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
    # "name=value", or the bare name for facts whose value varies ("duration_days=13").
    phrases = [
        table.get(e) or table[e.split("=")[0]]
        for e in ranked
        if e in table or e.split("=")[0] in table
    ]
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


def _join(items: list[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
