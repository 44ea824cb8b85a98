"""Rows gathered in a RowBatch or queued in a transaction reach the database exactly as given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, select

from telesecond.db.row_batch import RowBatch, add_with_id, insert_returning_id, queue
from telesecond.extensions import db
from telesecond.models import AuditEvent

AUDIT = AuditEvent.__table__


def event(action: str, at: datetime, detail: dict | None = None) -> dict:
    return {
        "at": at,
        "actor_id": None,
        "action": action,
        "target_type": "test",
        "target_id": "7",
        "ip": "203.0.113.9",
        "detail": detail,
    }


def test_rows_are_written_with_exact_values(app):
    # a zone other than UTC, with microseconds: stored as the same instant
    at = datetime(2026, 3, 29, 3, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    batch = RowBatch()
    batch.add(AUDIT, event("one", at, {"quote": 'he said "é" \\ ok', "list": [1, None]}))
    batch.add(AUDIT, event("two", at + timedelta(microseconds=1)))
    assert len(batch) == 2
    batch.write()
    assert len(batch) == 0
    db.session.commit()
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(r.action, r.at, r.detail) for r in rows[-2:]] == [
        ("one", at.astimezone(UTC), {"quote": 'he said "é" \\ ok', "list": [1, None]}),
        ("two", at.astimezone(UTC) + timedelta(microseconds=1), None),
    ]


def test_insert_returning_id_gives_the_new_row(app):
    new_id = insert_returning_id(AUDIT, event("three", datetime(2026, 3, 2, 9, tzinfo=UTC)))
    db.session.commit()
    assert db.session.get(AuditEvent, new_id).action == "three"


def test_naive_times_and_uneven_rows_are_refused(app):
    batch = RowBatch()
    batch.add(AUDIT, event("naive", datetime(2026, 3, 2, 9)))
    with pytest.raises(ValueError, match="naive"):
        batch.write()
    db.session.rollback()

    batch.add(AUDIT, event("a", datetime(2026, 3, 2, 9, tzinfo=UTC)))
    batch.add(AUDIT, {"at": datetime(2026, 3, 2, 9, tzinfo=UTC), "action": "b"})
    with pytest.raises(ValueError, match="differ in their keys"):
        batch.write()
    db.session.rollback()
    assert db.session.scalars(select(AuditEvent.action)).all() == []


def test_a_select_after_the_rows_comes_back_with_them(app):
    """``write(then, params)`` returns the SELECT's rows. On PostgreSQL the SELECT is part
    of the batch's statement and reads the database as it was before the statement's own
    rows; SQLite runs it after them."""
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    before = RowBatch()
    before.add(AUDIT, event("earlier", at))
    before.write()
    query = select(AuditEvent.action).where(AuditEvent.at == bindparam("at")).order_by("id")
    batch = RowBatch()
    batch.add(AUDIT, event("now", at))
    found = [action for (action,) in batch.write(query, {"at": at})]
    postgres = db.session.connection().dialect.name == "postgresql"
    assert found == (["earlier"] if postgres else ["earlier", "now"])
    db.session.commit()
    assert db.session.scalars(query, {"at": at}).all() == ["earlier", "now"]
    # With nothing to write, only the SELECT runs.
    assert [a for (a,) in RowBatch().write(query, {"at": at})] == ["earlier", "now"]


def test_queued_rows_are_written_before_the_next_statement_and_at_commit(app):
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    queue(AUDIT, event("read back", at))
    # The next statement of the session sees the queued row: nothing reads past it.
    assert db.session.scalars(select(AuditEvent.action)).all() == ["read back"]
    queue(AUDIT, event("at commit", at))
    db.session.commit()
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
        "read back",
        "at commit",
    ]


def test_a_rollback_drops_the_queued_rows(app):
    queue(AUDIT, event("dropped", datetime(2026, 3, 2, 9, tzinfo=UTC)))
    db.session.rollback()
    db.session.commit()
    assert db.session.scalars(select(AuditEvent.action)).all() == []


def test_a_row_added_with_a_drawn_id_keeps_it(app):
    values = event("drawn", datetime(2026, 3, 2, 9, tzinfo=UTC))
    assert add_with_id(AUDIT, values, drawn_id=987654) == 987654
    new_id = add_with_id(AUDIT, event("fresh", datetime(2026, 3, 2, 9, tzinfo=UTC)), drawn_id=None)
    db.session.commit()
    assert db.session.get(AuditEvent, 987654).action == "drawn"
    assert db.session.get(AuditEvent, new_id).action == "fresh"
