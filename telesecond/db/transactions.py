"""Ways to end a transaction that a use case asks for by intent."""

from __future__ import annotations

from sqlalchemy import text

from telesecond.db.backend import is_postgresql
from telesecond.extensions import db

_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")


def commit_keeping_state() -> None:
    """Commit without expiring the session's objects.

    A use case that answers with the rows it has just written (a booking) would otherwise
    reload each of them, and every related row, right after the commit.
    """
    session = db.session()
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = previous


def commit_without_waiting_for_disk() -> None:
    """Let this transaction's commit return before the database has flushed it to disk.

    For bookkeeping that may be redone safely: a crash of the database server itself
    could forget the last fraction of a second of such commits, never a crash of ours.
    PostgreSQL only; SQLite commits as usual.
    """
    if is_postgresql():
        db.session.execute(_ASYNC_COMMIT)
