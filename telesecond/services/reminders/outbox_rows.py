"""New outbox rows, gathered while a change is planned and written in one statement.

Planning a booking adds seven or so rows. As ORM objects each costs a unit-of-work
flush step; gathered as plain values they go to the database as one multi-row INSERT
in the same transaction, which is most of the outbox's cost per booking.

An agenda row (one per specialist and local day) may already exist: the INSERT turns
into an update of it (ON CONFLICT on ``uq_reminder_agenda``) that re-arms the row only if
it was cancelled or skipped, so planning an agenda needs no query first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telesecond.db.row_batch import RowBatch, Target, insert
from telesecond.models import Reminder

# States from which a planned agenda row is armed again.
REARMABLE = ("cancelled", "skipped")


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


# Re-arm an existing agenda row (one per specialist and local day) only if it was
# cancelled or skipped; the clause names the partial unique index ``uq_reminder_agenda``.
REMINDERS = Target(
    Reminder.__table__,
    tail=(
        "ON CONFLICT (recipient_id, slot) WHERE kind = 'agenda' DO UPDATE SET "
        "status = 'pending', due_at = excluded.due_at, attempts = 0, last_error = NULL, "
        "updated_at = excluded.updated_at "
        f"WHERE reminder.status IN ({', '.join(repr(s) for s in REARMABLE)})"
    ),
)


def insert_rows(rows: list[NewReminder], batch: RowBatch | None = None) -> None:
    """Write the gathered rows (a no-op without any); the caller's transaction commits.

    With ``batch`` the rows join it, to be written with the change's other rows.
    """
    insert(REMINDERS, [dict(vars(row)) for row in rows], batch)
    rows.clear()
