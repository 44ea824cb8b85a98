"""Opinion due dates: business days in the specialist's zone, weekends and time off skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from telesecond.domain.turnaround import (
    due_by,
    is_day_off,
    nearest_rank,
    opinion_due_date,
    turnaround_figures,
    warning_at,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: ZoneInfo, *args) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


@pytest.mark.parametrize(
    ("call_end", "days", "due"),
    [
        # Monday call: five business days later is the next Monday.
        (local(BERLIN, 2026, 3, 2, 10), 5, date(2026, 3, 9)),
        # Thursday call: Friday, then the weekend is skipped, Monday.
        (local(BERLIN, 2026, 3, 5, 10), 2, date(2026, 3, 9)),
        # Friday call: the weekend does not count.
        (local(BERLIN, 2026, 3, 6, 16), 1, date(2026, 3, 9)),
        # A Saturday call (an exception) still counts from the next business day.
        (local(BERLIN, 2026, 3, 7, 11), 1, date(2026, 3, 9)),
        # Zero days: due the day of the call.
        (local(BERLIN, 2026, 3, 4, 10), 0, date(2026, 3, 4)),
    ],
)
def test_business_days_skip_the_weekend(call_end, days, due):
    assert opinion_due_date(call_end, BERLIN, days) == due


def test_the_day_of_the_call_is_the_specialists_local_date():
    # 23:30 UTC on Thursday is already Friday in Tokyo and still Thursday in New York.
    call_end = utc(2026, 3, 5, 23, 30)
    assert opinion_due_date(call_end, TOKYO, 1) == date(2026, 3, 9)  # Fri -> Mon
    assert opinion_due_date(call_end, NEW_YORK, 1) == date(2026, 3, 6)  # Thu -> Fri


def test_a_week_of_time_off_moves_the_due_date_a_week():
    call_end = local(BERLIN, 2026, 3, 6, 12)  # Friday
    holiday = [(local(BERLIN, 2026, 3, 9, 0), local(BERLIN, 2026, 3, 14, 0))]  # Mon-Fri
    assert opinion_due_date(call_end, BERLIN, 5) == date(2026, 3, 13)
    assert opinion_due_date(call_end, BERLIN, 5, holiday) == date(2026, 3, 20)


@pytest.mark.parametrize(
    ("off", "skipped"),
    [
        ((9, 17), True),  # a working day off
        ((9, 12), False),  # a morning at the dentist: under four hours
        ((0, 4), True),  # exactly four hours
    ],
)
def test_only_a_real_part_of_a_day_off_counts(off, skipped):
    call_end = local(BERLIN, 2026, 3, 2, 12)  # Monday
    stretch = [(local(BERLIN, 2026, 3, 3, off[0]), local(BERLIN, 2026, 3, 3, off[1]))]
    due = opinion_due_date(call_end, BERLIN, 1, stretch)
    assert due == (date(2026, 3, 4) if skipped else date(2026, 3, 3))


def test_overlapping_time_off_is_not_counted_twice():
    day = date(2026, 3, 3)
    twice = [
        (local(BERLIN, 2026, 3, 3, 9), local(BERLIN, 2026, 3, 3, 11)),
        (local(BERLIN, 2026, 3, 3, 9), local(BERLIN, 2026, 3, 3, 11)),
    ]
    assert not is_day_off(day, BERLIN, twice, min_off=timedelta(hours=4))


@pytest.mark.parametrize(
    ("zone", "call_end", "due", "due_by_utc"),
    [
        # Spring forward in Berlin (Sunday 29 March 2026): the due Monday ends at 22:00 UTC.
        (BERLIN, local(BERLIN, 2026, 3, 27, 15), date(2026, 3, 30), utc(2026, 3, 30, 22)),
        # The Friday before still ends at 23:00 UTC (winter time).
        (BERLIN, local(BERLIN, 2026, 3, 26, 15), date(2026, 3, 27), utc(2026, 3, 27, 23)),
        # Fall back (Sunday 25 October 2026): the due Monday ends at 23:00 UTC.
        (BERLIN, local(BERLIN, 2026, 10, 23, 15), date(2026, 10, 26), utc(2026, 10, 26, 23)),
        # New York falls back on 1 November 2026: Monday ends at 05:00 UTC on Tuesday.
        (NEW_YORK, local(NEW_YORK, 2026, 10, 30, 15), date(2026, 11, 2), utc(2026, 11, 3, 5)),
        # New York springs forward on 8 March 2026.
        (NEW_YORK, local(NEW_YORK, 2026, 3, 6, 15), date(2026, 3, 9), utc(2026, 3, 10, 4)),
    ],
)
def test_due_by_is_the_end_of_the_local_day_across_dst(zone, call_end, due, due_by_utc):
    assert opinion_due_date(call_end, zone, 1) == due
    assert due_by(due, zone) == due_by_utc


@pytest.mark.parametrize(
    ("zone", "day_off", "hours"),
    [
        (BERLIN, date(2026, 3, 29), 23),  # a 23-hour Sunday
        (BERLIN, date(2026, 10, 25), 25),  # a 25-hour Sunday
    ],
)
def test_a_whole_dst_day_off_is_covered(zone, day_off, hours):
    start = datetime.combine(day_off, time(0), tzinfo=zone).astimezone(UTC)
    stretch = [(start, start + timedelta(hours=hours))]
    assert is_day_off(day_off, zone, stretch, min_off=timedelta(hours=hours))
    assert not is_day_off(day_off, zone, stretch, min_off=timedelta(hours=hours + 1))


def test_time_off_across_the_spring_change_still_skips_the_days():
    # Thursday 26 to Tuesday 31 March off, across the change: Friday, Monday and
    # Tuesday are skipped; due Wednesday 1 April.
    call_end = local(BERLIN, 2026, 3, 25, 15)
    off = [(local(BERLIN, 2026, 3, 26, 0), local(BERLIN, 2026, 4, 1, 0))]
    assert opinion_due_date(call_end, BERLIN, 1, off) == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # Due Thursday: warned Wednesday at 07:00 Berlin (winter: 06:00 UTC).
        (date(2026, 3, 5), utc(2026, 3, 4, 6)),
        # Due Monday: warned the Friday before.
        (date(2026, 3, 9), utc(2026, 3, 6, 6)),
        # Due Monday 30 March after the change: warned Friday 27 (still winter time).
        (date(2026, 3, 30), utc(2026, 3, 27, 6)),
        # Due Tuesday 31 March: warned Monday 30 in summer time (05:00 UTC).
        (date(2026, 3, 31), utc(2026, 3, 30, 5)),
    ],
)
def test_the_warning_is_the_business_day_before(due, expected):
    assert warning_at(due, BERLIN, time(7)) == expected


def test_figures_are_median_and_nearest_rank_p90():
    days = [timedelta(days=d) for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    figures = turnaround_figures(days, overdue=2)
    assert figures.delivered == 10
    assert figures.median_days == 5.5
    assert figures.p90_days == 9
    assert figures.overdue == 2


def test_figures_without_opinions_are_empty():
    figures = turnaround_figures([], overdue=1)
    assert (figures.delivered, figures.median_days, figures.p90_days) == (0, None, None)


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [([3.0], 0.9, 3.0), ([1.0, 2.0], 0.9, 2.0), ([5.0, 1.0, 3.0], 0.5, 3.0)],
)
def test_nearest_rank(values, share, expected):
    assert nearest_rank(values, share) == expected
