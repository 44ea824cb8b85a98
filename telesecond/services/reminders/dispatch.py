"""Send what is due from the outbox: claim with a lease, mark, send, record.

A claim takes up to ``REMINDER_BATCH_SIZE`` due rows for this dispatcher with a lease
(``db/claims.py``: picked in a materialised step, so never more than the batch). A
claimed row stays ``pending``: nothing has left yet, and if the dispatcher dies the row is
claimed again once its lease runs out. Just before its message goes out a row is marked
``sending`` (one attempt more) and that is committed; the outcome is committed right after
the send. So a row found still ``sending`` after its lease was maybe sent: it becomes
``unknown`` and is never sent again blindly. No lock is held during a network call.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Integer, String, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import joinedload

from telesecond.db import transactions
from telesecond.db.claims import claim_rows
from telesecond.db.known_state import note_written
from telesecond.domain.retry import backoff
from telesecond.domain.sending import BEFORE_START, skip_reason
from telesecond.extensions import db
from telesecond.models import Consultation, Reminder
from telesecond.models.base import UTCDateTime
from telesecond.services.reminders import agenda, pacing
from telesecond.services.reminders.unverified import unverified_recipient

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]  # aware UTC "now"; the scheduler or the CLI passes it

# The statements the dispatcher runs for every message.
_TABLE = Reminder.__table__
# The row is about to be sent: one attempt more, committed before the message leaves.
# Not if it is no longer ours, was cancelled or re-planned meanwhile.
_MARK = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("rid"),
        _TABLE.c.status == "pending",
        _TABLE.c.claimed_by == bindparam("worker"),
        _TABLE.c.due_at <= bindparam("now", type_=UTCDateTime()),
    )
    .values(
        status="sending",
        attempts=_TABLE.c.attempts + 1,
        updated_at=bindparam("now", type_=UTCDateTime()),
    )
)
# What became of a row this dispatcher holds: claimed (skipped, put back), being sent, or
# given up as unknown by another dispatcher while the send took longer than the lease
# (what the provider answered is better knowledge).
_RECORD = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("rid"),
        _TABLE.c.status.in_(("pending", "sending", "unknown")),
        _TABLE.c.claimed_by == bindparam("worker"),
    )
    .values(
        status=bindparam("new_status"),
        attempts=_TABLE.c.attempts - bindparam("uncount", type_=Integer),
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


def _claimable(now: datetime):
    """Pending, due, and not held by a live lease."""
    return and_(
        Reminder.status == "pending",
        Reminder.due_at <= now,
        or_(Reminder.lease_until.is_(None), Reminder.lease_until < now),
    )


# A row left ``sending`` past its lease: its dispatcher died (or hung) during the send.
MAYBE_SENT = "the dispatcher stopped during the send; it may have gone out"


def give_up_in_flight(now: datetime) -> int:
    """Mark rows still ``sending`` after their lease ``unknown`` (never resent blindly).

    Runs in the caller's transaction; returns how many rows.
    """
    result = db.session.execute(
        update(Reminder)
        .where(Reminder.status == "sending", Reminder.lease_until < now)
        .values(status="unknown", last_error=MAYBE_SENT, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def claim(now: datetime, *, limit: int, lease: timedelta, worker: str) -> list[int]:
    """Claim up to ``limit`` due rows (oldest due first) and commit; returns their ids.

    Rows a dead dispatcher left ``sending`` become ``unknown`` in the same transaction.
    """
    table = Reminder.__table__
    try:
        give_up_in_flight(now)
        rows = claim_rows(
            table,
            where=_claimable(now),
            order_by=(table.c.due_at, table.c.id),
            limit=limit,
            values={"lease_until": now + lease, "claimed_by": worker, "updated_at": now},
            returning=(table.c.id, table.c.due_at),
        )
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
    """Record the outcome if the row is still ours; the caller commits at once.

    A row whose lease ran out and was taken over by another dispatcher is left to it.
    The commit need not wait for the disk: a crash of the database server itself could
    forget the last fraction of a second of outcomes; those rows stay ``sending`` and
    become ``unknown`` after their lease, they are not sent again.
    """
    transactions.commit_without_waiting_for_disk()
    params = {
        "rid": reminder_id,
        "worker": worker,
        "new_status": values["status"],
        "uncount": values.get("uncount", 0),
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
    if status == "retry" and getattr(outcome, "throttled", False):
        # The provider refused to look at it (429): put back for when it asked, uncounted.
        values["status"] = "pending"
        values["due_at"] = now + (outcome.retry_in or backoff(1, first=FALLBACK_RETRY))
        values["uncount"] = 1
    elif status == "retry":
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
    values = _outcome_values(outcome, reminder, clock())
    if values.get("uncount"):
        pacing.current().pause_until(values["due_at"])
    return values


def _mark_sending(reminder: Reminder, worker: str, now: datetime) -> bool:
    """Mark the row ``sending`` (an attempt more) if it is still ours to send."""
    result = db.session.execute(_MARK, {"rid": reminder.id, "worker": worker, "now": now})
    if result.rowcount != 1:
        return False
    note_written(reminder, attempts=(reminder.attempts or 0) + 1, status="sending")
    return True


def _put_back(reminder_id: int, worker: str, until: datetime, now: datetime) -> None:
    """Hand a claimed row back, due at ``until``, without trying it (a provider pause)."""
    _write_outcome(reminder_id, worker, {"status": "pending", "due_at": until, "updated_at": now})


def _send_batch(rows: list[Reminder], worker: str, clock: Clock) -> int:
    """Check, mark, send and record each row in turn; returns how many went out.

    Per message, before the network call, one commit holds the previous message's
    outcome, this row's fresh check and its ``sending`` mark; so every outcome is
    committed right after its send, before the next message leaves, and nothing is held
    while a message is in flight. A crash between a send and that commit leaves the row
    ``sending`` (later ``unknown``), never ``pending``.
    """
    sent = 0
    config = current_app.config
    pace = pacing.current()
    margin = min(LEASE_MARGIN, timedelta(seconds=config["REMINDER_LEASE_SECONDS"]) / 4)
    staged: tuple[int, dict] | None = None  # the last outcome, not yet committed

    def commit() -> None:
        """Commit the transaction, with the staged outcome in it."""
        nonlocal staged
        if staged is not None:
            _write_outcome(staged[0], worker, staged[1])
        db.session.commit()
        staged = None

    try:
        for index, reminder in enumerate(rows):
            # Stop early rather than send on a lease that is about to run out: another
            # dispatcher may take the row over once it has.
            lease_end = reminder.lease_until
            if stop_requested() or (lease_end is not None and clock() >= lease_end - margin):
                commit()
                _release([r.id for r in rows[index:]], worker)
                return sent
            now = clock()
            if reminder.channel == "sms":
                paused = pace.paused_until(now)
                if paused is not None:
                    _put_back(reminder.id, worker, paused, now)
                    commit()
                    continue
                if pace.limited:  # no outcome waits uncommitted for the turn
                    commit()
                    pace.wait_for_turn()
                    now = clock()
            reason = _skip_reason(reminder, now)
            if reason is not None:
                skipped = {"status": "skipped", "last_error": reason, "updated_at": now}
                _write_outcome(reminder.id, worker, skipped)
                commit()
                continue
            marked = _mark_sending(reminder, worker, now)
            commit()  # the previous outcome and this mark, before the send
            if not marked:  # taken over, cancelled or re-planned meanwhile
                continue
            # Rows deliver adds (an email fallback, an opt-out) commit with its outcome.
            values = _deliver(reminder, now, clock)
            staged = (reminder.id, values)
            sent += values["status"] == "sent"
    except Exception:
        db.session.rollback()
        if staged is not None:  # the pass is failing: still keep the last outcome known
            try:
                commit()
            except Exception:  # the database is gone: the row will end unknown
                db.session.rollback()
        raise
    commit()
    return sent


def _release(ids: list[int], worker: str) -> None:
    """Hand back claimed rows not yet sent (stopping), so others take them at once."""
    if not ids:
        return
    db.session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.status == "pending", Reminder.claimed_by == worker)
        .values(lease_until=None, claimed_by=None)
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
