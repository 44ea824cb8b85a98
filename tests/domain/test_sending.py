"""Whether a queued message still goes out (telesecond.domain.sending)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from telesecond.domain.sending import BEFORE_START, skip_reason, sms_allowed

START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
BEFORE = START - timedelta(seconds=1)


@pytest.mark.parametrize(
    ("phone", "consented", "opted_out", "expected"),
    [
        ("+4915112345678", True, False, True),
        ("+14155550123", True, False, True),
        ("+4915112345678", False, False, False),  # no consent
        ("+4915112345678", True, True, False),  # replied STOP
        (None, True, False, False),
        ("", True, False, False),
        ("015112345678", True, False, False),  # not E.164
        ("+015112345678", True, False, False),  # no leading zero after +
        ("+123456", True, False, False),  # too short (6 digits)
        ("+1234567", True, False, True),  # 7 digits
        ("+1234567890123456", True, False, False),  # too long (16 digits)
        ("+49 151 12345678", True, False, False),  # spaces
    ],
)
def test_sms_allowed(phone, consented, opted_out, expected):
    assert sms_allowed(phone=phone, consented=consented, opted_out=opted_out) is expected


@pytest.mark.parametrize(
    ("kind", "status", "now", "expected"),
    [
        ("reminder", "confirmed", BEFORE, None),
        ("reminder", "confirmed", START, "consultation already started"),
        ("reminder", "cancelled", BEFORE, "consultation cancelled"),
        ("reminder", "completed", BEFORE, "consultation completed"),
        ("reminder", "no_show", BEFORE, "consultation no_show"),
        ("confirmation", "confirmed", BEFORE, None),
        ("confirmation", "cancelled", BEFORE, "consultation cancelled"),
        ("confirmation", "confirmed", START, "consultation already started"),
        ("confirmation", "completed", BEFORE, None),  # only a reminder needs "confirmed"
        ("rescheduled", "cancelled", BEFORE, "consultation cancelled"),
        ("rescheduled", "confirmed", START + timedelta(hours=1), "consultation already started"),
        # after the start or once cancelled, these still go out
        ("cancelled", "cancelled", START + timedelta(days=1), None),
        ("agenda", "confirmed", START + timedelta(days=1), None),
    ],
)
def test_skip_reason(kind, status, now, expected):
    assert skip_reason(kind, status=status, start=START, now=now) == expected


def test_cancelled_wins_over_started():
    for kind in BEFORE_START:
        assert skip_reason(kind, status="cancelled", start=START, now=START) == (
            "consultation cancelled"
        )
