"""Where a specialist's busy time comes from: booked consultations and live holds.

The slot engine, the directory cache and the booking re-check read busy time here only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from telesecond.clock import utcnow
from telesecond.domain.slots import Interval
from telesecond.extensions import db
from telesecond.models import Consultation, Hold


def booked(
    account_id: int, start: datetime, end: datetime, ignore_consultation: int | None = None
) -> list[Interval]:
    """Active consultations of the specialist overlapping [start, end)."""
    query = select(Consultation.start, Consultation.end).where(
        Consultation.specialist_id == account_id,
        Consultation.status != "cancelled",
        Consultation.start < end,
        Consultation.block_end > start,
    )
    if ignore_consultation is not None:
        query = query.where(Consultation.id != ignore_consultation)
    return [Interval(s, e) for s, e in db.session.execute(query)]


def held(
    account_id: int, start: datetime, end: datetime, except_patient: int | None = None
) -> list[Interval]:
    """Unexpired holds on the specialist's time overlapping [start, end), but the patient's own."""
    query = select(Hold.start, Hold.end).where(
        Hold.specialist_id == account_id,
        Hold.expires_at > utcnow(),
        Hold.start < end,
        Hold.block_end > start,
    )
    if except_patient is not None:
        query = query.where(Hold.patient_id != except_patient)
    return [Interval(s, e) for s, e in db.session.execute(query)]


def patient_overlaps(
    patient_id: int, start: datetime, end: datetime, ignore_consultation: int | None = None
) -> bool:
    """Whether the patient already has an active consultation overlapping [start, end)."""
    query = select(Consultation.id).where(
        Consultation.patient_id == patient_id,
        Consultation.status != "cancelled",
        Consultation.start < end,
        Consultation.end > start,
    )
    if ignore_consultation is not None:
        query = query.where(Consultation.id != ignore_consultation)
    return db.session.scalar(query.limit(1)) is not None
