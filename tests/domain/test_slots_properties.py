"""Property tests for the slot engine: invariants over random zones, hours and bookings."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from telesecond.domain.slots import (
    DateOverride,
    Interval,
    Schedule,
    Slot,
    SlotPolicy,
    WeeklyWindow,
    first_free_slot,
    free_slots,
)

# Each zone with its 2026 DST changes: `now` lands just before one of them half the time.
ZONES = {
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)],
    "Europe/Berlin": [date(2026, 3, 29), date(2026, 10, 25)],
    "Australia/Sydney": [date(2026, 4, 5), date(2026, 10, 4)],
    "Australia/Lord_Howe": [date(2026, 4, 5), date(2026, 10, 4)],  # 30-minute shift
    "Asia/Kolkata": [],
    "Asia/Kathmandu": [],
    "UTC": [],
}
# Zones the caller's datetimes may come in: the engine must compare them as instants.
INPUT_ZONES = [UTC, timezone(timedelta(hours=-3, minutes=-30)), ZoneInfo("Asia/Kathmandu")]

FAST = settings(max_examples=120, deadline=None)


# Window edges worth hitting often: around the DST changes (01:00-04:00), midnight, 24:00.
EDGES = [0, 60, 90, 120, 150, 180, 210, 240, 540, 720, 1380, 1410, 1440]
minute_marks = st.one_of(st.sampled_from(EDGES), st.integers(0, 288).map(lambda n: n * 5))


@st.composite
def day_windows(draw):
    """Non-overlapping (start, end) minute windows for one day; touching ones allowed."""
    marks = sorted(draw(st.sets(minute_marks, max_size=7)))
    pairs = zip(marks, marks[1:], strict=False)
    return tuple(pair for pair in pairs if draw(st.booleans()))


@st.composite
def instants(draw, near):
    if near and draw(st.booleans()):
        day = draw(st.sampled_from(near)) - timedelta(days=draw(st.integers(0, 3)))
    else:
        day = draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
    # Often on a 5-minute mark so that slots, bookings and bounds line up exactly.
    seconds = draw(st.one_of(st.integers(0, 287).map(lambda n: n * 300), st.integers(0, 86_399)))
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=seconds)
    return moment.astimezone(draw(st.sampled_from(INPUT_ZONES)))


@st.composite
def scenarios(draw):
    """A schedule plus bookings, holds, time off and `now` around it."""
    zone = draw(st.sampled_from(sorted(ZONES)))
    now = draw(instants(ZONES[zone]))
    horizon = draw(st.integers(0, 10))
    policy = SlotPolicy(
        consultation_minutes=draw(st.sampled_from([15, 20, 30, 45, 50, 60, 90])),
        buffer_minutes=draw(st.sampled_from([0, 0, 5, 10, 15, 30])),
        min_notice_minutes=draw(st.sampled_from([0, 30, 120, 1440])),
        horizon_days=horizon,
    )
    # A few day patterns spread over the week (cheaper to generate than seven days).
    patterns = draw(st.lists(day_windows(), min_size=1, max_size=3))
    weekly = tuple(
        WeeklyWindow(weekday, start, end)
        for weekday in range(7)
        for start, end in patterns[draw(st.integers(0, len(patterns) - 1))]
    )
    today = now.date()
    overrides = tuple(
        DateOverride(today + timedelta(days=offset), windows)
        for offset, windows in draw(
            st.dictionaries(st.integers(-1, horizon + 1), day_windows(), max_size=3)
        ).items()
    )
    schedule = Schedule(zone, weekly, policy, overrides)

    def intervals(max_size):
        spans = st.tuples(st.integers(-36, (horizon + 1) * 288), st.integers(1, 48))
        return [
            Interval(now + timedelta(minutes=5 * at), now + timedelta(minutes=5 * (at + length)))
            for at, length in draw(st.lists(spans, max_size=max_size))
        ]

    return {
        "schedule": schedule,
        "busy": intervals(12),
        "holds": intervals(3),
        "time_off": intervals(3),
        "now": now,
    }


def windows_on(schedule, day):
    for override in schedule.overrides:
        if override.day == day:
            return override.windows
    return [(w.start_minute, w.end_minute) for w in schedule.weekly if w.weekday == day.weekday()]


def wall(day, minute):
    return datetime(day.year, day.month, day.day) + timedelta(minutes=minute)


def first_occurrence(day, minute, zone):
    """The earliest instant the local clock shows day+minute, or None if it never does."""
    local = wall(day, minute)
    readings = [local.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    real = [r for r in readings if r.astimezone(zone).replace(tzinfo=None) == local]
    return min(real) if real else None


def closing_instant(day, minute, zone):
    """The first instant the local clock shows day+minute or later (brute force in gaps)."""
    found = first_occurrence(day, minute, zone)
    if found is not None:
        return found
    local = wall(day, minute)
    instant = min(local.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
    while instant.astimezone(zone).replace(tzinfo=None) < local:
        instant += timedelta(minutes=1)
    return instant


def blocked_by(scenario, slot):
    buffer = timedelta(minutes=scenario["schedule"].policy.buffer_minutes)
    for item in scenario["busy"] + scenario["holds"]:
        if item.start - buffer < slot.end and slot.start < item.end + buffer:
            return item
    for item in scenario["time_off"]:
        if item.start < slot.end and slot.start < item.end:
            return item
    return None


def reference_slots(scenario):
    """A slow, literal reading of the rules: every wall-clock candidate, every booking."""
    schedule, now = scenario["schedule"], scenario["now"]
    policy, zone = schedule.policy, ZoneInfo(schedule.timezone)
    length = timedelta(minutes=policy.consultation_minutes)
    buffer = timedelta(minutes=policy.buffer_minutes)
    step = policy.consultation_minutes + policy.buffer_minutes
    lo = now + timedelta(minutes=policy.min_notice_minutes)
    hi = now + timedelta(days=policy.horizon_days)
    grid: list[datetime] = []
    day = lo.astimezone(zone).date() - timedelta(days=2)
    while day <= hi.astimezone(zone).date() + timedelta(days=1):
        candidates = []
        for open_minute, close_minute in windows_on(schedule, day):
            close = closing_instant(day, close_minute, zone)
            for minute in range(open_minute, close_minute, step):
                start = first_occurrence(day, minute, zone)
                if start is not None and start + length <= close:
                    candidates.append(start)
        for start in sorted(candidates):
            if not grid or start >= grid[-1] + length + buffer:
                grid.append(start)
        day += timedelta(days=1)
    slots = [Slot(start, start + length) for start in grid]
    return [s for s in slots if lo <= s.start and s.end <= hi and not blocked_by(scenario, s)]


def full_range(scenario):
    policy, now = scenario["schedule"].policy, scenario["now"]
    return free_slots(
        **scenario,
        start=now - timedelta(days=400),
        end=now + timedelta(days=policy.horizon_days + 400),
    )


@FAST
@given(scenarios())
def test_every_slot_obeys_the_rules(scenario):
    schedule, now = scenario["schedule"], scenario["now"]
    policy, zone = schedule.policy, ZoneInfo(schedule.timezone)
    length = timedelta(minutes=policy.consultation_minutes)
    buffer = timedelta(minutes=policy.buffer_minutes)
    step = policy.consultation_minutes + policy.buffer_minutes
    slots = full_range(scenario)

    for slot in slots:
        assert slot.start.tzinfo is UTC and slot.end.tzinfo is UTC
        assert slot.end - slot.start == length
        assert now + timedelta(minutes=policy.min_notice_minutes) <= slot.start
        assert slot.end <= now + timedelta(days=policy.horizon_days)
        assert blocked_by(scenario, slot) is None, slot

        # Inside a window of its own local date, on the step grid, first occurrence.
        local = slot.start.astimezone(zone)
        assert local.fold == 0 and local.second == 0 and local.microsecond == 0
        minute = local.hour * 60 + local.minute
        assert any(
            open_minute <= minute < close_minute
            and (minute - open_minute) % step == 0
            and slot.end <= closing_instant(local.date(), close_minute, zone)
            for open_minute, close_minute in windows_on(schedule, local.date())
        ), (slot, local)

    # Ascending, unique, never overlapping, and at least a buffer apart.
    for earlier, later in zip(slots, slots[1:], strict=False):
        assert earlier.end + buffer <= later.start


@FAST
@given(scenarios())
def test_matches_the_literal_reference(scenario):
    assert full_range(scenario) == reference_slots(scenario)


@FAST
@given(scenarios(), st.data())
def test_first_free_slot_and_sub_ranges_agree_with_the_full_list(scenario, data):
    slots = full_range(scenario)
    first = first_free_slot(**scenario)
    assert first == (slots[0] if slots else None)

    # Whether an instant is a slot does not depend on the range asked for.
    now, horizon = scenario["now"], scenario["schedule"].policy.horizon_days
    offsets = st.integers(-60, (horizon + 1) * 1440)
    start = now + timedelta(minutes=data.draw(offsets))
    end = start + timedelta(minutes=data.draw(st.integers(0, 3 * 1440)))
    inside = [s for s in slots if start <= s.start and s.end <= end]
    assert free_slots(**scenario, start=start, end=end) == inside
