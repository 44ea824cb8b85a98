"""The one place a consultation's changes fan out, inside the changing transaction.

Booking, rescheduling, cancelling and completing all call ``consultation_changed``
before they commit. Video rooms, calendar invites and the reminder outbox attach here,
so their rows are written (or withdrawn) atomically with the change itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import inspect

from telesecond.extensions import db
from telesecond.models import Consultation, ConsultationEvent

KINDS = ("booked", "rescheduled", "cancelled", "completed", "no_show")

# A listener gets (consultation, kind, now=..., detail=...) inside the transaction. It may
# add or change rows; it must not make network calls (do those after commit or in the
# reminder process).
Listener = Callable[..., None]

_HISTORY = ConsultationEvent.__table__.insert()


def _listeners() -> list[Listener]:
    """Each capability that follows a consultation's changes, imported lazily."""
    from telesecond.services.outbox import on_consultation_changed as reminder_outbox
    from telesecond.services.video_rooms import on_consultation_changed as video_rooms

    return [video_rooms, reminder_outbox]


def consultation_changed(
    consultation: Consultation,
    kind: str,
    *,
    actor_id: int | None,
    now: datetime,
    detail: dict | None = None,
) -> None:
    """Record the change in the consultation's history, then tell every listener."""
    if kind not in KINDS:
        raise ValueError(f"unknown consultation change {kind!r}")
    if consultation.id is None:
        db.session.flush()
    # A plain INSERT: history rows are never changed, and a unit-of-work flush per change
    # costs more than the row. A history already loaded on the consultation is reloaded.
    db.session.execute(
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
    if "events" not in inspect(consultation).unloaded:
        db.session.expire(consultation, ["events"])
    for listener in _listeners():
        listener(consultation, kind, now=now, detail=detail)
