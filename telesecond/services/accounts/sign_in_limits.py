"""Failed sign-ins per email address: after a few, the address waits, longer each time.

The rules:

- Failures are counted per normalised address, whether or not it has an account, so
  neither the count nor the wait tells anyone which addresses have one.
- Once ``SIGN_IN_MAX_FAILURES`` (5) failures have come, each within 15 minutes of the one
  before or of the wait it caused, sign-ins for the address are refused for 1 minute;
  each further failure doubles the wait, up to ``SIGN_IN_MAX_WAIT_MINUTES`` (15).
  Attempts refused while waiting are not checked, so they are not counted.
- A successful sign-in, or 15 quiet minutes after the last failure or wait, clears it.
- The count lives in the database, so every worker sees the same one.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models.sign_in_throttle import SignInThrottle
from telesecond.services.errors import ServiceError

QUIET = timedelta(minutes=15)
FIRST_WAIT = timedelta(minutes=1)


class TooManySignIns(ServiceError):
    """Sign-ins for this address are paused; ``retry_after`` says for how many seconds."""

    status = 429
    title = "Too many failed sign-ins"

    def __init__(self, retry_after: int) -> None:
        minutes = math.ceil(retry_after / 60)
        super().__init__(
            "Too many failed sign-ins for this email address. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


def wait_after(failures: int, *, max_failures: int, max_wait: timedelta) -> timedelta | None:
    """How long an address waits after its ``failures``-th failure in a row, or None."""
    if failures < max_failures:
        return None
    doublings = min(failures - max_failures, 30)  # 2**30 minutes is past any cap
    return min(FIRST_WAIT * 2**doublings, max_wait)


def check(address: str, *, now: datetime) -> None:
    """Refuse with :class:`TooManySignIns` while ``address`` has to wait."""
    locked_until = db.session.scalar(
        select(SignInThrottle.locked_until).where(SignInThrottle.key == _key(address))
    )
    if locked_until is not None and locked_until > now:
        raise TooManySignIns(math.ceil((locked_until - now).total_seconds()))


def record_failure(address: str, *, now: datetime) -> None:
    """Count a failed sign-in for ``address`` and start its wait when due; not committed."""
    key = _key(address)
    failures = _count(key, now=now)
    wait = wait_after(failures, max_failures=_max_failures(), max_wait=_max_wait())
    if wait is not None:
        db.session.execute(
            update(SignInThrottle).where(SignInThrottle.key == key).values(locked_until=now + wait)
        )


def clear(address: str) -> None:
    """Forget the failures of ``address`` (it has just signed in); not committed."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == _key(address)))


def _count(key: str, *, now: datetime) -> int:
    """Add one failure in a single statement (concurrent failures all count); the total."""
    cutoff = now - QUIET
    quiet = and_(
        SignInThrottle.last_failure_at < cutoff,
        or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < cutoff),
    )
    counted = (
        update(SignInThrottle)
        .where(SignInThrottle.key == key)
        .values(
            failures=case((quiet, 1), else_=SignInThrottle.failures + 1),
            last_failure_at=now,
        )
        .returning(SignInThrottle.failures)
    )
    failures = db.session.scalar(counted)
    if failures is not None:
        return failures
    try:
        with db.session.begin_nested():
            db.session.add(SignInThrottle(key=key, failures=1, last_failure_at=now))
    except IntegrityError:  # another worker counted the first failure meanwhile
        return db.session.scalar(counted) or 1
    return 1


def _key(address: str) -> str:
    # A digest: addresses without an account are not kept in clear.
    return digest(f"sign-in:{address}")


def _max_failures() -> int:
    return max(1, int(current_app.config.get("SIGN_IN_MAX_FAILURES", 5)))


def _max_wait() -> timedelta:
    return timedelta(minutes=max(1, int(current_app.config.get("SIGN_IN_MAX_WAIT_MINUTES", 15))))
