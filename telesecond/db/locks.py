"""Serialise writers that must re-check availability before they commit.

PostgreSQL, row locks on the specialist's profile:

- A new booking takes ``FOR KEY SHARE`` (``lock_and_read``). Bookings of one specialist
  then run side by side; of two that overlap, the exclusion constraint on consultations
  lets the first commit and refuses the second (a 409), so none needs to wait for another
  to finish its checks.
- Everything else that changes what a booking checks takes ``FOR UPDATE``
  (``lock_specialist``): holds, reschedules, and changes of rules and slot settings. That
  lock waits for bookings in flight and holds new ones back until it commits, so a
  booking never reads half of a change of rules.

SQLite has one writer at a time: both functions open the write transaction first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import joinedload

from telesecond.db.backend import is_postgresql
from telesecond.extensions import db
from telesecond.models import Account, SpecialistProfile


def lock_specialist(specialist_id: int) -> None:
    """Take the exclusive lock on one specialist's bookings and rules."""
    _lock_row("specialist_profile", "account_id", specialist_id)


def lock_consultation(consultation_id: int) -> None:
    """Take the exclusive lock on one consultation (its documents' total size)."""
    _lock_row("consultation", "id", consultation_id)


def _lock_row(table: str, key: str, value: int) -> None:
    """PostgreSQL: a row lock (other rows are not held up). SQLite: any write takes the
    database's single RESERVED lock, so a no-op UPDATE as the transaction's first statement
    serialises the check-then-write across processes; a second writer waits (busy timeout).
    """
    if is_postgresql():
        statement = f"SELECT {key} FROM {table} WHERE {key} = :value FOR UPDATE"
    else:
        statement = f"UPDATE {table} SET {key} = {key} WHERE {key} = :value"
    db.session.execute(text(statement), {"value": value})


@dataclass(frozen=True)
class LockedSpecialist:
    """What a booking reads from the specialist's row while holding its write lock."""

    account: Account
    updated_at: datetime
    next_available_at: datetime | None
    next_available_valid_until: datetime | None
    verification: str  # only "verified" specialists can be booked
    # PostgreSQL: the id the new consultation will have, drawn from its sequence here so
    # that the row can be written in one statement with its history, room and messages.
    new_consultation_id: int | None = None


def lock_and_read(specialist_id: int) -> LockedSpecialist | None:
    """Take a new booking's lock on the specialist and read the locked row.

    PostgreSQL: one statement, ``SELECT … FOR KEY SHARE OF specialist_profile`` (shared
    with other bookings, exclusive of ``lock_specialist``). SQLite: the no-op UPDATE first
    (it must open the write transaction), then the read. The account comes back as an
    entity, so a consultation's ``specialist`` needs no further query. On PostgreSQL the
    same statement draws the new consultation's id (a refused booking leaves a gap in
    the ids, as a rolled-back insert would). None when there is no such specialist.
    """
    if is_postgresql():
        query = _LOCK_AND_READ
    else:
        lock_specialist(specialist_id)
        query = _READ
    row = db.session.execute(query, {"specialist_id": specialist_id}).first()
    return None if row is None else LockedSpecialist(*row)


# Built once (constructing it per booking cost about as much as running it).
_READ = (
    select(
        Account,
        SpecialistProfile.updated_at,
        SpecialistProfile.next_available_at,
        SpecialistProfile.next_available_valid_until,
        SpecialistProfile.verification,
    )
    .join(SpecialistProfile, SpecialistProfile.account_id == Account.id)
    .where(SpecialistProfile.account_id == bindparam("specialist_id"))
    # The booking's outbox rows need the specialist's alert: read in the same query.
    .options(joinedload(Account.specialist_alert))
)
_LOCK_AND_READ = _READ.add_columns(
    func.nextval(func.pg_get_serial_sequence("consultation", "id"))
).with_for_update(of=SpecialistProfile, read=True, key_share=True)
