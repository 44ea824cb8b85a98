"""The one way to write the audit log."""

from __future__ import annotations

from typing import Any

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import AuditEvent
from telesecond.services.row_batch import RowBatch

_INSERT = AuditEvent.__table__.insert()


def record(
    action: str,
    *,
    actor_id: int | None,
    target_type: str | None = None,
    target_id: object | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
    rows: RowBatch | None = None,
) -> None:
    """Write an audit event in the current transaction (the caller commits).

    A plain INSERT, not an ORM object: the log is append-only and never read back in the
    request that writes it, so it needs no unit-of-work bookkeeping. With ``rows`` the
    event joins that batch and is written with it.
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
    if rows is None:
        db.session.execute(_INSERT, values)
    else:
        rows.add(AuditEvent.__table__, values)
