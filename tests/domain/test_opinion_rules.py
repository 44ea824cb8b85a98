"""The signed opinion's pure rules: digest, when to sign, follow-ups, the notice's time."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from telesecond.domain.opinion_rules import (
    canonical_bytes,
    follow_up_refusal,
    notice_due,
    sha256_hex,
    signing_refusal,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
QUIET = (time(21), time(8))


def at(zone, *parts) -> datetime:
    return datetime(*parts, tzinfo=zone).astimezone(UTC)


def test_canonical_json_sorts_keys_keeps_utf8_and_drops_spaces():
    assert canonical_bytes({"b": "Ä", "a": [1, {"d": 2, "c": 3}]}) == (
        '{"a":[1,{"c":3,"d":2}],"b":"Ä"}'.encode()
    )
    assert sha256_hex({"x": 1}) == hashlib.sha256(b'{"x":1}').hexdigest()
    assert sha256_hex({"a": 1, "b": 2}) == sha256_hex({"b": 2, "a": 1})


END = datetime(2026, 3, 2, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "now", "before_call", "allowed"),
    [
        ("confirmed", END, False, True),
        ("completed", END + timedelta(days=3), False, True),
        ("confirmed", END - timedelta(seconds=1), False, False),
        ("confirmed", END - timedelta(days=2), True, True),
        ("cancelled", END + timedelta(days=1), False, False),
        ("cancelled", END - timedelta(days=1), True, False),
    ],
)
def test_when_an_opinion_may_be_signed(status, now, before_call, allowed):
    refusal = signing_refusal(status=status, end=END, now=now, before_call_allowed=before_call)
    assert (refusal is None) is allowed


SIGNED = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("signed_at", "now", "asked", "allowed"),
    [
        (None, SIGNED, 0, False),
        (SIGNED, SIGNED, 0, True),
        (SIGNED, SIGNED + timedelta(days=30, seconds=-1), 2, True),
        (SIGNED, SIGNED + timedelta(days=30), 0, False),
        (SIGNED, SIGNED + timedelta(days=1), 3, False),
    ],
)
def test_follow_up_questions_limit_and_window(signed_at, now, asked, allowed):
    refusal = follow_up_refusal(signed_at=signed_at, now=now, asked=asked, limit=3, days=30)
    assert (refusal is None) is allowed


@pytest.mark.parametrize(
    ("zone", "signed", "due"),
    [
        # Daytime: at once. 21:00 itself is not quiet (the window is open).
        (BERLIN, (2026, 3, 2, 14, 0), (2026, 3, 2, 14, 0)),
        (BERLIN, (2026, 3, 2, 21, 0), (2026, 3, 2, 21, 0)),
        # Evening and small hours: at 08:00 local.
        (BERLIN, (2026, 3, 2, 22, 30), (2026, 3, 3, 8, 0)),
        (BERLIN, (2026, 3, 3, 2, 0), (2026, 3, 3, 8, 0)),
        # The nights the clocks change, both ways: still 08:00 on the wall.
        (BERLIN, (2026, 3, 28, 23, 0), (2026, 3, 29, 8, 0)),
        (BERLIN, (2026, 10, 24, 23, 0), (2026, 10, 25, 8, 0)),
        (NEW_YORK, (2026, 3, 7, 22, 0), (2026, 3, 8, 8, 0)),
        (NEW_YORK, (2026, 10, 31, 22, 0), (2026, 11, 1, 8, 0)),
    ],
)
def test_a_notice_waits_for_the_end_of_quiet_hours(zone, signed, due):
    assert notice_due(at(zone, *signed), zone, *QUIET) == at(zone, *due)


def test_the_nights_length_follows_the_change():
    spring = notice_due(at(BERLIN, 2026, 3, 28, 23, 0), BERLIN, *QUIET)
    autumn = notice_due(at(BERLIN, 2026, 10, 24, 23, 0), BERLIN, *QUIET)
    assert spring - at(BERLIN, 2026, 3, 28, 23, 0) == timedelta(hours=8)
    assert autumn - at(BERLIN, 2026, 10, 24, 23, 0) == timedelta(hours=10)
