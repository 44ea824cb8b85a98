"""The specialist's draft of the written opinion, and reading the opinion.

The opinion is written as a draft (``OpinionDraft``), saved as the specialist types and
seen only by its author; it may be incomplete. Signing (``signing.py``) checks it in
full, turns it into the ``Opinion`` row and deletes the draft, so a patient (and any
link to their doctor) only ever sees a signed opinion. A signed opinion never changes:
corrections and answers to follow-up questions are signed addenda.

Each signed answer is stored with the question it answers (``{"question", "answer"}``),
so the opinion stays a self-contained document even if the intake text is ever corrected.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from telesecond.extensions import db
from telesecond.models import (
    Account,
    Consultation,
    FollowUpQuestion,
    Opinion,
    OpinionAddendum,
    OpinionDraft,
)
from telesecond.models.record import ASSESSMENTS
from telesecond.services import audit
from telesecond.services.consultations import access
from telesecond.services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
)
from telesecond.services.opinions.text_problems import text_problem

log = logging.getLogger(__name__)

MAX_SUMMARY = 20_000
MAX_ANSWER = 10_000
MAX_RECOMMENDATIONS = 20_000
ASSESSMENT_LABELS = {
    "agrees": _l("Agrees with the current diagnosis"),
    "refines": _l("Refines the current diagnosis"),
    "differs": _l("Differs from the current diagnosis"),
}
# No health information in a subject line: it shows in inbox lists and notifications.
PHYSICIAN_SUBJECT = "A second opinion has been shared with you"
NOT_YET = "No opinion has been written for this consultation yet."
SIGNED = "This opinion is signed and can no longer change. Add a signed addendum instead."


class OpinionOf(NamedTuple):
    """An opinion with the consultation it belongs to."""

    consultation: Consultation
    opinion: Opinion


class Editing(NamedTuple):
    """What the author has: the consultation, the draft (if any), the signed opinion (if any)."""

    consultation: Consultation
    draft: OpinionDraft | None
    opinion: Opinion | None


class Reading(NamedTuple):
    """What a reader sees: the signed opinion with its addenda and follow-up questions, or,
    for its author only, the draft."""

    consultation: Consultation
    opinion: Opinion | None
    draft: OpinionDraft | None
    addenda: list[OpinionAddendum]
    questions: list[FollowUpQuestion]


def answer_errors(consultation: Consultation, answers: list[str]) -> dict[int, str]:
    """What is wrong with the answers, by question number (0: the wrong number of them)."""
    questions = consultation.questions or []
    if len(answers) != len(questions):
        return {
            0: ngettext(
                "Give one answer for each of the patient's %(num)d question, in the order "
                "asked (received %(received)d).",
                "Give one answer for each of the patient's %(num)d questions, in the order "
                "asked (received %(received)d).",
                len(questions),
                received=len(answers),
            )
        }
    found: dict[int, str] = {}
    for number, answer in enumerate(answers, 1):
        problem = text_problem(
            (answer or "").strip(), "answer", MAX_ANSWER, required=True, number=number
        )
        if problem:
            found[number] = problem
    return found


def checked(
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
            _(
                "Choose whether you agree with, refine or differ from the current diagnosis "
                "(%(choices)s).",
                choices=", ".join(ASSESSMENTS),
            )
        ]
    summary = (summary or "").strip()
    recommendations = (recommendations or "").strip()
    for name, text, limit, required in (
        ("summary", summary, MAX_SUMMARY, True),
        ("recommendations", recommendations, MAX_RECOMMENDATIONS, False),
    ):
        problem = text_problem(text, name, limit, required=required)
        if problem:
            errors[name] = [problem]
    wrong_answers = answer_errors(consultation, answers)
    if wrong_answers:
        errors["answers"] = list(wrong_answers.values())
    if errors:
        raise Invalid(_("Some fields need attention."), errors)
    pairs = [
        {"question": question, "answer": answer.strip()}
        for question, answer in zip(consultation.questions or [], answers, strict=True)
    ]
    return diagnosis_assessment, summary, pairs, recommendations


def editable(actor: Account, consultation_id: int) -> Editing:
    """The consultation, draft and signed opinion when the actor may write the opinion.

    :raise NotFound: not a participant. :raise Forbidden: the patient.
    :raise Conflict: the consultation was cancelled.
    """
    consultation = access.get_for(actor, consultation_id)
    if actor.id != consultation.specialist_id:
        raise Forbidden(_("Only the consultation's specialist writes the opinion."))
    if consultation.status == "cancelled":
        raise Conflict(_("This consultation was cancelled, so no opinion can be written."))
    return Editing(
        consultation,
        db.session.get(OpinionDraft, consultation.id),
        db.session.get(Opinion, consultation.id),
    )


def open_for_editing(actor: Account, consultation_id: int, *, ip: str | None) -> Editing:
    """Like :func:`editable`, recording the view when a draft is shown for editing."""
    found = editable(actor, consultation_id)
    if found.draft is not None:
        audit.record(
            "opinion.viewed",
            actor_id=actor.id,
            target_type="consultation",
            target_id=consultation_id,
            ip=ip,
            detail={"for": "editing", "draft": True},
        )
        db.session.commit()
    return found


def draft_errors(
    consultation: Consultation,
    diagnosis_assessment: str,
    summary: str,
    answers: list[str],
    recommendations: str,
) -> dict[str, list[str]]:
    """What a draft cannot hold (it may be incomplete, but not malformed), by field."""
    errors: dict[str, list[str]] = {}
    if diagnosis_assessment and diagnosis_assessment not in ASSESSMENTS:
        errors["diagnosis_assessment"] = [
            _("Choose one of %(choices)s.", choices=", ".join(ASSESSMENTS))
        ]
    for name, text, limit in (
        ("summary", summary, MAX_SUMMARY),
        ("recommendations", recommendations, MAX_RECOMMENDATIONS),
    ):
        problem = text_problem(text, name, limit, required=False)
        if problem:
            errors[name] = [problem]
    asked = len(consultation.questions or [])
    if len(answers) > asked:
        errors["answers"] = [
            ngettext(
                "Give at most one answer, for the %(num)d question.",
                "Give at most one answer for each of the %(num)d questions.",
                asked,
            )
        ]
    for number, answer in enumerate(answers, 1):
        problem = text_problem(answer, "answer", MAX_ANSWER, required=False, number=number)
        if problem:
            errors.setdefault("answers", []).append(problem)
    return errors


def save_draft(
    actor: Account,
    consultation_id: int,
    *,
    diagnosis_assessment: str,
    summary: str,
    answers: list[str],
    recommendations: str,
    ip: str | None,
    now: datetime,
) -> OpinionDraft:
    """Create or update the author's draft (the specialist only, before signing); commit.

    :raise Conflict: the opinion is already signed (it never changes), or cancelled.
    :raise Invalid: a value no draft can hold (an unknown assessment, too long, NUL).
    """
    for attempt in (1, 2):
        consultation, draft, opinion = editable(actor, consultation_id)
        if opinion is not None:
            raise Conflict(SIGNED)
        errors = draft_errors(consultation, diagnosis_assessment, summary, answers, recommendations)
        if errors:
            raise Invalid(_("Some fields need attention."), errors)
        created = draft is None
        if draft is None:
            draft = OpinionDraft(consultation_id=consultation.id, created_at=now)
            db.session.add(draft)
        draft.specialist_id = actor.id
        draft.diagnosis_assessment = diagnosis_assessment
        draft.summary = summary
        draft.answers = list(answers)
        draft.recommendations = recommendations
        draft.updated_at = now
        if created:  # autosaves are many; the draft's first save is the one worth a line
            audit.record(
                "opinion.draft_started",
                actor_id=actor.id,
                target_type="consultation",
                target_id=consultation.id,
                ip=ip,
            )
        try:
            db.session.commit()
        except IntegrityError:
            # Two first saves at once: the other insert won, so update it instead.
            db.session.rollback()
            if attempt == 2:
                raise Conflict(
                    _(
                        "The draft was saved from elsewhere at the same time. "
                        "Please reload and try again."
                    )
                ) from None
            continue
        return draft
    raise AssertionError("unreachable")  # pragma: no cover


def addenda_of(consultation_id: int) -> list[OpinionAddendum]:
    """The opinion's addenda, oldest first."""
    return list(
        db.session.scalars(
            select(OpinionAddendum)
            .where(OpinionAddendum.consultation_id == consultation_id)
            .order_by(OpinionAddendum.number)
        )
    )


def questions_of(consultation_id: int) -> list[FollowUpQuestion]:
    """The patient's follow-up questions, oldest first."""
    return list(
        db.session.scalars(
            select(FollowUpQuestion)
            .where(FollowUpQuestion.consultation_id == consultation_id)
            .order_by(FollowUpQuestion.asked_at, FollowUpQuestion.id)
        )
    )


def read(actor: Account, consultation_id: int, ip: str | None) -> Reading:
    """The signed opinion for the consultation's patient or specialist, or the draft for its
    author; every read is audited.

    :raise NotFound: not a participant, or nothing signed yet (and no draft of the actor's).
    """
    consultation = access.get_for(actor, consultation_id)
    opinion = db.session.get(Opinion, consultation.id)
    draft = None
    if opinion is None:
        draft = db.session.get(OpinionDraft, consultation.id)
        if draft is None or draft.specialist_id != actor.id:
            raise NotFound(NOT_YET)
    audit.record(
        "opinion.viewed",
        actor_id=actor.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
        detail={"draft": True} if draft is not None else None,
    )
    db.session.commit()
    if opinion is None:
        return Reading(consultation, None, draft, [], [])
    return Reading(
        consultation, opinion, None, addenda_of(consultation.id), questions_of(consultation.id)
    )


def assessment_counts() -> dict[str, int]:
    """How many opinions agree with, refine or differ from the current diagnosis."""
    counts = dict.fromkeys(ASSESSMENTS, 0)
    rows = db.session.execute(
        select(Opinion.diagnosis_assessment, func.count()).group_by(Opinion.diagnosis_assessment)
    )  # signed opinions only: drafts live elsewhere
    for assessment, count in rows:
        if assessment in counts:
            counts[assessment] = count
    return counts
