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


# PostgreSQL's deadlock and serialization failures; SQLite's busy writer lock.
_LOST_TO_ANOTHER = ("40P01", "40001")


def lost_to_another_transaction(error: Exception) -> bool:
    """Whether the database gave up this transaction for a concurrent one: a deadlock
    (two bookings of one slot can each wait for the other's row under the exclusion
    constraint), a serialization failure, or SQLite's writer lock not had in time. The
    transaction is over; to the caller it is a lost race, not a fault."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) in _LOST_TO_ANOTHER:
        return True
    return "database is locked" in str(original or error).lower()
