"""The one place that asks which database is behind the session."""

from __future__ import annotations

from telesecond.extensions import db


def is_postgresql() -> bool:
    """Whether the current session talks to PostgreSQL (else SQLite)."""
    return db.session.get_bind().dialect.name == "postgresql"


def refuses_overlapping_consultations() -> bool:
    """Whether the database itself refuses overlapping consultations.

    PostgreSQL has exclusion constraints for a specialist's and a patient's consultations;
    on SQLite a booking must find the overlap itself.
    """
    return is_postgresql()
