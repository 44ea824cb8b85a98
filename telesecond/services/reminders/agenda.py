"""Specialists' morning agenda email: one outbox row per specialist and local day.

The row is planned when a consultation is booked or moved onto a day (in that
transaction), due at ``AGENDA_TIME`` in the specialist's zone, unique by slot = the local
date. At send time the dispatcher asks :func:`still_needed`: a day whose consultations
were all cancelled or moved away gets no agenda.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import Consultation, Reminder
from telesecond.services.reminders.outbox_rows import NewReminder


def agenda_time() -> time:
    """``AGENDA_TIME`` (``HH:MM``, local), 07:00 if the setting is unreadable."""
    text = str(current_app.config.get("AGENDA_TIME") or "07:00")
    try:
        return time.fromisoformat(text)
    except ValueError:
        return time(7)


def agenda_due(day: date, zone: ZoneInfo) -> datetime:
    """When the agenda for local ``day`` goes out, in UTC."""
    wall = datetime.combine(day, agenda_time())
    # The earlier reading of a repeated or skipped wall time: never later than meant.
    return min(wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which local ``day`` starts and ends."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


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
