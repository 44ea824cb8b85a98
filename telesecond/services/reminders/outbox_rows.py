"""New outbox rows, gathered while a change is planned and queued as plain rows.

Outbox rows are planned in bulk and only ever changed by the dispatcher, so they are
queued plain INSERTs (``db/row_batch.py``) rather than ORM objects.

An agenda row (one per specialist and local day) may already exist: the INSERT turns
into an update of it (ON CONFLICT on ``uq_reminder_agenda``) that re-arms the row only if
it was cancelled or skipped, so planning an agenda needs no query first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telesecond.db.row_batch import Target, queue_all
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


def insert_rows(rows: list[NewReminder]) -> None:
    """Add the gathered rows to the current transaction (a no-op without any)."""
    queue_all(REMINDERS, [dict(vars(row)) for row in rows])
    rows.clear()
