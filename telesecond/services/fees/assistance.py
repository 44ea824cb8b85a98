"""Financial assistance: a patient asks for a reduced fee or a waiver, an admin decides.

The reason is the patient's own words about money, not their health: nothing clinical is
asked for, the audit log keeps no reason, and the email's subject names only the topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, select

from telesecond.domain.csv_cells import csv_text
from telesecond.domain.instants import to_rfc3339
from telesecond.domain.pricing import decimal_amount, money
from telesecond.extensions import db
from telesecond.models import Account, AssistanceRequest
from telesecond.services import audit
from telesecond.services.admin import notices
from telesecond.services.admin.paging import PAGE_SIZE, Page, like_escaped, page_of
from telesecond.services.consultations.access import get_for
from telesecond.services.errors import Conflict, Forbidden, Invalid, NotFound
from telesecond.services.scheduling.availability import get_profile

MAX_REASON = 500
MAX_NOTE = 500
KINDS = ("waiver", "reduction")
DECISIONS = ("approve", "decline")
STATUSES = ("pending", "approved", "declined")
EXPORT_LIMIT = 100_000
COLUMNS = (
    "id",
    "created_at",
    "patient_email",
    "specialist",
    "consultation_id",
    "kind",
    "fee",
    "offered",
    "currency",
    "reason",
    "status",
    "approved",
    "decided_at",
    "decision_note",
)


@dataclass(frozen=True)
class Ask:
    """What the patient asks for: about a specialist's fee, or a booked consultation's."""

    kind: str
    reason: str
    specialist_id: int | None = None
    consultation_id: int | None = None
    offered_cents: int | None = None


def _text(value: str | None, limit: int, name: str, errors: dict, *, required: bool) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        errors[name] = [_("Remove the invisible control characters.")]
    elif len(text) > limit:
        errors[name] = [
            _(
                "Use at most %(limit)s characters (you used %(used)s).",
                limit=limit,
                used=len(text),
            )
        ]
    elif required and not text:
        errors[name] = [_("Tell us briefly why you are asking.")]
    return text


def ask(patient: Account, request: Ask, *, now: datetime, ip: str | None) -> AssistanceRequest:
    """Record a patient's request; Invalid, NotFound or Conflict say why it cannot be."""
    if patient.role != "patient":
        raise Forbidden("Only patients ask for help with a fee.")
    errors: dict[str, list[str]] = {}
    if (request.specialist_id is None) == (request.consultation_id is None):
        raise Invalid.field("specialist_id", "Name either a specialist or a consultation.")
    if request.consultation_id is not None:
        consultation = get_for(patient, request.consultation_id)
        if consultation.patient_id != patient.id or consultation.status != "confirmed":
            raise Conflict("Only an upcoming consultation of yours can get help with its fee.")
        profile = get_profile(consultation.specialist_id, listed_only=False)
    else:
        profile = get_profile(request.specialist_id)
    if profile.fee_cents <= 0:
        raise Conflict(f"{profile.account.full_name} does not charge a fee.")
    if request.kind not in KINDS:
        errors["kind"] = ["Choose a waiver or a reduced fee."]
    elif request.kind == "reduction":
        if request.offered_cents is None:
            errors["offered_cents"] = ["Say how much you can pay."]
        elif not 0 <= request.offered_cents < profile.fee_cents:
            errors["offered_cents"] = [
                f"Give an amount below the fee of {money(profile.fee_cents, profile.currency)}."
            ]
    reason = _text(request.reason, MAX_REASON, "reason", errors, required=True)
    if errors:
        raise Invalid("Some fields need attention.", errors)
    pending = db.session.scalar(
        select(AssistanceRequest.id).where(
            AssistanceRequest.patient_id == patient.id,
            AssistanceRequest.specialist_id == profile.account_id,
            AssistanceRequest.consultation_id.is_(None)
            if request.consultation_id is None
            else AssistanceRequest.consultation_id == request.consultation_id,
            AssistanceRequest.status == "pending",
        )
    )
    if pending is not None:
        raise Conflict("You have already asked about this fee; we will email you our answer.")
    row = AssistanceRequest(
        patient_id=patient.id,
        specialist_id=profile.account_id,
        consultation_id=request.consultation_id,
        kind=request.kind,
        offered_cents=request.offered_cents if request.kind == "reduction" else None,
        fee_cents=profile.fee_cents,
        currency=profile.currency,
        reason=reason,
        status="pending",
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "assistance.requested",
        actor_id=patient.id,
        target_type="assistance_request",
        target_id=row.id,
        ip=ip,
        detail={"kind": row.kind},
    )
    db.session.commit()
    return row


def mine(patient: Account) -> list[AssistanceRequest]:
    """The patient's own requests, newest first."""
    return list(
        db.session.scalars(
            select(AssistanceRequest)
            .where(AssistanceRequest.patient_id == patient.id)
            .order_by(AssistanceRequest.created_at.desc(), AssistanceRequest.id.desc())
        )
    )


def decide(
    admin: Account,
    request_id: int,
    *,
    decision: str,
    approved_cents: int | None = None,
    note: str | None = None,
    now: datetime,
    ip: str | None,
) -> AssistanceRequest:
    """Approve (the patient then pays ``approved_cents``; 0 waives the fee) or decline.

    The patient is emailed once the decision is committed.
    """
    if admin.role != "admin":
        raise Forbidden(_("Only admins decide on financial assistance."))
    row = db.session.get(AssistanceRequest, request_id)
    if row is None:
        raise NotFound(_("No such request."))
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [_("Choose approve or decline.")]
    elif decision == "approve":
        if approved_cents is None:
            errors["approved_cents"] = [_("Say what the patient pays (0 waives the fee).")]
        elif not 0 <= approved_cents < row.fee_cents:
            errors["approved_cents"] = [
                _(
                    "Give an amount from 0 to below the fee of %(fee)s.",
                    fee=money(row.fee_cents, row.currency),
                )
            ]
    text = _text(note, MAX_NOTE, "note", errors, required=False)
    if errors:
        raise Invalid(_("Some fields need attention."), errors)
    if row.status != "pending":
        raise Conflict(
            _("This request was approved already.")
            if row.status == "approved"
            else _("This request was declined already.")
        )
    row.status = "approved" if decision == "approve" else "declined"
    row.approved_cents = approved_cents if decision == "approve" else None
    row.decision_note = text or None
    row.decided_by_id = admin.id
    row.decided_at = now
    audit.record(
        f"assistance.{row.status}",
        actor_id=admin.id,
        target_type="assistance_request",
        target_id=row.id,
        ip=ip,
        detail={"approved_cents": row.approved_cents},
    )
    db.session.commit()
    notices.send("assistance", [row.patient], now=now, request=row, money=money)
    return row


def approved_for(
    patient_id: int, specialist_id: int, consultation_id: int | None = None
) -> AssistanceRequest | None:
    """The approved request that applies: the consultation's, or the next booking's."""
    used = AssistanceRequest.used_by_id
    query = select(AssistanceRequest).where(
        AssistanceRequest.patient_id == patient_id,
        AssistanceRequest.specialist_id == specialist_id,
        AssistanceRequest.status == "approved",
        used.is_(None) if consultation_id is None else used == consultation_id,
    )
    return db.session.scalar(query.order_by(AssistanceRequest.decided_at.desc()).limit(1))


@dataclass(frozen=True)
class Filters:
    """What the admin narrowed the list to; empty means any."""

    status: str = ""
    person: str = ""  # part of the patient's email address


def _statement(filters: Filters) -> Select:
    if filters.status and filters.status not in STATUSES:
        raise Invalid.field("status", _("Choose pending, approved or declined."))
    query = (
        select(AssistanceRequest, Account.email)
        .join(Account, Account.id == AssistanceRequest.patient_id)
        .order_by(AssistanceRequest.created_at.desc(), AssistanceRequest.id.desc())
    )
    if filters.status:
        query = query.where(AssistanceRequest.status == filters.status)
    person = filters.person.strip().lower()
    if person:
        query = query.where(Account.email.like(f"%{like_escaped(person)}%", escape="\\"))
    return query


def search(filters: Filters, *, page: int = 1, size: int = PAGE_SIZE) -> Page:
    """One page of requests with their patient's email, newest first."""
    return page_of(_statement(filters), number=page, size=size, rows=True)


def export_csv(admin: Account, filters: Filters, *, ip: str | None) -> str:
    """The matching requests as CSV, every cell formula-safe; the export is audited."""
    rows = db.session.execute(_statement(filters).limit(EXPORT_LIMIT)).all()
    audit.record(
        "assistance.exported",
        actor_id=admin.id,
        target_type="assistance_request",
        ip=ip,
        detail={"rows": len(rows)},
    )
    db.session.commit()
    return csv_text(
        COLUMNS,
        (
            (
                row.id,
                to_rfc3339(row.created_at),
                email,
                row.specialist.full_name,
                row.used_by_id,
                row.kind,
                decimal_amount(row.fee_cents),
                decimal_amount(row.offered_cents),
                row.currency,
                row.reason,
                row.status,
                decimal_amount(row.approved_cents),
                to_rfc3339(row.decided_at),
                row.decision_note,
            )
            for row, email in rows
        ),
    )
