"""Admins send a failed message again, through the outbox like any other message."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import Account, Reminder
from telesecond.services import audit
from telesecond.services.errors import Conflict, NotFound

NEEDS_ATTENTION = ("failed", "unknown")


def resend(admin: Account, reminder_id: int, *, now: datetime, ip: str | None = None) -> Reminder:
    """Put a failed message back in the outbox, due now; the next dispatch pass sends it.

    Its attempts start again from zero, so it gets the usual retries before it fails
    again; its last error stays until the new outcome replaces it.

    :raise NotFound: no such message.
    :raise Conflict: the message has not failed (sent, planned or of unknown outcome).
    """
    row = db.session.get(Reminder, reminder_id)
    if row is None:
        raise NotFound(_("No such message."))
    if row.status != "failed":
        raise Conflict(_("Only a failed message can be sent again."))
    previous_attempts = row.attempts
    row.status = "pending"
    row.due_at = now
    row.attempts = 0
    row.lease_until = None
    row.claimed_by = None
    row.updated_at = now
    audit.record(
        "message.resent",
        actor_id=admin.id,
        target_type="reminder",
        target_id=row.id,
        ip=ip,
        detail={"kind": row.kind, "channel": row.channel, "attempts_before": previous_attempts},
    )
    db.session.commit()
    return row


def attention_count() -> int:
    """How many messages failed or have an unknown outcome."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.status.in_(NEEDS_ATTENTION))
        )
        or 0
    )
