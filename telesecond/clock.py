"""The one source of "now": aware UTC, replaceable by tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, has_app_context


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.now = now.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward by ``timedelta(**delta)``."""
        self.now += timedelta(**delta)
        return self.now


def system_now() -> datetime:
    """The machine's current time, aware UTC."""
    return datetime.now(UTC)


def utcnow() -> datetime:
    """Now, from the app's configured CLOCK when there is one."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return system_now()
