"""Send what is due from the outbox: claim with a lease, commit, send, record.

A claim is one statement, ``UPDATE reminder … WHERE id IN (SELECT … FOR UPDATE SKIP
LOCKED LIMIT n) RETURNING id``: on PostgreSQL concurrent dispatchers skip each other's
rows; on SQLite the UPDATE takes the database's single writer lock, which orders claims
the same way. The claim commits before any message leaves, so no lock is held during a
network call. A row whose lease ran out (its dispatcher died) is claimed again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import joinedload

from telesecond.db import transactions
from telesecond.domain.retry import backoff
from telesecond.domain.sending import BEFORE_START, skip_reason
from telesecond.extensions import db
from telesecond.models import Consultation, Reminder
from telesecond.models.base import UTCDateTime
from telesecond.services.reminders import agenda
from telesecond.services.reminders.unverified import unverified_recipient

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]  # aware UTC "now"; the scheduler or the CLI passes it

# The statements the dispatcher runs for every message.
_TABLE = Reminder.__table__
_RECORD = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("rid"),
        _TABLE.c.status == "sending",
        _TABLE.c.claimed_by == bindparam("worker"),
    )
    .values(
        status=bindparam("new_status"),
        last_error=bindparam("error"),
        provider_ref=func.coalesce(bindparam("ref", type_=String), _TABLE.c.provider_ref),
        due_at=func.coalesce(bindparam("due", type_=UTCDateTime()), _TABLE.c.due_at),
        sent_at=func.coalesce(bindparam("sent", type_=UTCDateTime()), _TABLE.c.sent_at),
        updated_at=bindparam("now", type_=UTCDateTime()),
        lease_until=None,
    )
)
_CONSULTATION = Consultation.__table__
_STATE = select(_CONSULTATION.c.status, _CONSULTATION.c.start).where(
    _CONSULTATION.c.id == bindparam("cid")
)

# A row is not sent this close to its lease's end (at most a quarter of the lease);
# it is handed back instead.
LEASE_MARGIN = timedelta(seconds=10)
# The wait before a retry when delivery itself raised (it names no wait): 30 s, doubling.
FALLBACK_RETRY = timedelta(seconds=30)

_stop = threading.Event()


def request_stop() -> None:
    """Ask the running pass to stop after the message in flight (SIGTERM)."""
    _stop.set()


def stop_requested() -> bool:
    return _stop.is_set()


def reset_stop() -> None:
    _stop.clear()


def worker_name() -> str:
    """Who holds a claim: host and process id."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def _due(now: datetime):
    return or_(
        and_(Reminder.status == "pending", Reminder.due_at <= now),
        and_(Reminder.status == "sending", Reminder.lease_until < now),
    )


def claim(now: datetime, *, limit: int, lease: timedelta, worker: str) -> list[int]:
    """Claim up to ``limit`` due rows (oldest due first) and commit; returns their ids."""
    chosen = (
        select(Reminder.id)
        .where(_due(now))
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    statement = (
        update(Reminder)
        .where(Reminder.id.in_(chosen), _due(now))
        .values(
            status="sending",
            lease_until=now + lease,
            claimed_by=worker,
            attempts=Reminder.attempts + 1,
            updated_at=now,
        )
        .returning(Reminder.id, Reminder.due_at)
        .execution_options(synchronize_session=False)
    )
    try:
        rows = db.session.execute(statement).all()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return [r.id for r in sorted(rows, key=lambda r: (r.due_at, r.id))]


def _skip_reason(reminder: Reminder, now: datetime) -> str | None:
    """Why a claimed row must not be sent any more, or None to send it.

    The consultation's status and start are read afresh: the batch was loaded earlier.
    """
    unverified = unverified_recipient(reminder)
    if unverified is not None:
        return unverified
    if reminder.kind in BEFORE_START and reminder.consultation_id is not None:
        status, start = db.session.execute(_STATE, {"cid": reminder.consultation_id}).one()
        reason = skip_reason(reminder.kind, status=status, start=start, now=now)
        if reason is not None:
            return reason
    if reminder.kind == "agenda" and not agenda.still_needed(reminder, now=now):
        return "no consultations left that day"
    return None


def _write_outcome(reminder_id: int, worker: str, values: dict) -> None:
    """Stage the outcome (committed with the next statement batch) if the row is still ours.

    A row whose lease ran out and was taken over by another dispatcher is left to it.
    The commit need not wait for the disk: a dispatcher crash loses nothing (the server
    has the commit); only a crash of the database server itself could forget the last
    fraction of a second of outcomes, and those rows would be sent again after their lease.
    """
    transactions.commit_without_waiting_for_disk()
    params = {
        "rid": reminder_id,
        "worker": worker,
        "new_status": values["status"],
        "error": values.get("last_error"),
        "ref": values.get("provider_ref"),
        "due": values.get("due_at"),
        "sent": values.get("sent_at"),
        "now": values["updated_at"],
    }
    db.session.execute(_RECORD, params)


def _outcome_values(outcome, reminder: Reminder, now: datetime) -> dict:
    max_attempts = max(1, current_app.config["REMINDER_MAX_ATTEMPTS"])
    status = outcome.status
    values: dict = {"updated_at": now, "last_error": outcome.error}
    if outcome.provider_ref:
        values["provider_ref"] = outcome.provider_ref[:64]
    if status == "retry":
        if reminder.attempts >= max_attempts:
            values["status"] = "failed"
            values["last_error"] = f"gave up after {reminder.attempts} attempts: {outcome.error}"
        else:
            wait = outcome.retry_in or backoff(reminder.attempts, first=FALLBACK_RETRY)
            values["status"] = "pending"
            values["due_at"] = now + wait
    elif status == "sent":
        values["status"] = "sent"
        values["sent_at"] = now
    elif status in ("failed", "unknown", "skipped"):
        values["status"] = status
    else:
        values["status"] = "unknown"
        values["last_error"] = f"unexpected delivery outcome {status!r}"
    return values


def _load(ids: list[int]) -> list[Reminder]:
    """The claimed rows with everything their messages name."""
    rows = db.session.scalars(
        select(Reminder)
        .where(Reminder.id.in_(ids))
        .options(
            joinedload(Reminder.recipient),
            joinedload(Reminder.consultation).joinedload(Consultation.patient),
            joinedload(Reminder.consultation).joinedload(Consultation.specialist),
        )
    ).unique()
    order = {reminder_id: n for n, reminder_id in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r.id])


def _deliver(reminder: Reminder, now: datetime, clock: Clock) -> dict:
    """Send one claimed row; returns the values to record (never raises)."""
    from telesecond.services.reminders.delivery import Outcome, deliver

    try:
        outcome = deliver(reminder, now=now)
    except Exception as exc:  # a bug or outage must not stop the pass
        db.session.rollback()
        log.exception("reminder %s: delivery raised %s", reminder.id, type(exc).__name__)
        outcome = Outcome(status="retry", error=f"delivery raised {type(exc).__name__}")
    return _outcome_values(outcome, reminder, clock())


def _send_batch(rows: list[Reminder], worker: str, clock: Clock) -> int:
    """Check, send and record each row in turn; returns how many went out.

    Each message's outcome is committed in the same transaction as the next message's
    fresh check (one commit per message, before the next one leaves), and every commit
    comes before the network call: nothing is held while a message is in flight.
    """
    sent = 0
    max_attempts = max(1, current_app.config["REMINDER_MAX_ATTEMPTS"])
    margin = min(LEASE_MARGIN, timedelta(seconds=current_app.config["REMINDER_LEASE_SECONDS"]) / 4)
    staged: tuple[int, dict] | None = None
    for index, reminder in enumerate(rows):
        # Stop early rather than send on a lease that is about to run out: another
        # dispatcher may take the row over once it has.
        running_out = reminder.lease_until is not None and clock() >= reminder.lease_until - margin
        if stop_requested() or running_out:
            if staged:
                _write_outcome(staged[0], worker, staged[1])
            db.session.commit()
            _release([r.id for r in rows[index:]], worker)
            return sent
        now = clock()
        if staged:
            _write_outcome(staged[0], worker, staged[1])
        reason = _skip_reason(reminder, now)
        db.session.commit()
        if reason is not None:
            staged = (reminder.id, {"status": "skipped", "last_error": reason, "updated_at": now})
            continue
        if reminder.attempts > max_attempts:  # claimed again and again: a dispatcher died on it
            error = f"gave up after {reminder.attempts - 1} attempts"
            staged = (reminder.id, {"status": "failed", "last_error": error, "updated_at": now})
            continue
        # Rows deliver adds (an email fallback, an opt-out) commit with its outcome.
        staged = (reminder.id, _deliver(reminder, now, clock))
        sent += staged[1]["status"] == "sent"
    if staged:
        _write_outcome(staged[0], worker, staged[1])
    db.session.commit()
    return sent


def _release(ids: list[int], worker: str) -> None:
    """Hand back claimed rows not yet sent (stopping), so others take them at once."""
    if not ids:
        return
    db.session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.status == "sending", Reminder.claimed_by == worker)
        .values(
            status="pending",
            lease_until=None,
            claimed_by=None,
            attempts=Reminder.attempts - 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def dispatch_due_reminders(*, clock: Clock, max_batches: int | None = None) -> int:
    """One pass over due outbox rows; returns how many were sent.

    A pass outlives one instant (leases run out while it sends), so it takes the
    caller's ``clock`` and reads it before each claim and each message.

    Claims batches of ``REMINDER_BATCH_SIZE`` until nothing is due, a stop is requested
    (the message in flight finishes first) or ``max_batches`` batches were handled.
    """
    config = current_app.config
    limit = max(1, config["REMINDER_BATCH_SIZE"])
    lease = timedelta(seconds=max(1, config["REMINDER_LEASE_SECONDS"]))
    worker = worker_name()
    sent = batches = 0
    session = db.session()
    expire_on_commit = session.expire_on_commit
    # A batch is loaded once; outcome commits must not force a reload of every row.
    session.expire_on_commit = False
    try:
        while not stop_requested() and (max_batches is None or batches < max_batches):
            ids = claim(clock(), limit=limit, lease=lease, worker=worker)
            if not ids:
                break
            batches += 1
            try:
                sent += _send_batch(_load(ids), worker, clock)
            except Exception:
                db.session.rollback()
                raise
            session.expire_all()
    finally:
        session.expire_on_commit = expire_on_commit
        session.expire_all()
    return sent
