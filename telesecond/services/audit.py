"""The one way to write the audit log."""

from __future__ import annotations

from typing import Any

from telesecond.clock import utcnow
from telesecond.db import row_batch
from telesecond.db.row_batch import RowBatch
from telesecond.models import AuditEvent


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
    row_batch.insert(AuditEvent.__table__, [values], rows)
