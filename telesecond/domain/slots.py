"""Free consultation slots from weekly hours, date overrides and busy time.

Pure: every input, ``now`` included, is an argument; every instant returned is aware UTC.
Weekly hours are wall-clock minutes in the specialist's zone. DST rules:

* Slot starts are ``opening + k * (consultation + buffer)`` on the wall clock. A start
  that does not exist (spring-forward gap) is skipped; an ambiguous one (fall-back) is
  its first occurrence (``fold=0``), so it is offered once.
* A window closes at the first instant the clock reads its closing time (first
  occurrence if ambiguous, the transition if it falls in a gap); 1440 = next midnight.
* A start before the previous schedulable slot's end + buffer is dropped (bites only
  across a DST jump or between touching windows). This runs on the schedule alone,
  before bookings and clipping, so being a slot never depends on the queried range.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telesecond.domain.wall_clock import existing_instant

MINUTES_PER_DAY = 1440
_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)

Span = tuple[datetime, datetime]  # (start, end) aware UTC, half-open


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Recurring opening hours on one weekday, in the schedule's local time."""

    weekday: int  # 0=Monday .. 6=Sunday
    start_minute: int  # minutes after local midnight, 0..1439
    end_minute: int  # 1..1440; 1440 is the next local midnight

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        _raise_if_invalid([(self.start_minute, self.end_minute)])


@dataclass(frozen=True, slots=True)
class DateOverride:
    """Hours for one local date, replacing its weekly hours; no windows = closed."""

    day: date
    windows: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        _raise_if_invalid(self.windows)


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span of real time [start, end) between aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _aware(self.start, "start")
        _aware(self.end, "end")


@dataclass(frozen=True, slots=True)
class SlotPolicy:
    """How long a consultation lasts and how it may be booked."""

    consultation_minutes: int
    buffer_minutes: int = 0
    min_notice_minutes: int = 0
    horizon_days: int = 60

    def __post_init__(self) -> None:
        if (
            self.consultation_minutes <= 0
            or min(self.buffer_minutes, self.min_notice_minutes, self.horizon_days) < 0
        ):
            raise ValueError(f"consultation length must be positive, the rest >= 0: {self}")


@dataclass(frozen=True, slots=True)
class Schedule:
    """A specialist's availability rules: zone, weekly hours, policy, date overrides."""

    timezone: str
    weekly: tuple[WeeklyWindow, ...]
    policy: SlotPolicy
    overrides: tuple[DateOverride, ...] = ()

    def __post_init__(self) -> None:
        _zone(self.timezone)  # fail on construction, not on the first query


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable consultation time; both ends aware UTC."""

    start: datetime
    end: datetime


def iter_slots(
    schedule: Schedule,
    *,
    busy: Iterable[Interval] = (),
    time_off: Iterable[Interval] = (),
    holds: Iterable[Interval] = (),
    now: datetime,
    start: datetime,
    end: datetime,
) -> Iterator[Slot]:
    """Yield free slots within [start, end] in ascending order, lazily (day by day)."""
    policy = schedule.policy
    now = _aware(now, "now").astimezone(UTC)
    _aware(start, "start")
    _aware(end, "end")
    lo = now + timedelta(minutes=policy.min_notice_minutes)
    hi = now + timedelta(days=policy.horizon_days)
    # Convert only bounds that fall inside [lo, hi]: a far-off one (year 1 or 9999 in
    # some zone) might not fit in UTC, and comparing aware datetimes never overflows.
    if start > lo:
        lo = start.astimezone(UTC) if start < hi else hi
    if end < hi:
        hi = end.astimezone(UTC) if end > lo else lo
    # Validate and collect eagerly so errors surface at the call and the caller's
    # iterables are not held by the generator.
    buffer = timedelta(minutes=policy.buffer_minutes)
    blocked = _blocked_spans(((busy, buffer), (holds, buffer), (time_off, timedelta())), lo, hi)
    if lo >= hi:
        return iter(())
    return _sweep(schedule, blocked, lo, hi)


def free_slots(
    schedule: Schedule,
    *,
    busy: Iterable[Interval] = (),
    time_off: Iterable[Interval] = (),
    holds: Iterable[Interval] = (),
    now: datetime,
    start: datetime,
    end: datetime,
) -> list[Slot]:
    """Return the free slots starting at or after `start` and ending by `end`, ascending."""
    return list(
        iter_slots(
            schedule, busy=busy, time_off=time_off, holds=holds, now=now, start=start, end=end
        )
    )


def first_free_slot(
    schedule: Schedule,
    *,
    busy: Iterable[Interval] = (),
    time_off: Iterable[Interval] = (),
    holds: Iterable[Interval] = (),
    now: datetime,
) -> Slot | None:
    """The earliest free slot within [now+notice, now+horizon], computing as little as possible."""
    end = _aware(now, "now") + timedelta(days=schedule.policy.horizon_days)
    slots = iter_slots(
        schedule, busy=busy, time_off=time_off, holds=holds, now=now, start=now, end=end
    )
    return next(slots, None)


def validate_windows(windows: Iterable[tuple[int, int]]) -> list[str]:
    """Human-readable problems with one day's (start, end) minute windows; [] when fine."""
    problems: list[str] = []
    usable: list[tuple[int, int]] = []
    for start, end in windows:
        label = _label((start, end))
        if not (0 <= start <= MINUTES_PER_DAY and 0 <= end <= MINUTES_PER_DAY):
            problems.append(f"{label}: times must lie between 00:00 and 24:00")
        elif start == MINUTES_PER_DAY:
            problems.append(f"{label}: a window cannot start at 24:00")
        elif end <= start:
            problems.append(f"{label}: the end must be after the start")
        else:
            usable.append((start, end))
    usable.sort()
    # Sorted by start, a window overlaps an earlier one iff it starts before the
    # latest end seen so far; report it against the window holding that end.
    latest: tuple[int, int] | None = None
    for window in usable:
        if latest is not None and window[0] < latest[1]:
            problems.append(f"{_label(window)} overlaps {_label(latest)}")
        if latest is None or window[1] > latest[1]:
            latest = window
    return problems


# --- internals -------------------------------------------------------------------


def _raise_if_invalid(windows: Iterable[tuple[int, int]]) -> None:
    problems = validate_windows(windows)
    if problems:
        raise ValueError("; ".join(problems))


def _label(window: tuple[int, int]) -> str:
    return "-".join(f"{'-' * (m < 0)}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for m in window)


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
    return value


def _zone(name: str) -> ZoneInfo:
    # ZoneInfo keeps its own cache, so repeated lookups are cheap.
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _blocked_spans(
    groups: Iterable[tuple[Iterable[Interval], timedelta]], lo: datetime, hi: datetime
) -> list[Span]:
    """Blocked UTC spans that can touch [lo, hi], each group widened by its padding."""
    spans: list[Span] = []
    for sources, pad in groups:
        low, high = lo - pad, hi + pad
        for item in sources:
            start = _aware(item.start, "interval start")
            end = _aware(item.end, "interval end")
            # Only [lo, hi] matters, so drop or clip to it before any arithmetic: a time
            # off "from year 1 to 9999" must not overflow when converted or padded.
            if end > low and start < high and end > start:
                start, end = max(start, low).astimezone(UTC), min(end, high).astimezone(UTC)
                spans.append((start - pad, end + pad))
    return spans


def _merged(spans: list[Span]) -> Iterator[Span]:
    """Yield the union of `spans` as disjoint spans in ascending order, lazily."""
    # A heap rather than a sort: first_free_slot usually needs only the first few.
    heapq.heapify(spans)
    while spans:
        start, end = heapq.heappop(spans)
        while spans and spans[0][0] <= end:
            end = max(end, heapq.heappop(spans)[1])
        yield start, end


def _sweep(schedule: Schedule, blocked: list[Span], lo: datetime, hi: datetime) -> Iterator[Slot]:
    """Walk the schedulable slots and the merged blocked spans together, both ascending."""
    spans = _merged(blocked)
    block = next(spans, None)
    for start, end in _grid(schedule, lo, hi):
        if end > hi:
            return  # the grid ascends, so every later slot ends later still
        if start < lo:
            continue
        while block is not None and block[1] <= start:
            block = next(spans, None)
        # Merged spans are disjoint and ascending: only the current one can overlap.
        if block is not None and block[0] < end:
            continue
        yield Slot(start, end)


def _grid(schedule: Schedule, lo: datetime, hi: datetime) -> Iterator[Span]:
    """Yield every schedulable slot from just before `lo`, ascending, ignoring bookings."""
    zone = _zone(schedule.timezone)
    policy = schedule.policy
    length = timedelta(minutes=policy.consultation_minutes)
    buffer = timedelta(minutes=policy.buffer_minutes)
    step = length + buffer
    weekly: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for window in schedule.weekly:
        weekly[window.weekday].append((window.start_minute, window.end_minute))
    by_weekday = [_as_deltas(windows) for windows in weekly]
    overrides = {o.day: _as_deltas(o.windows) for o in schedule.overrides}

    # Start a day early so the overlap guard sees the slot before `lo`'s day, and end
    # a day late because a midnight fall-back can put `hi` on the earlier local date.
    day = lo.astimezone(zone).date() - _DAY
    last = hi.astimezone(zone).date() + _DAY
    # Deliberately naive: local wall-clock arithmetic, attached to the zone per use.
    midnight = datetime(day.year, day.month, day.day)  # noqa: DTZ001
    offset = midnight.replace(tzinfo=zone).utcoffset()
    earliest: datetime | None = None  # the overlap guard: next allowed start
    while day <= last:
        next_midnight = midnight + _DAY
        next_offset = next_midnight.replace(tzinfo=zone).utcoffset()
        windows = overrides.get(day)
        if windows is None:
            windows = by_weekday[day.weekday()]
        if windows:
            if offset == next_offset:
                # No transition today (zones change at most once a day), so local
                # time is a fixed shift from UTC: plain arithmetic, no zone lookups.
                base = (midnight - offset).replace(tzinfo=UTC)
                candidates = _fixed_offset_slots(base, windows, length, step)
            else:
                candidates = _transition_day_slots(zone, midnight, windows, length, step)
            candidates.sort()  # only reorders if windows overlap
            for start, end in candidates:
                if earliest is None or start >= earliest:
                    yield start, end
                    earliest = end + buffer
        day += _DAY
        midnight, offset = next_midnight, next_offset


def _as_deltas(windows: Iterable[tuple[int, int]]) -> list[tuple[timedelta, timedelta]]:
    return [(timedelta(minutes=s), timedelta(minutes=e)) for s, e in sorted(windows) if e > s]


def _fixed_offset_slots(
    base: datetime, windows: list[tuple[timedelta, timedelta]], length: timedelta, step: timedelta
) -> list[Span]:
    out: list[Span] = []
    for open_at, close_at in windows:
        start, close = base + open_at, base + close_at
        end = start + length
        while end <= close:
            out.append((start, end))
            start += step
            end = start + length
    return out


def _transition_day_slots(
    zone: ZoneInfo,
    midnight: datetime,
    windows: list[tuple[timedelta, timedelta]],
    length: timedelta,
    step: timedelta,
) -> list[Span]:
    """Slots on a day whose UTC offset changes: each wall-clock start converted on its own."""
    out: list[Span] = []
    for open_at, close_at in windows:
        close_wall = midnight + close_at
        close = _first_instant_reading(close_wall, zone)
        wall = midnight + open_at
        while wall < close_wall:
            start = existing_instant(wall, zone)
            if start is not None:
                end = start + length
                if end > close:
                    break  # fold=0 instants ascend with wall time, so later ones end later
                out.append((start, end))
            wall += step
    return out


def _first_instant_reading(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first instant at which the local clock reads `wall` or later."""
    instant = existing_instant(wall, zone)
    if instant is not None:
        return instant
    # `wall` is skipped, so the answer is the transition itself. Read with the offsets
    # before and after it (the two folds), the gap time brackets the transition: bisect.
    before, after = sorted(wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
    offset_before = before.astimezone(zone).utcoffset()
    while after - before > _TICK:
        middle = before + (after - before) // 2
        if middle.astimezone(zone).utcoffset() == offset_before:
            before = middle
        else:
            after = middle
    return after
