"""Records a patient uploads while booking, before the consultation exists.

The booking page holds a time; the records step uploads files then, checked as any
document is (``documents.check_file``). They belong to the patient, not to the hold:

- booking moves the ones the form names onto the new consultation, as documents with
  the same stored bytes;
- a hold that lapses leaves them here: the next booking page offers them again ("kept
  from your earlier attempt"), for ``KEEP_DAYS``, after which ``purge`` deletes them.

Listing them (file names are health information) and removing them are audited; audit
details never carry a file name.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from telesecond.adapters import registry
from telesecond.adapters.storage import DocumentStore
from telesecond.extensions import db
from telesecond.models import Account, Document, IntakeDocument
from telesecond.models.record import DOCUMENT_KINDS
from telesecond.services import audit
from telesecond.services.consultations import access
from telesecond.services.consultations.documents import (
    TooLarge,
    UploadLimits,
    check_file,
    megabytes,
    stored_bytes,
)
from telesecond.services.errors import Forbidden, Invalid, NotFound

# How long records from a booking that was not finished wait for the next attempt.
KEEP_DAYS = 7


def _patient(actor: Account) -> None:
    if actor.role != "patient":
        raise Forbidden(_("Only patients upload records while booking."))


def _kept_bytes(patient_id: int) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(IntakeDocument.size), 0)).where(
            IntakeDocument.patient_id == patient_id
        )
    )
    return int(total or 0)


def upload(
    patient: Account,
    *,
    filename: str,
    kind: str,
    data: bytes,
    now: datetime,
    ip: str | None = None,
    limits: UploadLimits | None = None,
    store: DocumentStore | None = None,
) -> IntakeDocument:
    """Keep one record for the patient's booking; the same checks as any document.

    :raise Invalid: unknown kind or empty file (422).
    :raise TooLarge: over the per-document limit, or the kept records together over a
        consultation's (413).
    :raise UnsupportedType: the content is not an accepted type (415).
    """
    _patient(patient)
    if kind not in DOCUMENT_KINDS:
        raise Invalid.field("kind", _("Choose what kind of record it is."))
    limits = limits or UploadLimits.from_config(current_app.config)
    content_type, name = check_file(data, filename, limits)
    kept = _kept_bytes(patient.id)
    if kept + len(data) > limits.consultation_bytes:
        raise TooLarge(
            _(
                "A consultation may hold %(limit)s of records; %(left)s is left, and this "
                "file is %(size)s.",
                limit=megabytes(limits.consultation_bytes),
                left=megabytes(max(0, limits.consultation_bytes - kept)),
                size=megabytes(len(data)),
            )
        )
    with stored_bytes(data, store) as stored_file:
        record = IntakeDocument(
            patient_id=patient.id,
            kind=kind,
            filename=name,
            content_type=content_type,
            created_at=now,
            **stored_file,
        )
        db.session.add(record)
        db.session.flush()
        audit.record(
            "intake_document.uploaded",
            actor_id=patient.id,
            target_type="intake_document",
            target_id=record.id,
            ip=ip,
            detail={"kind": kind, "size": len(data)},
        )
        db.session.commit()
    return record


def kept_for(patient: Account, *, ip: str | None = None) -> list[IntakeDocument]:
    """The patient's records waiting for a booking, oldest first; the listing is audited."""
    _patient(patient)
    records = list(
        db.session.scalars(
            select(IntakeDocument)
            .where(IntakeDocument.patient_id == patient.id)
            .order_by(IntakeDocument.created_at, IntakeDocument.id)
        )
    )
    if records:
        audit.record(
            "intake_document.listed",
            actor_id=patient.id,
            target_type="account",
            target_id=patient.id,
            ip=ip,
            detail={"count": len(records)},
        )
        db.session.commit()
    return records


def count_kept(patient: Account) -> int:
    """How many records wait for the patient's next booking (no names: not audited)."""
    return int(
        db.session.scalar(select(func.count()).where(IntakeDocument.patient_id == patient.id)) or 0
    )


def remove(
    patient: Account, record_id: int, *, ip: str | None = None, store: DocumentStore | None = None
) -> None:
    """Delete one of the patient's kept records and its stored bytes."""
    record = db.session.get(IntakeDocument, record_id)
    if record is None or record.patient_id != patient.id:
        raise NotFound(_("No such record."))
    key = record.storage_key
    db.session.delete(record)
    audit.record(
        "intake_document.removed",
        actor_id=patient.id,
        target_type="intake_document",
        target_id=record_id,
        ip=ip,
        detail={"kind": record.kind, "size": record.size},
    )
    db.session.commit()
    (store or registry.current().storage).delete(key)


def attach(
    patient: Account,
    consultation_id: int,
    record_ids: Iterable[int],
    *,
    ip: str | None = None,
) -> list[Document]:
    """Move the named records of the patient onto their new consultation, as documents.

    Ids that are not the patient's kept records (removed meanwhile, or someone else's)
    are skipped. The stored bytes stay where they are; only the row changes hands.
    """
    consultation = access.get_for(patient, consultation_id)
    wanted = {i for i in record_ids}
    if not wanted or consultation.patient_id != patient.id:
        return []
    records = db.session.scalars(
        select(IntakeDocument)
        .where(IntakeDocument.patient_id == patient.id, IntakeDocument.id.in_(wanted))
        .order_by(IntakeDocument.created_at, IntakeDocument.id)
    ).all()
    moved = []
    for record in records:
        document = Document(
            consultation_id=consultation.id,
            uploaded_by_id=patient.id,
            kind=record.kind,
            filename=record.filename,
            content_type=record.content_type,
            size=record.size,
            sha256=record.sha256,
            storage_key=record.storage_key,
            created_at=record.created_at,
        )
        db.session.delete(record)
        db.session.flush()  # the kept row gives up its storage key first
        db.session.add(document)
        db.session.flush()
        audit.record(
            "document.uploaded",
            actor_id=patient.id,
            target_type="document",
            target_id=document.id,
            ip=ip,
            detail={
                "consultation_id": consultation.id,
                "kind": document.kind,
                "size": document.size,
                "while_booking": True,
            },
        )
        moved.append(document)
    db.session.commit()
    return moved


def purge(now: datetime, *, store: DocumentStore | None = None) -> int:
    """Delete records kept longer than ``KEEP_DAYS``; how many went."""
    cutoff = now - timedelta(days=KEEP_DAYS)
    old = db.session.scalars(select(IntakeDocument).where(IntakeDocument.created_at < cutoff)).all()
    if not old:
        return 0
    keys = [record.storage_key for record in old]
    for record in old:
        db.session.delete(record)
        audit.record(
            "intake_document.purged",
            actor_id=None,
            target_type="intake_document",
            target_id=record.id,
            detail={"kept_days": KEEP_DAYS},
        )
    db.session.commit()
    store = store or registry.current().storage
    for key in keys:
        store.delete(key)
    return len(keys)
