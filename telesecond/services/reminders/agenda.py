"""Specialists' morning agenda email: one outbox row per specialist and local day.

The row is planned when a consultation is booked or moved onto a day (in that
transaction), due at ``AGENDA_TIME`` in the specialist's zone, unique by slot = the local
date. At send time the dispatcher asks :func:`still_needed`: a day whose consultations
were all cancelled or moved away gets no agenda.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from telesecond.domain.wall_clock import day_bounds, earliest_instant
from telesecond.extensions import db
from telesecond.models import Consultation, Reminder
from telesecond.services.reminders.outbox_rows import NewReminder


def agenda_due(day: date, zone: ZoneInfo) -> datetime:
    """When the agenda for local ``day`` goes out (``AGENDA_TIME`` there), in UTC."""
    # The earlier reading of a repeated or skipped wall time: never later than meant.
    return earliest_instant(day, current_app.config["AGENDA_AT"], zone)


def plan_agenda(
    consultation: Consultation, *, now: datetime, added: list[NewReminder]
) -> NewReminder | None:
    """Plan the specialist's agenda row for the consultation's local day.

    The row goes to ``added`` for the caller to insert; if that day's row exists already,
    the insert re-arms it when it was cancelled or skipped and leaves it alone otherwise
    (services/outbox_rows.py). Nothing is planned once that day's agenda time has passed
    (the booking's own confirmation tells the specialist) or if it would come after the
    start.
    """
    zone = ZoneInfo(consultation.specialist.timezone)
    day = consultation.start.astimezone(zone).date()
    due = agenda_due(day, zone)
    if due <= now or due >= consultation.start:
        return None
    row = NewReminder(
        consultation_id=None,
        recipient_id=consultation.specialist_id,
        kind="agenda",
        channel="email",
        slot=day.isoformat(),
        due_at=due,
        created_at=now,
        updated_at=now,
    )
    added.append(row)
    return row


def consultations_on(specialist_id: int, day: date, zone: ZoneInfo, *, after: datetime) -> int:
    """How many confirmed consultations the specialist has on local ``day`` after ``after``."""
    start, end = day_bounds(day, zone)
    return db.session.scalar(
        select(func.count(Consultation.id)).where(
            Consultation.specialist_id == specialist_id,
            Consultation.status == "confirmed",
            Consultation.start >= max(start, after),
            Consultation.start < end,
        )
    )


def still_needed(reminder: Reminder, *, now: datetime) -> bool:
    """Whether an agenda row still has consultations to list."""
    try:
        day = date.fromisoformat(reminder.slot)
        zone = ZoneInfo(reminder.recipient.timezone)
    except (ValueError, KeyError):
        return False
    return consultations_on(reminder.recipient_id, day, zone, after=now) > 0
