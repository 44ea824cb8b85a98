"""A provider asking us to slow down: its ``Retry-After``, and a token bucket.

Pure: the time is an argument. ``retry_after`` reads the header's two forms (RFC 9110
section 10.2.3): a number of seconds, or an HTTP date. ``TokenBucket`` spaces sends at
a rate: each ``take`` reserves the next free turn and says how long to wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# A provider's wait is honoured up to this long; a larger one is taken as this.
MAX_RETRY_AFTER = timedelta(hours=1)


def retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """The wait a ``Retry-After`` header asks for, or None when it is absent or unreadable.

    Seconds (``"120"``) or an HTTP date (``"Wed, 21 Oct 2026 07:28:00 GMT"``); a date in
    the past means no wait; waits are capped at ``MAX_RETRY_AFTER``.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        wait = timedelta(seconds=int(text))
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000": UTC by RFC 5322
            when = when.replace(tzinfo=UTC)
        wait = max(when - now, timedelta(0))
    return min(wait, MAX_RETRY_AFTER)


@dataclass
class TokenBucket:
    """At most ``rate`` takes per second on average, ``burst`` of them at once.

    ``take(now)`` (``now`` in seconds on a monotonic clock) reserves a turn and returns
    the seconds to wait for it (0.0 when a token is there); reservations queue up, so
    callers that each wait their answer go out spaced by ``1 / rate``.
    """

    rate: float
    burst: float = 1.0
    tokens: float | None = None
    stamp: float | None = None

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("a token bucket needs a positive rate")
        self.burst = max(1.0, self.burst)

    def take(self, now: float) -> float:
        if self.tokens is None or self.stamp is None:
            self.tokens, self.stamp = self.burst, now
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.stamp = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate
