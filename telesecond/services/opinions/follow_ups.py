"""The patient's follow-up questions on a signed opinion.

After signing, the patient may ask up to ``FOLLOW_UP_QUESTIONS`` questions within
``FOLLOW_UP_DAYS`` of the signing (``domain.opinion_rules.follow_up_refusal``). The
specialist is told by email (nothing clinical in it) and answers in a signed addendum
(``signing.add_addendum``). Questions of one consultation are counted under its lock,
so two at once cannot pass the limit.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import func, select

from telesecond.db.locks import lock_consultation
from telesecond.domain.opinion_rules import follow_up_refusal
from telesecond.extensions import db
from telesecond.models import Account, FollowUpQuestion, Opinion
from telesecond.services import audit
from telesecond.services.consultations import access
from telesecond.services.errors import Conflict, Forbidden, Invalid
from telesecond.services.opinions.text_problems import text_problem
from telesecond.services.reminders.opinion_notices import plan_follow_up_alert

MAX_QUESTION = 2_000


def limits() -> tuple[int, int]:
    """(questions allowed, days after signing) from the settings."""
    config = current_app.config
    return config["FOLLOW_UP_QUESTIONS"], config["FOLLOW_UP_DAYS"]


def refusal(opinion: Opinion | None, asked: int, *, now: datetime) -> str | None:
    """Why the patient cannot ask another question now, or None."""
    limit, days = limits()
    signed_at = opinion.signed_at if opinion is not None else None
    reason = follow_up_refusal(signed_at=signed_at, now=now, asked=asked, limit=limit, days=days)
    if reason == "unsigned":
        return gettext("You can ask follow-up questions once the opinion is signed.")
    if reason == "closed":
        return ngettext(
            "Follow-up questions can be asked for %(num)d day after the opinion was signed.",
            "Follow-up questions can be asked for %(num)d days after the opinion was signed.",
            days,
        )
    if reason == "used_up":
        return ngettext(
            "You have asked the %(num)d follow-up question this opinion allows.",
            "You have asked the %(num)d follow-up questions this opinion allows.",
            limit,
        )
    return None


def ask(
    patient: Account, consultation_id: int, *, question: str, ip: str | None, now: datetime
) -> FollowUpQuestion:
    """Record the patient's follow-up question and tell the specialist; commit.

    :raise Forbidden: not the patient. :raise Invalid: empty or too long.
    :raise Conflict: no signed opinion, over the limit, or after the window.
    """
    consultation = access.get_for(patient, consultation_id)
    if patient.id != consultation.patient_id:
        raise Forbidden("Only the patient asks follow-up questions.")
    text = (question or "").strip()
    problem = text_problem(text, "question", MAX_QUESTION, required=True)
    if problem:
        raise Invalid.field("question", problem)
    lock_consultation(consultation.id)
    asked = db.session.scalar(
        select(func.count()).where(FollowUpQuestion.consultation_id == consultation.id)
    )
    why_not = refusal(db.session.get(Opinion, consultation.id), asked or 0, now=now)
    if why_not:
        db.session.rollback()
        raise Conflict(why_not)
    row = FollowUpQuestion(
        consultation_id=consultation.id, asked_by_id=patient.id, question=text, asked_at=now
    )
    db.session.add(row)
    db.session.flush()
    # The question itself stays out of the log: it is health information.
    audit.record(
        "opinion.follow_up_asked",
        actor_id=patient.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
        detail={"question_id": row.id, "number": (asked or 0) + 1},
    )
    plan_follow_up_alert(consultation, question_id=row.id, now=now)
    db.session.commit()
    return row
