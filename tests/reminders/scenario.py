"""The reminder tests' setting: the clinic's public address and Berlin wall-clock times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
BASE_URL = "https://clinic.example"
# The SMS patients' mobile number.
PHONE = "+4915112345678"


def local(year, month, day, hour, minute=0) -> datetime:
    """A Berlin wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)
