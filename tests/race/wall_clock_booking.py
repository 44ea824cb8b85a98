"""Booking against a real server, which runs on the wall clock, not the test's frozen one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import ApiToken
from tests.factories import intake


def real_token(account) -> str:
    """A token valid by the wall clock (the server does not share the test's frozen clock)."""
    raw = f"race-{account.id}"
    now = datetime.now(UTC)
    db.session.add(
        ApiToken(
            account_id=account.id,
            token_hash=digest(raw),
            created_at=now,
            expires_at=now + timedelta(hours=1),
        )
    )
    return raw


def next_slot_start() -> datetime:
    """Tomorrow at the next full hour, a slot for a specialist open around the clock."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now + timedelta(days=1, hours=1)


def body(specialist_id: int, start: datetime) -> dict:
    """The JSON of a booking of ``start`` with the shared intake."""
    values = intake().__dict__ | {
        "specialist_id": specialist_id,
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return values
