"""How fast SMS may leave this process: ``SMS_MAX_PER_SECOND``, and a provider's pause.

One bucket per process, shared by every dispatcher running in it (threads included):
with several reminder processes the limit holds per process, so the total is the limit
times the number of processes. A provider that answers "too many requests" with a
``Retry-After`` pauses every SMS of the process until then: the rows waiting are put
back for that time without being tried.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from telesecond.domain.throttling import TokenBucket

_lock = threading.Lock()
_bucket: TokenBucket | None = None
_paused_until: datetime | None = None


def wait_for_turn(rate: float | None) -> float:
    """Block until the next SMS may go at ``rate`` per second (None: no limit).

    Returns the seconds waited.
    """
    global _bucket
    if not rate:
        return 0.0
    with _lock:
        if _bucket is None or _bucket.rate != rate:
            _bucket = TokenBucket(rate=rate)
        wait = _bucket.take(time.monotonic())
    if wait > 0:
        time.sleep(wait)
    return wait


def pause_until(until: datetime) -> None:
    """The provider asked for no SMS before ``until`` (aware UTC)."""
    global _paused_until
    with _lock:
        if _paused_until is None or until > _paused_until:
            _paused_until = until


def paused_until(now: datetime) -> datetime | None:
    """The end of the provider's pause if it still runs at ``now``, else None."""
    with _lock:
        if _paused_until is not None and _paused_until > now:
            return _paused_until
        return None


def reset() -> None:
    """Forget the bucket and any pause (tests, a new process)."""
    global _bucket, _paused_until
    with _lock:
        _bucket = None
        _paused_until = None
