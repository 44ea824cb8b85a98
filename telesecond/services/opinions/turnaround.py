"""When each written opinion is due, whether it came in time, and the clinic's figures.

"Delivered" is decided in ONE place, :func:`delivered_at_column`: the moment the opinion
was signed (a draft is not delivered).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from telesecond.domain.turnaround import (
    TurnaroundFigures,
    due_by,
    opinion_due_date,
    turnaround_figures,
)
from telesecond.extensions import db
from telesecond.models import Consultation, Opinion, TimeOff

# An opinion is owed for a call that took place (or is not yet marked either way).
OWED_STATUSES = ("confirmed", "completed")


def delivered_at_column() -> InstrumentedAttribute:
    """The column that says when an opinion was delivered (NULL: not yet)."""
    return Opinion.signed_at


def delivered_at(consultation: Consultation) -> datetime | None:
    """When the consultation's opinion was delivered to the patient, or None."""
    return db.session.scalar(
        select(delivered_at_column()).where(Opinion.consultation_id == consultation.id)
    )


@dataclass(frozen=True)
class Due:
    """An opinion's due date in the specialist's zone, and the instant it ends."""

    on: date
    by: datetime
    zone: str


def time_off_of(specialist_id: int, *, after: datetime) -> list[tuple[datetime, datetime]]:
    """The specialist's time off that ends after ``after``."""
    rows = db.session.execute(
        select(TimeOff.start, TimeOff.end).where(
            TimeOff.account_id == specialist_id, TimeOff.end > after
        )
    )
    return [(start, end) for start, end in rows]


def due_of(consultation: Consultation, time_off: list | None = None) -> Due:
    """When the consultation's opinion is due (``OPINION_DUE_BUSINESS_DAYS`` after the call)."""
    zone = ZoneInfo(consultation.specialist.timezone)
    if time_off is None:
        time_off = time_off_of(consultation.specialist_id, after=consultation.end)
    on = opinion_due_date(
        consultation.end,
        zone,
        current_app.config["OPINION_DUE_BUSINESS_DAYS"],
        time_off,
    )
    return Due(on, due_by(on, zone), zone.key)


def open_dues(consultations: Iterable[Consultation]) -> dict[int, Due]:
    """Due dates of those consultations whose opinion is owed and not yet delivered."""
    owed = [c for c in consultations if c.status in OWED_STATUSES]
    if not owed:
        return {}
    done = set(
        db.session.scalars(
            select(Opinion.consultation_id).where(
                Opinion.consultation_id.in_([c.id for c in owed]),
                delivered_at_column().is_not(None),
            )
        )
    )
    return {c.id: due_of(c) for c in owed if c.id not in done}


def undelivered_since(since: datetime, *, until: datetime) -> list[Consultation]:
    """Owed consultations whose call ended in [since, until) and have no delivered opinion."""
    delivered = select(Opinion.consultation_id).where(delivered_at_column().is_not(None))
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.status.in_(OWED_STATUSES),
                Consultation.end >= since,
                Consultation.end < until,
                Consultation.id.not_in(delivered),
            )
            .order_by(Consultation.end)
        )
    )


# Overdue opinions older than this are no longer counted or chased by the sweep.
LOOKBACK = timedelta(days=180)


def clinic_figures(*, now: datetime) -> TurnaroundFigures:
    """Median and 90th percentile days from call to opinion, and how many are overdue."""
    rows = db.session.execute(
        select(Consultation.end, delivered_at_column())
        .join(Opinion, Opinion.consultation_id == Consultation.id)
        .where(delivered_at_column().is_not(None))
    )
    durations = [max(timedelta(0), delivered - end) for end, delivered in rows]
    overdue = sum(1 for c in undelivered_since(now - LOOKBACK, until=now) if due_of(c).by <= now)
    return turnaround_figures(durations, overdue=overdue)
