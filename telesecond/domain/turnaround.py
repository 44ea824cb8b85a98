"""When a written opinion is due, and how long opinions take: pure rules.

- The due date is the ``business_days``-th business day after the local date of the call
  (the consultation's end) in the specialist's zone; the day of the call never counts.
- A business day is a Monday to Friday that is not a day off. A day is off when the
  specialist's time off overlaps that local day (midnight to midnight: 23 or 25 hours
  on the days the clocks change) by at least ``min_off``, so a holiday counts and an
  hour at the dentist does not.
- The opinion is due by the end of its due date: the local midnight that follows, in UTC.
- The specialist is warned at ``warn_at`` (a wall time) on the business day before the
  due date; the admins once the due date has ended.
- Turnaround is the time from the call's end to the opinion's delivery, in days of
  24 hours; the 90th percentile is the nearest rank (a value that occurred).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telesecond.domain.wall_clock import day_bounds, earliest_instant

DEFAULT_MIN_OFF = timedelta(hours=4)
# Time off longer than this is a data error; the count stops rather than loop for ever.
MAX_SEARCH_DAYS = 3 * 366

Interval = tuple[datetime, datetime]


def is_day_off(
    day: date, zone: ZoneInfo, time_off: Sequence[Interval], *, min_off: timedelta
) -> bool:
    """Whether time off covers at least ``min_off`` of local ``day``."""
    start, end = day_bounds(day, zone)
    covered = timedelta(0)
    # Merge overlapping stretches so a day is not counted twice.
    cursor = start
    for off_start, off_end in sorted(time_off):
        lo, hi = max(off_start, cursor), min(off_end, end)
        if hi > lo:
            covered += hi - lo
            cursor = hi
    return covered >= min_off


def is_business_day(
    day: date, zone: ZoneInfo, time_off: Sequence[Interval], *, min_off: timedelta
) -> bool:
    """A weekday on which the specialist is not off."""
    return day.weekday() < 5 and not is_day_off(day, zone, time_off, min_off=min_off)


def opinion_due_date(
    call_end: datetime,
    zone: ZoneInfo,
    business_days: int,
    time_off: Sequence[Interval] = (),
    *,
    min_off: timedelta = DEFAULT_MIN_OFF,
) -> date:
    """The local date by whose end the opinion is due."""
    day = call_end.astimezone(zone).date()
    left = max(0, business_days)
    for _ in range(MAX_SEARCH_DAYS):
        if left == 0:
            break
        day += timedelta(days=1)
        if is_business_day(day, zone, time_off, min_off=min_off):
            left -= 1
    return day


def due_by(due_date: date, zone: ZoneInfo) -> datetime:
    """The instant (UTC) at which the due date ends in the specialist's zone."""
    return day_bounds(due_date, zone)[1]


def warning_at(
    due_date: date,
    zone: ZoneInfo,
    warn_at: time,
    time_off: Sequence[Interval] = (),
    *,
    min_off: timedelta = DEFAULT_MIN_OFF,
) -> datetime:
    """When the specialist is reminded: ``warn_at`` on the business day before the due date."""
    day = due_date - timedelta(days=1)
    for _ in range(MAX_SEARCH_DAYS):
        if is_business_day(day, zone, time_off, min_off=min_off):
            break
        day -= timedelta(days=1)
    return earliest_instant(day, warn_at, zone)


@dataclass(frozen=True)
class TurnaroundFigures:
    """How long delivered opinions took, and how many are overdue now."""

    delivered: int
    median_days: float | None
    p90_days: float | None
    overdue: int


def nearest_rank(values: Sequence[float], share: float) -> float:
    """The smallest value at or above ``share`` of the sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def turnaround_figures(durations: Sequence[timedelta], *, overdue: int) -> TurnaroundFigures:
    """Median and 90th percentile, in days, of call-to-opinion durations."""
    days = [d.total_seconds() / 86400 for d in durations]
    if not days:
        return TurnaroundFigures(0, None, None, overdue)
    return TurnaroundFigures(
        delivered=len(days),
        median_days=statistics.median(days),
        p90_days=nearest_rank(days, 0.9),
        overdue=overdue,
    )
