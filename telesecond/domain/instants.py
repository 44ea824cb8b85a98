"""Instants as text: RFC 3339 in UTC with ``Z``, the one form the API and pages show."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


@overload
def to_rfc3339(value: datetime) -> str: ...
@overload
def to_rfc3339(value: None) -> None: ...
def to_rfc3339(value: datetime | None) -> str | None:
    """An aware instant as RFC 3339 UTC to the second (``2025-03-30T07:00:00Z``), or None."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # isoformat, not strftime: strftime("%Y") drops the leading zeros of years before 1000.
    return value.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
