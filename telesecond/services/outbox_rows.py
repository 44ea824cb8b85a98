"""New outbox rows, gathered while a change is planned and written in one statement.

Planning a booking adds seven or so rows. As ORM objects each costs a unit-of-work
flush step; gathered as plain values they go to the database as one multi-row INSERT
in the same transaction, which is most of the outbox's cost per booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telesecond.extensions import db
from telesecond.models import Reminder

_INSERT = Reminder.__table__.insert()


@dataclass
class NewReminder:
    """A row not yet written; the same attributes the planner reads on stored rows."""

    consultation_id: int | None
    recipient_id: int
    kind: str
    channel: str
    slot: str
    due_at: datetime
    created_at: datetime
    updated_at: datetime
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = None


def insert_rows(rows: list[NewReminder]) -> None:
    """Write the gathered rows (a no-op without any); the caller's transaction commits."""
    if rows:
        db.session.execute(_INSERT, [dict(vars(row)) for row in rows])
        rows.clear()
