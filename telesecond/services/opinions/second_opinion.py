"""Write, read and share the specialist's written second opinion on a consultation.

Writing is publishing: there is no draft state, so the patient can read the opinion as
soon as the specialist saves it. The specialist may write at any time for a consultation
that is not cancelled (before the call, to prepare from the records, as well as after
it) and may revise it later; every save updates ``updated_at``.

Each answer is stored with the question it answers (``{"question", "answer"}``), so the
opinion stays a self-contained document even if the intake text is ever corrected.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from telesecond.extensions import db
from telesecond.models import Account, Consultation, Opinion
from telesecond.models.record import ASSESSMENTS
from telesecond.services import audit
from telesecond.services.consultations import access
from telesecond.services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
)

log = logging.getLogger(__name__)

MAX_SUMMARY = 20_000
MAX_ANSWER = 10_000
MAX_RECOMMENDATIONS = 20_000
ASSESSMENT_LABELS = {
    "agrees": "Agrees with the current diagnosis",
    "refines": "Refines the current diagnosis",
    "differs": "Differs from the current diagnosis",
}
# No health information in a subject line: it shows in inbox lists and notifications.
PHYSICIAN_SUBJECT = "A second opinion has been shared with you"
NOT_YET = "No opinion has been written for this consultation yet."


class OpinionOf(NamedTuple):
    """An opinion with the consultation it belongs to."""

    consultation: Consultation
    opinion: Opinion


def _text_problem(text: str, label: str, limit: int, *, required: bool) -> str | None:
    if "\x00" in text:
        return f"Remove the control characters from the {label}."
    if required and not text:
        return f"Write the {label}."
    if len(text) > limit:
        return f"Keep the {label} under {limit:,} characters."
    return None


def answer_errors(consultation: Consultation, answers: list[str]) -> dict[int, str]:
    """What is wrong with the answers, by question number (0: the wrong number of them)."""
    questions = consultation.questions or []
    if len(answers) != len(questions):
        asked = f"{len(questions)} question{'' if len(questions) == 1 else 's'}"
        return {
            0: f"Give one answer for each of the patient's {asked}, in the order asked "
            f"(received {len(answers)})."
        }
    found: dict[int, str] = {}
    for number, answer in enumerate(answers, 1):
        problem = _text_problem(
            (answer or "").strip(), f"answer to question {number}", MAX_ANSWER, required=True
        )
        if problem:
            found[number] = problem
    return found


def _checked(
    consultation: Consultation,
    diagnosis_assessment: str,
    summary: str,
    answers: list[str],
    recommendations: str,
) -> tuple[str, str, list[dict], str]:
    """The cleaned values, or Invalid (422) naming every problem."""
    errors: dict[str, list[str]] = {}
    if diagnosis_assessment not in ASSESSMENTS:
        errors["diagnosis_assessment"] = [
            "Choose whether you agree with, refine or differ from the current diagnosis "
            f"({', '.join(ASSESSMENTS)})."
        ]
    summary = (summary or "").strip()
    recommendations = (recommendations or "").strip()
    for name, text, label, limit, required in (
        ("summary", summary, "summary", MAX_SUMMARY, True),
        ("recommendations", recommendations, "recommendations", MAX_RECOMMENDATIONS, False),
    ):
        problem = _text_problem(text, label, limit, required=required)
        if problem:
            errors[name] = [problem]
    wrong_answers = answer_errors(consultation, answers)
    if wrong_answers:
        errors["answers"] = list(wrong_answers.values())
    if errors:
        raise Invalid("Some fields need attention.", errors)
    pairs = [
        {"question": question, "answer": answer.strip()}
        for question, answer in zip(consultation.questions or [], answers, strict=True)
    ]
    return diagnosis_assessment, summary, pairs, recommendations


def editable(actor: Account, consultation_id: int) -> tuple[Consultation, Opinion | None]:
    """The consultation (and its opinion, if any) when the actor may write the opinion.

    :raise NotFound: not a participant. :raise Forbidden: the patient.
    :raise Conflict: the consultation was cancelled.
    """
    consultation = access.get_for(actor, consultation_id)
    if actor.id != consultation.specialist_id:
        raise Forbidden("Only the consultation's specialist writes the opinion.")
    if consultation.status == "cancelled":
        raise Conflict("This consultation was cancelled, so no opinion can be written.")
    return consultation, db.session.get(Opinion, consultation.id)


def open_for_editing(
    actor: Account, consultation_id: int, *, ip: str | None
) -> tuple[Consultation, Opinion | None]:
    """Like :func:`editable`, recording the view when an opinion is shown for editing."""
    found = editable(actor, consultation_id)
    if found[1] is not None:
        audit.record(
            "opinion.viewed",
            actor_id=actor.id,
            target_type="consultation",
            target_id=consultation_id,
            ip=ip,
            detail={"for": "editing"},
        )
        db.session.commit()
    return found


def write(
    actor: Account,
    consultation_id: int,
    *,
    diagnosis_assessment: str,
    summary: str,
    answers: list[str],
    recommendations: str,
    ip: str | None,
    now: datetime,
) -> Opinion:
    """Create or revise the consultation's opinion (the specialist only); commit."""
    for attempt in (1, 2):
        consultation, opinion = editable(actor, consultation_id)
        assessment, summary_text, pairs, recommendations_text = _checked(
            consultation, diagnosis_assessment, summary, answers, recommendations
        )
        created = opinion is None
        if opinion is None:
            opinion = Opinion(consultation_id=consultation.id, created_at=now)
            db.session.add(opinion)
        opinion.specialist_id = actor.id
        opinion.diagnosis_assessment = assessment
        opinion.summary = summary_text
        opinion.answers = pairs
        opinion.recommendations = recommendations_text
        opinion.updated_at = now
        audit.record(
            "opinion.written",
            actor_id=actor.id,
            target_type="consultation",
            target_id=consultation.id,
            ip=ip,
            detail={"created": created, "assessment": assessment},
        )
        try:
            db.session.commit()
        except IntegrityError:
            # Two first saves at once: the other insert won, so revise it instead.
            db.session.rollback()
            if attempt == 2:
                raise Conflict(
                    "The opinion was saved from elsewhere at the same time. "
                    "Please reload and try again."
                ) from None
            continue
        return opinion
    raise AssertionError("unreachable")  # pragma: no cover


def read(actor: Account, consultation_id: int, ip: str | None) -> OpinionOf:
    """The opinion for the consultation's patient or specialist; every read is audited.

    :raise NotFound: not a participant, or nothing written yet.
    """
    consultation = access.get_for(actor, consultation_id)
    opinion = db.session.get(Opinion, consultation.id)
    if opinion is None:
        raise NotFound(NOT_YET)
    audit.record(
        "opinion.viewed",
        actor_id=actor.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
    )
    db.session.commit()
    return OpinionOf(consultation, opinion)


def assessment_counts() -> dict[str, int]:
    """How many opinions agree with, refine or differ from the current diagnosis."""
    counts = dict.fromkeys(ASSESSMENTS, 0)
    rows = db.session.execute(
        select(Opinion.diagnosis_assessment, func.count()).group_by(Opinion.diagnosis_assessment)
    )
    for assessment, count in rows:
        if assessment in counts:
            counts[assessment] = count
    return counts
