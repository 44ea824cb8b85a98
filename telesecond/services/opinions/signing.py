"""Sign the opinion and its addenda: the specialist's password (and second factor) again.

Signing checks the draft in full, records who signed and when, and the SHA-256 digest of
the signed content (``domain.opinion_rules``: canonical JSON, see there). The signed row
never changes afterwards; an addendum is signed the same way, numbered and dated, and
may answer the patient's follow-up questions. Each signature queues the patient's ready
notice in its own transaction. When the patient asked at booking for a copy to their
own doctor, the copy goes out after the signature is committed: a mail failure is
recorded on the opinion (the patient can send it again) and never undoes the signature.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from telesecond.adapters import registry
from telesecond.domain.opinion_rules import (
    addendum_document,
    opinion_document,
    sha256_hex,
    signing_refusal,
)
from telesecond.extensions import db
from telesecond.models import (
    Account,
    Consultation,
    FollowUpQuestion,
    Opinion,
    OpinionAddendum,
)
from telesecond.services import audit
from telesecond.services.accounts import credentials, second_factor
from telesecond.services.consultations import access
from telesecond.services.errors import Conflict, Forbidden, Invalid, ServiceError
from telesecond.services.opinions import physician_links
from telesecond.services.opinions.second_opinion import checked, editable
from telesecond.services.opinions.text_problems import text_problem
from telesecond.services.reminders.opinion_notices import plan_ready_notice

log = logging.getLogger(__name__)

MAX_ADDENDUM = 10_000
NOTHING_TO_SIGN = _l("There is no draft to sign: write the opinion first.")
NOT_SIGNED = "The opinion is not signed yet, so nothing can be added to it."
_REFUSALS = {
    "cancelled": _l("This consultation was cancelled, so no opinion can be signed."),
    "before_call": _l(
        "The opinion can be signed once the consultation has taken place. "
        "Keep it as a draft until then."
    ),
}


def refusal(consultation: Consultation, *, now: datetime) -> str | None:
    """Why the consultation's opinion cannot be signed now (``OPINION_BEFORE_CALL``), or None,
    in the reader's language."""
    why_not = signing_refusal(
        status=consultation.status,
        end=consultation.end,
        now=now,
        before_call_allowed=current_app.config["OPINION_BEFORE_CALL"],
    )
    return str(_REFUSALS[why_not]) if why_not else None


def needs_code(account: Account) -> bool:
    """Whether signing asks this account for a second-factor code as well as the password."""
    return second_factor.has_second_factor(account.id)


def _confirm_identity(
    account: Account,
    password: str,
    otp: str | None,
    *,
    what: str,
    consultation_id: int,
    ip: str | None,
    now: datetime,
) -> str:
    """The password, and a code when the account has a second factor; the factors used.

    A failure is audited and committed before :class:`Invalid` (422) is raised.
    """
    problem: tuple[str, str] | None = None
    factors = "password"
    if not password or not credentials.verify_password(account, password):
        problem = ("password", _("The password is not right."))
    elif needs_code(account):
        if not (otp or "").strip():
            problem = ("otp", _("Enter a code from your authenticator app, or a recovery code."))
        else:
            factor = second_factor.verify_code(account, otp, now=now, ip=ip)
            if factor is None:
                problem = ("otp", _("The code is not right."))
            factors = f"password+{factor}"
    if problem is not None:
        audit.record(
            f"{what}.sign_failed",
            actor_id=account.id,
            target_type="consultation",
            target_id=consultation_id,
            ip=ip,
            detail={"field": problem[0]},
        )
        db.session.commit()
        raise Invalid.field(*problem)
    return factors


def sign(
    actor: Account,
    consultation_id: int,
    *,
    password: str,
    otp: str | None,
    ip: str | None,
    now: datetime,
) -> Opinion:
    """Sign the author's draft (checked in full) and announce it; commit.

    :raise Conflict: already signed, no draft, or the consultation has not taken place
        (unless ``OPINION_BEFORE_CALL``). :raise Invalid: the draft is incomplete, or
        the password or code is wrong.
    """
    consultation, draft, opinion = editable(actor, consultation_id)
    if opinion is not None:
        raise Conflict(_("This opinion is already signed. Add a signed addendum to correct it."))
    if draft is None:
        raise Conflict(str(NOTHING_TO_SIGN))
    why_not = refusal(consultation, now=now)
    if why_not:
        raise Conflict(why_not)
    assessment, summary, pairs, recommendations = checked(
        consultation,
        draft.diagnosis_assessment,
        draft.summary,
        list(draft.answers or []),
        draft.recommendations,
    )
    factors = _confirm_identity(
        actor, password, otp, what="opinion", consultation_id=consultation.id, ip=ip, now=now
    )
    consultation, draft, opinion = editable(actor, consultation_id)  # the check committed
    if opinion is not None or draft is None:
        raise Conflict(_("This opinion was signed from elsewhere in the meantime."))
    signed_at = now.replace(microsecond=0)  # the digest covers the instant to the second
    opinion = Opinion(
        consultation_id=consultation.id,
        specialist_id=actor.id,
        diagnosis_assessment=assessment,
        summary=summary,
        answers=pairs,
        recommendations=recommendations,
        created_at=draft.created_at,
        updated_at=signed_at,
        signed_at=signed_at,
        signed_by_id=actor.id,
    )
    opinion.digest = sha256_hex(
        opinion_document(
            consultation_id=consultation.id,
            diagnosis_assessment=assessment,
            summary=summary,
            answers=pairs,
            recommendations=recommendations,
            signed_by_id=actor.id,
            signed_at=signed_at,
        )
    )
    db.session.add(opinion)
    db.session.delete(draft)
    audit.record(
        "opinion.signed",
        actor_id=actor.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
        detail={"digest": opinion.digest, "factors": factors, "assessment": assessment},
    )
    channels = plan_ready_notice(consultation, slot="opinion", now=now)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("This opinion was signed from elsewhere in the meantime.")) from None
    log.info("opinion for consultation %s signed; notice by %s", consultation.id, channels)
    _copy_to_physician(consultation, opinion, ip=ip, now=now)
    return opinion


def _copy_to_physician(
    consultation: Consultation, opinion: Opinion, *, ip: str | None, now: datetime
) -> None:
    """Send the copy the patient asked for at booking; record a failure, never raise it."""
    if not consultation.share_with_physician or not consultation.physician_contact.strip():
        return
    config = current_app.config
    try:
        physician_links.send_to_physician(
            consultation.patient,
            consultation.id,
            mailer=registry.current().mail,
            mail_from=config["MAIL_FROM"],
            ip=ip,
            organisation=config["ORGANISATION_NAME"],
            now=now,
        )
    except ServiceError as error:
        db.session.rollback()
        opinion = db.session.get(Opinion, consultation.id)
        opinion.physician_copy_error = error.detail
        audit.record(
            "opinion.physician_copy_failed",
            actor_id=None,
            target_type="consultation",
            target_id=consultation.id,
            ip=ip,
            detail={"error": type(error).__name__},
        )
        db.session.commit()


def add_addendum(
    actor: Account,
    consultation_id: int,
    *,
    text: str,
    password: str,
    otp: str | None,
    question_ids: list[int],
    ip: str | None,
    now: datetime,
) -> OpinionAddendum:
    """Sign a dated addendum under the signed opinion, answering ``question_ids``; commit.

    :raise Forbidden: not the specialist. :raise Conflict: no signed opinion yet.
    :raise Invalid: empty or too long text, unknown or answered questions, wrong password.
    """
    consultation = access.get_for(actor, consultation_id)
    if actor.id != consultation.specialist_id:
        raise Forbidden("Only the consultation's specialist adds to the opinion.")
    opinion = db.session.get(Opinion, consultation.id)
    if opinion is None:
        raise Conflict(NOT_SIGNED)
    text = (text or "").strip()
    problem = text_problem(text, "addendum", MAX_ADDENDUM, required=True)
    if problem:
        raise Invalid.field("text", problem)
    open_questions = {
        q.id: q
        for q in db.session.scalars(
            select(FollowUpQuestion).where(
                FollowUpQuestion.consultation_id == consultation.id,
                FollowUpQuestion.answered_in_id.is_(None),
            )
        )
    }
    unknown = [i for i in question_ids if i not in open_questions]
    if unknown:
        raise Invalid.field(
            "question_ids", "Choose only follow-up questions of this opinion still unanswered."
        )
    factors = _confirm_identity(
        actor, password, otp, what="addendum", consultation_id=consultation.id, ip=ip, now=now
    )
    opinion = db.session.get(Opinion, consultation.id)
    number = 1 + (
        db.session.scalar(
            select(func.count()).where(OpinionAddendum.consultation_id == consultation.id)
        )
        or 0
    )
    signed_at = now.replace(microsecond=0)
    addendum = OpinionAddendum(
        consultation_id=consultation.id,
        number=number,
        text=text,
        signed_by_id=actor.id,
        signed_at=signed_at,
        digest=sha256_hex(
            addendum_document(
                consultation_id=consultation.id,
                number=number,
                text=text,
                signed_by_id=actor.id,
                signed_at=signed_at,
                opinion_digest=opinion.digest or "",
            )
        ),
    )
    db.session.add(addendum)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Another addendum was signed at the same time. Please try again.") from None
    for question_id in question_ids:
        db.session.get(FollowUpQuestion, question_id).answered_in_id = addendum.id
    audit.record(
        "opinion.addendum_signed",
        actor_id=actor.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
        detail={
            "number": number,
            "digest": addendum.digest,
            "factors": factors,
            "answers": sorted(question_ids),
        },
    )
    plan_ready_notice(consultation, slot=f"addendum-{number}", now=now)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Another addendum was signed at the same time. Please try again.") from None
    return addendum
