"""RFC 3339 text for instants: UTC, ``Z``, whole seconds, four-digit years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from telesecond.domain.instants import to_rfc3339


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2025, 3, 30, 7, 0, tzinfo=UTC), "2025-03-30T07:00:00Z"),
        # another zone is converted, not relabelled
        (datetime(2025, 3, 30, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")), "2025-03-30T07:00:00Z"),
        (datetime(2025, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), "2024-12-31T23:30:00Z"),
        # fractions of a second are dropped, never rounded up into the next second
        (datetime(2025, 3, 30, 7, 0, 59, 999_999, tzinfo=UTC), "2025-03-30T07:00:59Z"),
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), "9999-12-31T23:59:59Z"),
    ],
)
def test_to_rfc3339(value: datetime, text: str) -> None:
    assert to_rfc3339(value) == text


def test_none_stays_none() -> None:
    assert to_rfc3339(None) is None
