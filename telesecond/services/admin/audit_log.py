"""Admins read the audit log: filter it, page through it, export it as CSV.

An export carries who read what, so the export itself is audited.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select

from telesecond.domain.csv_cells import csv_text
from telesecond.domain.instants import to_rfc3339
from telesecond.extensions import db
from telesecond.models import Account, AuditEvent
from telesecond.services import audit
from telesecond.services.admin.paging import PAGE_SIZE, Page, like_escaped, page_of
from telesecond.services.errors import Invalid

MAX_FILTER = 254
EXPORT_LIMIT = 100_000
COLUMNS = ("at", "actor_id", "actor_email", "action", "target_type", "target_id", "ip", "detail")


@dataclass(frozen=True)
class Filters:
    """What the admin narrowed the log to; empty means any."""

    person: str = ""  # an actor's account id, or part of their email
    action: str = ""  # an action ("account.deactivated") or its family ("account")
    target_type: str = ""
    target_id: str = ""
    since: datetime | None = None
    before: datetime | None = None

    def used(self) -> dict:
        """The filters that narrow the log (for the export's own audit entry)."""
        return {
            k: (to_rfc3339(v) if isinstance(v, datetime) else v)
            for k, v in asdict(self).items()
            if v
        }


@dataclass(frozen=True)
class Row:
    """An audit event with the email of whoever did it."""

    event: AuditEvent
    actor_email: str | None


def _statement(filters: Filters) -> Select:
    for name in ("person", "action", "target_type", "target_id"):
        if len(getattr(filters, name)) > MAX_FILTER:
            raise Invalid.field(name, f"Use at most {MAX_FILTER} characters.")
    if filters.since and filters.before and filters.before <= filters.since:
        raise Invalid.field("end", "The end date must not be before the start date.")
    query = (
        select(AuditEvent, Account.email)
        .outerjoin(Account, Account.id == AuditEvent.actor_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    person = filters.person.strip().lower()
    if person.isdigit():
        query = query.where(AuditEvent.actor_id == int(person[:12]))
    elif person:
        query = query.where(Account.email.like(f"%{like_escaped(person)}%", escape="\\"))
    action = filters.action.strip()
    if action:
        query = query.where(
            or_(
                AuditEvent.action == action,
                AuditEvent.action.like(f"{like_escaped(action)}.%", "\\"),
            )
        )
    if filters.target_type.strip():
        query = query.where(AuditEvent.target_type == filters.target_type.strip())
    if filters.target_id.strip():
        query = query.where(AuditEvent.target_id == filters.target_id.strip())
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.before is not None:
        query = query.where(AuditEvent.at < filters.before)
    return query


def search(filters: Filters, *, page: int = 1, size: int = PAGE_SIZE) -> Page:
    """One page of matching events, newest first, each with its actor's email."""
    found = page_of(_statement(filters), number=page, size=size, rows=True)
    items = [Row(event, email) for event, email in found.items]
    return Page(items=items, number=found.number, size=size, total=found.total)


def actions() -> list[str]:
    """Every action the log holds, for the filter's suggestions."""
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def export_csv(admin: Account, filters: Filters, *, ip: str | None) -> str:
    """The matching events as CSV text (newest first), every cell formula-safe.

    The export is recorded (and committed) in the audit log it reads.
    """
    rows = db.session.execute(_statement(filters).limit(EXPORT_LIMIT)).all()
    audit.record(
        "audit.exported",
        actor_id=admin.id,
        target_type="audit_log",
        ip=ip,
        detail={"filters": filters.used(), "rows": len(rows)},
    )
    db.session.commit()
    return csv_text(COLUMNS, (_export_row(event, email) for event, email in rows))


def _export_row(event: AuditEvent, email: str | None) -> tuple:
    detail = event.detail and json.dumps(event.detail, sort_keys=True, ensure_ascii=False)
    return (
        to_rfc3339(event.at),
        event.actor_id,
        email,
        event.action,
        event.target_type,
        event.target_id,
        event.ip,
        detail,
    )
