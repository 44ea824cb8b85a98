"""Hand-computed examples for the slot engine (telesecond.domain.slots)."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from telesecond.domain.slots import (
    DateOverride,
    Interval,
    Schedule,
    Slot,
    SlotPolicy,
    WeeklyWindow,
    first_free_slot,
    free_slots,
    iter_slots,
    validate_windows,
)

EVERY_DAY = range(7)
WEEKDAYS = range(5)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_schedule(
    tz="UTC",
    windows=((540, 720),),
    days=EVERY_DAY,
    minutes=30,
    buffer=0,
    notice=0,
    horizon=60,
    overrides=(),
):
    weekly = tuple(WeeklyWindow(day, start, end) for day in days for start, end in windows)
    return Schedule(tz, weekly, SlotPolicy(minutes, buffer, notice, horizon), tuple(overrides))


def starts(slots):
    return [slot.start for slot in slots]


def local_day(schedule, day, **kwargs):
    """Free slots starting on one local date, seen from a `now` well before it."""
    zone = ZoneInfo(schedule.timezone)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    kwargs.setdefault("now", start - timedelta(days=1))
    found = free_slots(schedule, start=start, end=start + timedelta(days=2), **kwargs)
    return [slot for slot in found if slot.start.astimezone(zone).date() == day]


# --- DST: wall-clock hours stay put, the UTC instant moves ---------------------------

NINE_AM = [
    # zone, date before, 09:00 there in UTC, date of change, 09:00 then, date after, UTC
    ("America/New_York", date(2026, 3, 7), utc(2026, 3, 7, 14), date(2026, 3, 8),
     utc(2026, 3, 8, 13), date(2026, 3, 9), utc(2026, 3, 9, 13)),
    ("America/New_York", date(2026, 10, 31), utc(2026, 10, 31, 13), date(2026, 11, 1),
     utc(2026, 11, 1, 14), date(2026, 11, 2), utc(2026, 11, 2, 14)),
    ("Europe/Berlin", date(2026, 3, 28), utc(2026, 3, 28, 8), date(2026, 3, 29),
     utc(2026, 3, 29, 7), date(2026, 3, 30), utc(2026, 3, 30, 7)),
    ("Europe/Berlin", date(2026, 10, 24), utc(2026, 10, 24, 7), date(2026, 10, 25),
     utc(2026, 10, 25, 8), date(2026, 10, 26), utc(2026, 10, 26, 8)),
    ("Australia/Sydney", date(2026, 4, 4), utc(2026, 4, 3, 22), date(2026, 4, 5),
     utc(2026, 4, 4, 23), date(2026, 4, 6), utc(2026, 4, 5, 23)),
    ("Australia/Sydney", date(2026, 10, 3), utc(2026, 10, 2, 23), date(2026, 10, 4),
     utc(2026, 10, 3, 22), date(2026, 10, 5), utc(2026, 10, 4, 22)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tz", "before", "before_utc", "change", "change_utc", "after", "after_utc"), NINE_AM
)
def test_nine_am_stays_nine_am_local_across_dst(
    tz, before, before_utc, change, change_utc, after, after_utc
):
    schedule = make_schedule(tz, windows=((540, 600),), minutes=60)
    for day, expected in ((before, before_utc), (change, change_utc), (after, after_utc)):
        slots = local_day(schedule, day)
        assert starts(slots) == [expected]
        assert slots[0].end == expected + timedelta(hours=1)
        local = slots[0].start.astimezone(ZoneInfo(tz))
        assert (local.hour, local.minute) == (9, 0)
        assert slots[0].start.tzinfo is UTC


GAP_DAYS = [
    # A 01:00-04:00 window on a spring-forward day: 02:00 and 02:30 do not exist.
    ("America/New_York", date(2026, 3, 8), [utc(2026, 3, 8, 6), utc(2026, 3, 8, 6, 30),
                                            utc(2026, 3, 8, 7), utc(2026, 3, 8, 7, 30)]),
    ("Europe/Berlin", date(2026, 3, 29), [utc(2026, 3, 29, 0), utc(2026, 3, 29, 0, 30),
                                          utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 30)]),
    ("Australia/Sydney", date(2026, 10, 4), [utc(2026, 10, 3, 15), utc(2026, 10, 3, 15, 30),
                                             utc(2026, 10, 3, 16), utc(2026, 10, 3, 16, 30)]),
    # Lord Howe jumps 30 minutes: only 02:00 is missing.
    ("Australia/Lord_Howe", date(2026, 10, 4), [
        utc(2026, 10, 3, 14, 30), utc(2026, 10, 3, 15), utc(2026, 10, 3, 15, 30),
        utc(2026, 10, 3, 16), utc(2026, 10, 3, 16, 30)]),
]  # fmt: skip


@pytest.mark.parametrize(("tz", "day", "expected"), GAP_DAYS)
def test_spring_forward_gap_is_skipped(tz, day, expected):
    slots = local_day(make_schedule(tz, windows=((60, 240),)), day)
    assert starts(slots) == expected
    walls = {slot.start.astimezone(ZoneInfo(tz)).strftime("%H:%M") for slot in slots}
    assert "02:00" not in walls


REPEATED_HOUR_DAYS = [
    # A 01:00-04:00 window on a fall-back day: each repeated wall time appears once,
    # at its first occurrence; the second pass through the hour offers nothing.
    ("America/New_York", date(2026, 11, 1), [  # 01:00-02:00 repeats
        utc(2026, 11, 1, 5), utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 7),
        utc(2026, 11, 1, 7, 30), utc(2026, 11, 1, 8), utc(2026, 11, 1, 8, 30)]),
    ("Europe/Berlin", date(2026, 10, 25), [  # 02:00-03:00 repeats
        utc(2026, 10, 24, 23), utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 0),
        utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2), utc(2026, 10, 25, 2, 30)]),
    ("Australia/Sydney", date(2026, 4, 5), [  # 02:00-03:00 repeats
        utc(2026, 4, 4, 14), utc(2026, 4, 4, 14, 30), utc(2026, 4, 4, 15),
        utc(2026, 4, 4, 15, 30), utc(2026, 4, 4, 17), utc(2026, 4, 4, 17, 30)]),
]  # fmt: skip


@pytest.mark.parametrize(("tz", "day", "expected"), REPEATED_HOUR_DAYS)
def test_fall_back_repeated_hour_is_offered_once(tz, day, expected):
    slots = local_day(make_schedule(tz, windows=((60, 240),)), day)
    assert starts(slots) == expected
    walls = [slot.start.astimezone(ZoneInfo(tz)).strftime("%H:%M") for slot in slots]
    assert walls == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    assert all(slot.start.astimezone(ZoneInfo(tz)).fold == 0 for slot in slots)


def test_start_right_after_the_gap_is_dropped_when_it_would_overlap():
    # 30 min + 10 buffer from 01:00 EST: 01:40 EST runs to 07:10Z; the next grid time
    # 02:20 does not exist and 03:00 EDT (07:00Z) starts inside it, so it is dropped.
    schedule = make_schedule("America/New_York", windows=((60, 300),), buffer=10)
    slots = local_day(schedule, date(2026, 3, 8))
    assert starts(slots) == [
        utc(2026, 3, 8, 6),
        utc(2026, 3, 8, 6, 40),
        utc(2026, 3, 8, 7, 40),
        utc(2026, 3, 8, 8, 20),
    ]


def test_window_closing_inside_the_gap_closes_at_the_transition():
    # 00:00-02:30 on 2026-03-08 in New York: 02:30 never happens, so the window ends
    # at 03:00 EDT = 07:00Z, and 01:30-02:15 EST (06:30-07:15Z) does not fit.
    schedule = make_schedule("America/New_York", windows=((0, 150),), minutes=45)
    assert starts(local_day(schedule, date(2026, 3, 8))) == [
        utc(2026, 3, 8, 5),
        utc(2026, 3, 8, 5, 45),
    ]


def test_window_closing_in_the_repeated_hour_closes_at_its_first_occurrence():
    # 00:00-01:30 on 2026-11-01 in New York closes at 01:30 EDT = 05:30Z, so the
    # 01:20 EDT slot (to 06:00Z) does not fit even though 01:30 comes round again.
    schedule = make_schedule("America/New_York", windows=((0, 90),), minutes=40)
    assert starts(local_day(schedule, date(2026, 11, 1))) == [
        utc(2026, 11, 1, 4),
        utc(2026, 11, 1, 4, 40),
    ]


def test_touching_windows_keep_the_buffer_between_slots():
    # 09:00-09:30 fills the first window; 09:30 would follow with no buffer, so the
    # second window's first slot is 10:10 (its own grid), not 09:30 or 09:40.
    schedule = make_schedule(windows=((540, 570), (570, 660)), buffer=10)
    assert starts(local_day(schedule, MONDAY)) == [utc(2026, 6, 1, 9), utc(2026, 6, 1, 10, 10)]


@pytest.mark.parametrize("range_start", [utc(2026, 5, 31), utc(2026, 6, 1)])
def test_buffer_is_kept_across_midnight_whatever_the_range(range_start):
    # Sunday 23:30-24:00 is a slot; Monday 00:00 would start with no buffer after it.
    # Asking from Monday 00:00 must not resurrect it: being a slot never depends on
    # the range asked for.
    schedule = make_schedule(windows=((0, 90), (1410, 1440)), buffer=10)
    slots = free_slots(schedule, now=utc(2026, 5, 30), start=range_start, end=utc(2026, 6, 1, 2))
    assert [s.start for s in slots if s.start >= utc(2026, 6, 1)] == [utc(2026, 6, 1, 0, 40)]


# --- Odd offsets and midnight ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "nine_am_utc"),
    [
        ("Asia/Kolkata", utc(2026, 6, 1, 3, 30)),  # +05:30
        ("Asia/Kathmandu", utc(2026, 6, 1, 3, 15)),  # +05:45
    ],
)
def test_fractional_offsets(tz, nine_am_utc):
    slots = local_day(make_schedule(tz, windows=((540, 660),), minutes=60), date(2026, 6, 1))
    assert starts(slots) == [nine_am_utc, nine_am_utc + timedelta(hours=1)]


@pytest.mark.parametrize(
    ("tz", "last_start", "midnight"),
    [
        ("Asia/Kolkata", utc(2026, 6, 1, 17, 30), utc(2026, 6, 1, 18, 30)),
        ("Asia/Kathmandu", utc(2026, 6, 1, 17, 15), utc(2026, 6, 1, 18, 15)),
        ("Europe/Berlin", utc(2026, 6, 1, 21), utc(2026, 6, 1, 22)),
    ],
)
def test_window_ending_at_24_00_includes_the_slot_ending_at_midnight(tz, last_start, midnight):
    schedule = make_schedule(tz, windows=((1320, 1440),), minutes=60)
    slots = local_day(schedule, date(2026, 6, 1))
    assert slots[-1] == Slot(last_start, midnight)
    assert slots[-1].end.astimezone(ZoneInfo(tz)).strftime("%d %H:%M") == "02 00:00"
    assert len(slots) == 2


def test_24_00_window_on_the_night_before_spring_forward():
    # Saturday 2026-03-28 23:00-24:00 in Berlin: midnight is still CET (23:00Z).
    schedule = make_schedule("Europe/Berlin", windows=((1380, 1440),), minutes=60)
    assert local_day(schedule, date(2026, 3, 28)) == [
        Slot(utc(2026, 3, 28, 22), utc(2026, 3, 28, 23))
    ]


# --- Overrides -------------------------------------------------------------------------

MONDAY = date(2026, 6, 1)
SATURDAY = date(2026, 6, 6)


def test_override_closes_a_normal_day():
    schedule = make_schedule(days=WEEKDAYS, overrides=[DateOverride(MONDAY, ())])
    assert local_day(schedule, MONDAY) == []
    assert local_day(schedule, MONDAY + timedelta(days=1))[0].start == utc(2026, 6, 2, 9)


def test_override_opens_a_weekend_day():
    schedule = make_schedule(days=WEEKDAYS, overrides=[DateOverride(SATURDAY, ((600, 660),))])
    assert starts(local_day(schedule, SATURDAY)) == [utc(2026, 6, 6, 10), utc(2026, 6, 6, 10, 30)]
    assert local_day(schedule, SATURDAY + timedelta(days=1)) == []


def test_override_replaces_the_weekly_hours():
    schedule = make_schedule(
        "Europe/Berlin", days=WEEKDAYS, overrides=[DateOverride(MONDAY, ((840, 900),))]
    )
    # 14:00-15:00 CEST only; the usual 09:00-12:00 is gone that day.
    assert starts(local_day(schedule, MONDAY)) == [utc(2026, 6, 1, 12), utc(2026, 6, 1, 12, 30)]


# --- Bookings, holds, time off, buffers -------------------------------------------------


def test_stepping_is_consultation_plus_buffer():
    schedule = make_schedule(minutes=45, buffer=15)
    assert starts(local_day(schedule, MONDAY)) == [
        utc(2026, 6, 1, 9),
        utc(2026, 6, 1, 10),
        utc(2026, 6, 1, 11),
    ]
    schedule = make_schedule(minutes=50)
    assert starts(local_day(schedule, MONDAY)) == [
        utc(2026, 6, 1, 9),
        utc(2026, 6, 1, 9, 50),
        utc(2026, 6, 1, 10, 40),
    ]
    assert all(
        slot.end - slot.start == timedelta(minutes=50) for slot in local_day(schedule, MONDAY)
    )


GRID_30_10 = [
    utc(2026, 6, 1, 9),
    utc(2026, 6, 1, 9, 40),
    utc(2026, 6, 1, 10, 20),
    utc(2026, 6, 1, 11),
]


@pytest.mark.parametrize(
    ("booking_start", "expected"),
    [
        # Booked 09:35-10:05: 09:00-09:30 ends 5 minutes before it (< 10 buffer) -> gone.
        (utc(2026, 6, 1, 9, 35), [utc(2026, 6, 1, 10, 20), utc(2026, 6, 1, 11)]),
        # Booked 09:40-10:10: 09:00-09:30 ends exactly 10 minutes before it -> kept,
        # and 10:20 starts exactly 10 minutes after it -> kept.
        (
            utc(2026, 6, 1, 9, 40),
            [utc(2026, 6, 1, 9), utc(2026, 6, 1, 10, 20), utc(2026, 6, 1, 11)],
        ),
        # Booked 09:45-10:15: 10:20 starts 5 minutes after it -> gone.
        (utc(2026, 6, 1, 9, 45), [utc(2026, 6, 1, 9), utc(2026, 6, 1, 11)]),
    ],
)
@pytest.mark.parametrize("kind", ["busy", "holds"])
def test_bookings_and_holds_are_widened_by_the_buffer(booking_start, expected, kind):
    schedule = make_schedule(buffer=10)
    assert starts(local_day(schedule, MONDAY)) == GRID_30_10
    booking = Interval(booking_start, booking_start + timedelta(minutes=30))
    assert starts(local_day(schedule, MONDAY, **{kind: [booking]})) == expected


def test_time_off_excludes_overlapping_slots():
    off = Interval(utc(2026, 6, 1, 9, 45), utc(2026, 6, 1, 10, 15))
    slots = local_day(make_schedule(), MONDAY, time_off=[off])
    assert starts(slots)[:3] == [utc(2026, 6, 1, 9), utc(2026, 6, 1, 10, 30), utc(2026, 6, 1, 11)]


def test_time_off_is_not_widened_but_a_booking_is():
    schedule = make_schedule(buffer=10)
    gap = Interval(utc(2026, 6, 1, 10, 10), utc(2026, 6, 1, 10, 20))  # between two slots
    assert starts(local_day(schedule, MONDAY, time_off=[gap])) == GRID_30_10
    assert starts(local_day(schedule, MONDAY, busy=[gap])) == [
        utc(2026, 6, 1, 9),
        utc(2026, 6, 1, 11),
    ]


def test_nested_and_overlapping_blocks_merge():
    # A long booking swallowing a short hold, plus time off overlapping its end.
    busy = [Interval(utc(2026, 6, 1, 9), utc(2026, 6, 1, 10, 30))]
    holds = [Interval(utc(2026, 6, 1, 9, 15), utc(2026, 6, 1, 9, 30))]
    time_off = [Interval(utc(2026, 6, 1, 10), utc(2026, 6, 1, 11))]
    slots = local_day(make_schedule(), MONDAY, busy=busy, holds=holds, time_off=time_off)
    assert starts(slots) == [utc(2026, 6, 1, 11), utc(2026, 6, 1, 11, 30)]


def test_intervals_in_other_zones_compare_as_instants():
    kolkata = ZoneInfo("Asia/Kolkata")
    booking = Interval(
        datetime(2026, 6, 1, 15, 0, tzinfo=kolkata), datetime(2026, 6, 1, 15, 30, tzinfo=kolkata)
    )
    slots = local_day(make_schedule(), MONDAY, busy=[booking])  # that is 09:30-10:00Z
    assert starts(slots)[:2] == [utc(2026, 6, 1, 9), utc(2026, 6, 1, 10)]


# --- Notice, horizon, range -------------------------------------------------------------


def test_min_notice():
    schedule = make_schedule(notice=60)
    slots = free_slots(
        schedule, now=utc(2026, 6, 1, 8, 50), start=utc(2026, 6, 1), end=utc(2026, 6, 2)
    )
    assert starts(slots)[0] == utc(2026, 6, 1, 10)
    # A slot starting exactly at now + notice is offered.
    slots = free_slots(schedule, now=utc(2026, 6, 1, 9), start=utc(2026, 6, 1), end=utc(2026, 6, 2))
    assert starts(slots)[0] == utc(2026, 6, 1, 10)


def test_horizon():
    schedule = make_schedule(horizon=1)
    slots = free_slots(
        schedule, now=utc(2026, 6, 1, 9, 30), start=utc(2026, 6, 1), end=utc(2026, 6, 9)
    )
    assert slots[0].start == utc(2026, 6, 1, 9, 30)
    # The horizon ends at 2026-06-02 09:30: the 09:00 slot ends exactly then, 09:30 does not fit.
    assert slots[-1] == Slot(utc(2026, 6, 2, 9), utc(2026, 6, 2, 9, 30))


def test_range_bounds_are_inclusive_of_whole_slots():
    schedule = make_schedule()
    slots = free_slots(
        schedule, now=utc(2026, 5, 1), start=utc(2026, 6, 1, 9, 30), end=utc(2026, 6, 1, 10, 30)
    )
    assert slots == [
        Slot(utc(2026, 6, 1, 9, 30), utc(2026, 6, 1, 10)),
        Slot(utc(2026, 6, 1, 10), utc(2026, 6, 1, 10, 30)),
    ]
    assert (
        free_slots(
            schedule, now=utc(2026, 5, 1), start=utc(2026, 6, 1, 9, 1), end=utc(2026, 6, 1, 9, 59)
        )
        == []
    )


def test_iter_slots_is_lazy_and_ascending():
    slots = iter_slots(
        make_schedule(horizon=365), now=utc(2026, 6, 1), start=utc(2026, 6, 1), end=utc(2027, 6, 1)
    )
    assert next(slots) == Slot(utc(2026, 6, 1, 9), utc(2026, 6, 1, 9, 30))
    assert next(slots).start == utc(2026, 6, 1, 9, 30)


def test_first_free_slot_skips_booked_and_respects_notice():
    schedule = make_schedule(days=WEEKDAYS, notice=120)
    busy = [Interval(utc(2026, 6, 1, 11), utc(2026, 6, 1, 12))]
    # Friday 10:00: notice pushes past Friday's hours to Monday; Monday 11:00 is booked
    # but 09:00 is free.
    assert first_free_slot(schedule, busy=busy, now=utc(2026, 5, 29, 10)) == Slot(
        utc(2026, 6, 1, 9), utc(2026, 6, 1, 9, 30)
    )
    assert first_free_slot(schedule, busy=busy, now=utc(2026, 6, 1, 8, 30)) == Slot(
        utc(2026, 6, 1, 10, 30), utc(2026, 6, 1, 11)
    )


def test_first_free_slot_none_when_nothing_in_the_horizon():
    schedule = make_schedule(days=[6], horizon=5)  # Sundays only
    assert first_free_slot(schedule, now=utc(2026, 6, 1, 12)) is None
    closed = make_schedule(days=[], horizon=365)
    assert first_free_slot(closed, now=utc(2026, 6, 1, 12)) is None


# --- Bad input ---------------------------------------------------------------------------

NAIVE = datetime(2026, 6, 1, 9)


@pytest.mark.parametrize("field", ["now", "start", "end"])
def test_naive_datetimes_are_refused(field):
    args = {"now": utc(2026, 6, 1), "start": utc(2026, 6, 1), "end": utc(2026, 6, 2), field: NAIVE}
    with pytest.raises(ValueError, match="timezone-aware"):
        iter_slots(make_schedule(), **args)
    with pytest.raises(ValueError, match="timezone-aware"):
        free_slots(make_schedule(), **args)


def test_naive_now_refused_by_first_free_slot_and_naive_interval_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        first_free_slot(make_schedule(), now=NAIVE)
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(NAIVE, utc(2026, 6, 1, 10))


@pytest.mark.parametrize(
    "build",
    [
        lambda: Schedule("Mars/Olympus_Mons", (), SlotPolicy(30)),
        lambda: SlotPolicy(0),
        lambda: SlotPolicy(30, buffer_minutes=-5),
        lambda: WeeklyWindow(7, 540, 600),
        lambda: WeeklyWindow(0, 600, 540),
        lambda: WeeklyWindow(0, 540, 1441),
        lambda: DateOverride(MONDAY, ((540, 600), (-30, 60))),
    ],
)
def test_invalid_rules_are_refused(build):
    with pytest.raises(ValueError):
        build()


def test_validate_windows_accepts_good_days():
    assert validate_windows([(540, 720), (780, 1020)]) == []
    assert validate_windows([(0, 720), (720, 1440)]) == []  # touching is fine
    assert validate_windows([]) == []


@pytest.mark.parametrize(
    ("windows", "messages"),
    [
        ([(720, 540)], ["12:00-09:00: the end must be after the start"]),
        ([(540, 540)], ["09:00-09:00: the end must be after the start"]),
        ([(540, 1500)], ["09:00-25:00: times must lie between 00:00 and 24:00"]),
        ([(-30, 60)], ["-00:30-01:00: times must lie between 00:00 and 24:00"]),
        ([(1440, 1440)], ["24:00-24:00: a window cannot start at 24:00"]),
        ([(540, 720), (660, 780)], ["11:00-13:00 overlaps 09:00-12:00"]),
        (
            [(780, 900), (540, 1020), (600, 660)],
            ["10:00-11:00 overlaps 09:00-17:00", "13:00-15:00 overlaps 09:00-17:00"],
        ),
        (
            [(540, 600), (540, 600), (1200, 1100)],
            ["20:00-18:20: the end must be after the start", "09:00-10:00 overlaps 09:00-10:00"],
        ),
    ],
)
def test_validate_windows_messages(windows, messages):
    assert validate_windows(windows) == messages


def test_far_off_years_do_not_overflow():
    plus5, minus5 = timezone(timedelta(hours=5)), timezone(timedelta(hours=-5))
    year_1, year_9999 = datetime(1, 1, 1, tzinfo=plus5), datetime(9999, 12, 31, 23, tzinfo=minus5)
    schedule = make_schedule(horizon=1)
    now = utc(2026, 6, 1, 12)
    slots = free_slots(schedule, now=now, start=year_1, end=year_9999)
    assert slots[0].start == utc(2026, 6, 2, 9) and len(slots) == 6
    forever = Interval(year_1, year_9999)
    assert free_slots(schedule, time_off=[forever], now=now, start=year_1, end=year_9999) == []
    assert free_slots(schedule, busy=[forever], now=now, start=year_1, end=year_9999) == []
    assert free_slots(schedule, now=now, start=year_9999, end=year_9999) == []
    assert free_slots(schedule, now=now, start=year_1, end=year_1) == []
