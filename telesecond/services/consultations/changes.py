"""The one place a consultation's changes fan out, inside the changing transaction.

Booking, rescheduling, cancelling and completing all call ``consultation_changed``
before they commit. Video rooms, calendar invites and the reminder outbox attach here,
so their rows are written (or withdrawn) atomically with the change itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import inspect

from telesecond.db.row_batch import RowBatch
from telesecond.extensions import db
from telesecond.models import Consultation, ConsultationEvent
from telesecond.services import audit
from telesecond.services.reminders import outbox
from telesecond.services.video import rooms as video_rooms

KINDS = ("booked", "rescheduled", "cancelled", "completed", "no_show")

# A listener gets (consultation, kind, now=..., rows=..., detail=...) inside the
# transaction. New rows go to ``rows`` (a RowBatch, written once all listeners ran); stored
# rows it changes in the session. It must not make network calls (do those after commit
# or in the reminder process).
Listener = Callable[..., None]

_HISTORY = ConsultationEvent.__table__
# Each capability that follows a consultation's changes: its video room, then its messages.
LISTENERS: tuple[Listener, ...] = (
    video_rooms.on_consultation_changed,
    outbox.on_consultation_changed,
)


def consultation_changed(
    consultation: Consultation,
    kind: str,
    *,
    actor_id: int | None,
    now: datetime,
    ip: str | None = None,
    detail: dict | None = None,
    rows: RowBatch | None = None,
) -> None:
    """Record the change in the consultation's history and the audit log, tell every
    listener, then write the new rows of all of them together (services/row_batch.py).

    With ``rows`` the new rows join that batch and the caller writes it (a booking on
    PostgreSQL adds the consultation itself, so everything goes in one statement).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown consultation change {kind!r}")
    if consultation.id is None:
        db.session.flush()
    mine = rows is None
    rows = RowBatch() if rows is None else rows
    # Plain INSERTs: history rows are never changed, and a unit-of-work flush per change
    # costs more than the row. A history already loaded on the consultation is reloaded.
    rows.add(
        _HISTORY,
        {
            "consultation_id": consultation.id,
            "at": now,
            "actor_id": actor_id,
            "kind": kind,
            "status": consultation.status,
            "detail": detail,
        },
    )
    audit.record(
        f"consultation.{kind}",
        actor_id=actor_id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
        rows=rows,
    )
    if "events" not in inspect(consultation).unloaded:
        db.session.expire(consultation, ["events"])
    for listener in LISTENERS:
        listener(consultation, kind, now=now, rows=rows, detail=detail)
    if mine:
        rows.write()
