"""Serialise writers that must re-check availability before they commit."""

from __future__ import annotations

from sqlalchemy import text

from telesecond.extensions import db


def lock_specialist(specialist_id: int) -> None:
    """Take the write lock that orders every booking change of one specialist.

    PostgreSQL: a row lock on the profile (other specialists are not held up).
    SQLite: any write takes the database's single RESERVED lock, so a no-op UPDATE
    as the transaction's first statement serialises the check-then-insert across
    processes; a second writer waits (busy timeout) instead of racing.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT account_id FROM specialist_profile WHERE account_id = :id FOR UPDATE"),
            {"id": specialist_id},
        )
    else:
        db.session.execute(
            text("UPDATE specialist_profile SET account_id = account_id WHERE account_id = :id"),
            {"id": specialist_id},
        )
