"""The one place a consultation's changes fan out, inside the changing transaction.

Booking, rescheduling, cancelling and completing all call ``consultation_changed``
before they commit. Video rooms, calendar invites and the reminder outbox attach here,
so their rows are written (or withdrawn) atomically with the change itself.
"""

from __future__ import annotations

from datetime import datetime

from telesecond.extensions import db
from telesecond.models import Consultation, ConsultationEvent

KINDS = ("booked", "rescheduled", "cancelled", "completed", "no_show")


def consultation_changed(
    consultation: Consultation,
    kind: str,
    *,
    actor_id: int | None,
    now: datetime,
    detail: dict | None = None,
) -> None:
    """Record the change in the consultation's history (who, when, what)."""
    if kind not in KINDS:
        raise ValueError(f"unknown consultation change {kind!r}")
    db.session.add(
        ConsultationEvent(
            consultation=consultation,
            at=now,
            actor_id=actor_id,
            kind=kind,
            status=consultation.status,
            detail=detail,
        )
    )
