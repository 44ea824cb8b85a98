"""How fast SMS may leave this process: ``SMS_MAX_PER_SECOND``, and a provider's pause.

One pace per app, and so per reminder process, shared by every dispatcher running in it
(threads included): with several reminder processes the limit holds per process, and
their total is the limit times the number of processes. A provider that answers "too
many requests" with a ``Retry-After`` pauses every SMS of the process until then: the
rows waiting are put back for that time without being tried.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from flask import current_app

from telesecond.domain.throttling import TokenBucket

_KEY = "telesecond.sms_pacing"
_create = threading.Lock()


class SmsPace:
    """The app's SMS pace: a token bucket at ``rate`` (None: no limit) and a pause."""

    def __init__(self, rate: float | None) -> None:
        self._lock = threading.Lock()
        self._bucket = TokenBucket(rate=rate) if rate else None
        self._paused_until: datetime | None = None

    @property
    def limited(self) -> bool:
        """Whether SMS_MAX_PER_SECOND is set."""
        return self._bucket is not None

    def wait_for_turn(self) -> float:
        """Block until the next SMS may go; returns the seconds waited."""
        if self._bucket is None:
            return 0.0
        with self._lock:
            wait = self._bucket.take(time.monotonic())
        if wait > 0:
            time.sleep(wait)
        return wait

    def pause_until(self, until: datetime) -> None:
        """The provider asked for no SMS before ``until`` (aware UTC)."""
        with self._lock:
            if self._paused_until is None or until > self._paused_until:
                self._paused_until = until

    def paused_until(self, now: datetime) -> datetime | None:
        """The end of the provider's pause if it still runs at ``now``, else None."""
        with self._lock:
            if self._paused_until is not None and self._paused_until > now:
                return self._paused_until
            return None


def current() -> SmsPace:
    """The running app's pace, made on first use from ``SMS_MAX_PER_SECOND``."""
    extensions = current_app.extensions
    pace = extensions.get(_KEY)
    if pace is None:
        with _create:
            pace = extensions.get(_KEY)
            if pace is None:
                pace = extensions[_KEY] = SmsPace(current_app.config.get("SMS_MAX_PER_SECOND"))
    return pace
