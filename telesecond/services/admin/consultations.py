"""Admins look at consultations: a filtered list, and one consultation's timeline.

Opening one is a read of a patient's case, audited like every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from telesecond.extensions import db
from telesecond.models import (
    Account,
    AuditEvent,
    Consultation,
    ConsultationEvent,
    Document,
    Opinion,
    Reminder,
)
from telesecond.models.consultation import STATUSES
from telesecond.services import audit
from telesecond.services.admin import timeline_words as words
from telesecond.services.admin.paging import PAGE_SIZE, Page, page_of
from telesecond.services.errors import Invalid, NotFound

# Changes of the consultation itself come from its history, not again from the audit log.
_CHANGE_ACTIONS = tuple(
    f"consultation.{kind}"
    for kind in ("booked", "rescheduled", "cancelled", "completed", "no_show")
)
# Messages still to go (or withdrawn) are not events yet.
_NOT_YET = ("pending", "sending", "cancelled")


@dataclass(frozen=True)
class Entry:
    """One line of a consultation's timeline."""

    at: datetime
    source: str  # "change", "message", "document", "opinion" or "audit"
    what: str
    who: str = ""
    detail: str = ""


def search(
    *,
    status: str = "",
    specialist_id: int | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> Page:
    """Consultations by status, specialist and start time, latest start first."""
    if status and status not in STATUSES:
        raise Invalid.field("status", gettext("Choose a status from the list."))
    if starts_from and starts_before and starts_before <= starts_from:
        raise Invalid.field("end", gettext("The end date must not be before the start date."))
    query = (
        select(Consultation)
        .options(joinedload(Consultation.patient), joinedload(Consultation.specialist))
        .order_by(Consultation.start.desc(), Consultation.id.desc())
    )
    if status:
        query = query.where(Consultation.status == status)
    if specialist_id is not None:
        query = query.where(Consultation.specialist_id == specialist_id)
    if starts_from is not None:
        query = query.where(Consultation.start >= starts_from)
    if starts_before is not None:
        query = query.where(Consultation.start < starts_before)
    return page_of(query, number=page, size=size)


def specialists() -> list[Account]:
    """Every specialist account, by name (for the filter)."""
    return list(
        db.session.scalars(
            select(Account).where(Account.role == "specialist").order_by(Account.full_name)
        )
    )


def open_for_admin(admin: Account, consultation_id: int, *, ip: str | None) -> Consultation:
    """The consultation for an admin; the reading is audited and committed.

    :raise NotFound: no such consultation.
    """
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(gettext("No such consultation."))
    audit.record(
        "consultation.viewed",
        actor_id=admin.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
        detail={"as": "admin"},
    )
    db.session.commit()
    return consultation


def timeline(consultation: Consultation) -> list[Entry]:
    """What happened to the consultation, oldest first: its changes, the messages sent
    about it, its documents and opinion, and who read or acted on it (the audit log)."""
    roles = {consultation.patient_id: "patient", consultation.specialist_id: "specialist"}

    def who(account_id: int | None, account: Account | None = None) -> str:
        if account_id is None:
            return words.system()
        if account_id in roles:
            return words.role(roles[account_id])
        return words.account(account.role if account is not None else None, account_id)

    entries = _changes(consultation, who)
    entries += _messages(consultation, who)
    documents = list(
        db.session.scalars(select(Document).where(Document.consultation_id == consultation.id))
    )
    entries += [
        Entry(d.created_at, "document", words.document_uploaded(d.kind), who(d.uploaded_by_id))
        for d in documents
    ]
    entries += _opinion(consultation)
    entries += _audit(consultation, [d.id for d in documents], who)
    return sorted(entries, key=lambda e: e.at)


def _changes(consultation: Consultation, who) -> list[Entry]:
    events = db.session.scalars(
        select(ConsultationEvent)
        .where(ConsultationEvent.consultation_id == consultation.id)
        .options(joinedload(ConsultationEvent.actor))
        .order_by(ConsultationEvent.id)
    ).all()
    entries = []
    for event in events:
        detail = _describe(event.detail or {})
        entries.append(
            Entry(
                event.at,
                "change",
                words.change(event.kind),
                who(event.actor_id, event.actor),
                detail,
            )
        )
    if not events:  # booked before the history was kept
        entries.append(
            Entry(consultation.created_at, "change", words.change("booked"), words.role("patient"))
        )
        if consultation.cancelled_at is not None:
            entries.append(
                Entry(
                    consultation.cancelled_at,
                    "change",
                    words.change("cancelled"),
                    who(consultation.cancelled_by_id),
                )
            )
    return entries


def _describe(detail: dict) -> str:
    """A change's detail in words: a reschedule's times, a cancellation's reason."""
    if detail.get("from") and detail.get("to"):
        return words.rescheduled(detail["from"], detail["to"])
    return str(detail.get("reason") or "")


def _messages(consultation: Consultation, who) -> list[Entry]:
    rows = db.session.scalars(
        select(Reminder).where(
            Reminder.consultation_id == consultation.id, Reminder.status.not_in(_NOT_YET)
        )
    )
    entries = []
    for row in rows:
        at = row.sent_at or row.updated_at
        what = words.message(row.kind, row.channel, row.status)
        entries.append(Entry(at, "message", what, who(row.recipient_id), row.last_error or ""))
    return entries


def _opinion(consultation: Consultation) -> list[Entry]:
    opinion = db.session.get(Opinion, consultation.id)
    if opinion is None:
        return []
    entries = [
        Entry(opinion.created_at, "opinion", words.opinion("written"), words.role("specialist"))
    ]
    if opinion.signed_at is not None:  # a signed opinion never changes after
        entries.append(
            Entry(opinion.signed_at, "opinion", words.opinion("signed"), words.role("specialist"))
        )
    if opinion.sent_to_physician_at is not None:
        entries.append(
            Entry(
                opinion.sent_to_physician_at,
                "opinion",
                words.opinion("sent"),
                words.role("patient"),
            )
        )
    return entries


def _audit(consultation: Consultation, document_ids: list[int], who) -> list[Entry]:
    about = and_(
        AuditEvent.target_type == "consultation",
        AuditEvent.target_id == str(consultation.id),
        AuditEvent.action.not_in(_CHANGE_ACTIONS),
    )
    if document_ids:
        about = or_(
            about,
            and_(
                AuditEvent.target_type == "document",
                AuditEvent.target_id.in_([str(i) for i in document_ids]),
            ),
        )
    rows = db.session.execute(
        select(AuditEvent, Account)
        .outerjoin(Account, Account.id == AuditEvent.actor_id)
        .where(about)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [
        Entry(event.at, "audit", event.action, who(event.actor_id, account))
        for event, account in rows
    ]
