"""The one place a consultation's changes fan out, inside the changing transaction.

Booking, rescheduling, cancelling and completing all call ``consultation_changed``
before they commit. The features that follow a consultation (its video room, its
messages) are named once at start-up (``follow_with``, called by ``create_app``), so
consultations depend on none of them, and their rows are written (or withdrawn)
atomically with the change itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import inspect

from telesecond.db import row_batch
from telesecond.extensions import db
from telesecond.models import Consultation, ConsultationEvent
from telesecond.services import audit

KINDS = ("booked", "rescheduled", "cancelled", "completed", "no_show")
# A booking that awaits payment, and one whose payment lapsed or failed (its slot freed):
# no invite, reminder or room follows either (services/payments).
PAYMENT_KINDS = ("awaiting_payment", "payment_lapsed")

# A listener gets (consultation, kind, now=..., detail=...) inside the transaction. It
# queues new rows (``db.row_batch.queue``) and changes stored rows in the session. It must
# not make network calls (do those after commit or in the reminder process).
Listener = Callable[..., None]

_HISTORY = ConsultationEvent.__table__
_listeners: tuple[Listener, ...] = ()
_payment_listener: Listener | None = None


def follow_with(*listeners: Listener) -> None:
    """Name the features that follow every change, in the order they run (at start-up)."""
    global _listeners
    _listeners = listeners


def follow_payments_with(listener: Listener | None) -> None:
    """Name the payments feature (at start-up): it hears every change, and alone hears
    the payment kinds (``PAYMENT_KINDS``), which no room, invite or reminder follows."""
    global _payment_listener
    _payment_listener = listener


def consultation_changed(
    consultation: Consultation,
    kind: str,
    *,
    actor_id: int | None,
    now: datetime,
    ip: str | None = None,
    detail: dict | None = None,
) -> None:
    """Record the change in the consultation's history and the audit log, and tell every
    listener. Their new rows are queued in the transaction and written together.
    """
    if kind not in KINDS + PAYMENT_KINDS:
        raise ValueError(f"unknown consultation change {kind!r}")
    if consultation.id is None:
        db.session.flush()
    # History rows are append-only plain rows; a history already loaded is reloaded.
    row_batch.queue(
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
    )
    if "events" not in inspect(consultation).unloaded:
        db.session.expire(consultation, ["events"])
    listeners = () if kind in PAYMENT_KINDS else _listeners
    if _payment_listener is not None:
        listeners = (*listeners, _payment_listener)
    for listener in listeners:
        listener(consultation, kind, now=now, detail=detail)
