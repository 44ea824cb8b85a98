"""Local wall-clock times to UTC across DST (telesecond.domain.wall_clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telesecond.domain.wall_clock import (
    day_bounds,
    earliest_instant,
    existing_instant,
    local_midnight,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SANTIAGO = ZoneInfo("America/Santiago")  # its clocks jump at midnight

EXISTING = [
    # zone, naive wall time, expected UTC (None: the clocks skip it)
    (BERLIN, datetime(2026, 1, 15, 9, 0), utc(2026, 1, 15, 8)),
    (BERLIN, datetime(2026, 7, 15, 9, 0), utc(2026, 7, 15, 7)),
    (BERLIN, datetime(2026, 3, 29, 2, 30), None),  # spring forward 02:00 -> 03:00
    (BERLIN, datetime(2026, 3, 29, 3, 0), utc(2026, 3, 29, 1)),
    (BERLIN, datetime(2026, 10, 25, 2, 30), utc(2026, 10, 25, 0, 30)),  # first of two
    (NEW_YORK, datetime(2026, 3, 8, 2, 15), None),
    (NEW_YORK, datetime(2026, 11, 1, 1, 30), utc(2026, 11, 1, 5, 30)),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "wall", "expected"), EXISTING)
def test_existing_instant(zone, wall, expected):
    assert existing_instant(wall, zone) == expected


EARLIEST = [
    (BERLIN, date(2026, 1, 15), time(21), utc(2026, 1, 15, 20)),
    # a repeated time: its first occurrence
    (BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
    # a skipped time: early by the size of the jump (02:30 -> 01:30 local)
    (BERLIN, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 0, 30)),
    (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 6, 30)),
    (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "day", "wall", "expected"), EARLIEST)
def test_earliest_instant(zone, day, wall, expected):
    assert earliest_instant(day, wall, zone) == expected


BOUNDS = [
    (BERLIN, date(2026, 1, 15), utc(2026, 1, 14, 23), utc(2026, 1, 15, 23), 24),
    (BERLIN, date(2026, 3, 29), utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), 23),
    (BERLIN, date(2026, 10, 25), utc(2026, 10, 24, 22), utc(2026, 10, 25, 23), 25),
    # Santiago skips midnight on 2026-09-06: that day starts at the jump
    (SANTIAGO, date(2026, 9, 6), utc(2026, 9, 6, 4), utc(2026, 9, 7, 3), 23),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "day", "start", "end", "hours"), BOUNDS)
def test_day_bounds(zone, day, start, end, hours):
    assert day_bounds(day, zone) == (start, end)
    assert local_midnight(day, zone) == start
    assert end - start == timedelta(hours=hours)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
    st.sampled_from([BERLIN, NEW_YORK, SANTIAGO, ZoneInfo("Australia/Sydney")]),
)
def test_an_existing_instant_reads_back_as_the_same_wall_time(wall, zone):
    instant = existing_instant(wall, zone)
    earliest = earliest_instant(wall.date(), wall.time(), zone)
    assert earliest.tzinfo is UTC
    if instant is not None:
        assert instant.tzinfo is UTC
        assert instant.astimezone(zone).replace(tzinfo=None) == wall
        assert earliest == instant  # the first occurrence is the earliest reading
    else:
        assert earliest < wall.replace(tzinfo=zone).astimezone(UTC)
