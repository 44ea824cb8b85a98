"""Local wall-clock times in an IANA zone turned into aware UTC instants.

Pure: the date or naive wall time and the zone are arguments. Where the clocks change
a wall time can occur twice (fall back) or not at all (spring forward); each function
states which reading it takes:

* :func:`existing_instant`: the first occurrence of a repeated time; ``None`` for a
  time the clocks skip (the caller refuses or drops it).
* :func:`earliest_instant`: the earlier of the two readings (PEP 495 folds). A
  repeated time is its first occurrence; a skipped time lies before the jump, early
  by the size of the jump, so the instant is never later than meant.
* :func:`day_bounds`: local midnight to the next local midnight, first occurrence;
  a skipped midnight is the instant of the jump.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def existing_instant(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a naive local time (first occurrence), or None inside a gap."""
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    # A time in a gap does not survive the round trip: it comes back shifted.
    if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        return None
    return instant


def earliest_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The earlier of the two instants at which the clock may read ``wall`` on ``day``, in UTC."""
    naive = datetime.combine(day, wall)
    return min(naive.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which local ``day`` begins."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which local ``day`` starts and ends."""
    return local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
