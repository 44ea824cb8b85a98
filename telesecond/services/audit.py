"""The one way to write the audit log."""

from __future__ import annotations

from typing import Any

from telesecond.clock import utcnow
from telesecond.db import row_batch
from telesecond.models import AuditEvent


def record(
    action: str,
    *,
    actor_id: int | None,
    target_type: str | None = None,
    target_id: object | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the current transaction (the caller commits).

    The log is append-only, so the event is a queued plain row, not an ORM object.
    """
    values = {
        "at": utcnow(),
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "ip": (ip or None) and ip[:45],
        "detail": detail,
    }
    row_batch.queue(AuditEvent.__table__, values)
