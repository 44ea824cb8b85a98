"""The calendar tests' case: who is where, when they meet, and words no calendar may carry."""

from __future__ import annotations

from datetime import UTC, datetime

NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"
# Every day, 01:00-05:00 and 09:00-17:00 local, one-hour consultations, a year ahead.
HOURS = [(d, 60, 300) for d in range(7)] + [(d, 540, 1020) for d in range(7)]
# Wednesday 2026-03-11 10:00 New York (EDT) = 14:00 UTC, well past any cut-off.
START = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)


# Text of the intake that must never appear in a calendar, link or feed.
HEALTH_WORDS = ("carcinoma", "Mastectomy", "surgery", "neoadjuvant", "lumpectomy", "Treating")


def assert_no_health_information(data: bytes | str) -> None:
    """Fail if any word of the intake appears in ``data``."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    for word in HEALTH_WORDS:
        assert word.lower() not in text.lower()
