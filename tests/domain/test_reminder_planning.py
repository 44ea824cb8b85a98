"""Reminder planning: offsets, channels, quiet hours across zones and DST, late bookings, caps."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telesecond.domain.reminders import (
    DEFAULT_OFFSETS,
    ExistingSms,
    Offset,
    PatientPrefs,
    PlannedReminder,
    ReminderPolicy,
    channel_allowed,
    format_offset,
    parse_offsets,
    parse_quiet_hours,
    plan_reminders,
)

H = timedelta(hours=1)
D = timedelta(days=1)
BOTH = frozenset({"email", "sms"})
POLICY = ReminderPolicy(parse_offsets(DEFAULT_OFFSETS))


def at(zone: str, *parts: int) -> datetime:
    """A local wall-clock time in ``zone`` (first occurrence), as aware UTC."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def later(zone: str, *parts: int) -> datetime:
    """The *second* occurrence of a repeated local wall-clock time, as aware UTC."""
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=1).astimezone(UTC)


def prefs(zone: str = "Europe/Berlin", channels=BOTH, sms_allowed: bool = True) -> PatientPrefs:
    return PatientPrefs(timezone=zone, channels=frozenset(channels), sms_allowed=sms_allowed)


def policy(offsets: str = DEFAULT_OFFSETS, **changes) -> ReminderPolicy:
    return ReminderPolicy(parse_offsets(offsets), **changes)


def plan(start, booked_at, *, pol=POLICY, who=None, existing=()) -> list[tuple[str, str, datetime]]:
    """The plan as (channel, offset, due_at) tuples, easy to compare with an expected list."""
    planned = plan_reminders(
        start=start,
        booked_at=booked_at,
        policy=pol,
        prefs=who or prefs(),
        existing_sms=[ExistingSms(e) for e in existing],
    )
    for reminder in planned:
        assert reminder.due_at.utcoffset() == timedelta(0)
    return [(r.channel, format_offset(r.offset), r.due_at) for r in planned]


# --- the everyday case and channels -------------------------------------------------

START = at("Europe/Berlin", 2026, 4, 14, 15, 0)  # a Tuesday afternoon in Berlin


def test_default_offsets_booked_well_ahead():
    assert plan(START, START - 10 * D) == [
        ("email", "3d", START - 72 * H),
        ("email", "1d", START - 24 * H),
        ("sms", "1d", START - 24 * H),
        ("sms", "1h", START - H),
    ]


@pytest.mark.parametrize(
    ("channels", "sms_allowed", "expected"),
    [
        ({"email"}, True, [("email", "3d"), ("email", "1d")]),
        ({"sms"}, True, [("sms", "1d"), ("sms", "1h")]),
        ({"email", "sms"}, False, [("email", "3d"), ("email", "1d")]),  # no consent / opted out
        ({"sms"}, False, []),
        (set(), True, []),
    ],
)
def test_only_chosen_and_allowed_channels(channels, sms_allowed, expected):
    who = prefs(channels=channels, sms_allowed=sms_allowed)
    assert [(c, o) for c, o, _ in plan(START, START - 10 * D, who=who)] == expected


@pytest.mark.parametrize(
    ("channels", "sms_allowed", "email", "sms"),
    [
        ({"email", "sms"}, True, True, True),
        ({"email", "sms"}, False, True, False),
        ({"sms"}, True, False, True),
        ({"email"}, True, True, False),
        (set(), True, False, False),
    ],
)
def test_channel_allowed(channels, sms_allowed, email, sms):
    who = prefs(channels=channels, sms_allowed=sms_allowed)
    assert (channel_allowed("email", who), channel_allowed("sms", who)) == (email, sms)


def test_no_offsets_no_reminders():
    assert plan(START, START - 10 * D, pol=policy("")) == []


# --- quiet hours --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        ((20, 59), (2026, 4, 13, 20, 59)),
        ((21, 0), (2026, 4, 13, 21, 0)),  # the boundary itself is not quiet
        ((21, 1), (2026, 4, 13, 21, 0)),
        ((23, 59), (2026, 4, 13, 21, 0)),
        ((0, 0), (2026, 4, 13, 21, 0)),  # after midnight: the window opened the evening before
        ((7, 59), (2026, 4, 13, 21, 0)),
        ((8, 0), (2026, 4, 14, 8, 0)),  # nor is the end
    ],
)
def test_quiet_hours_boundaries(wall, expected):
    hour, minute = wall
    day = 13 if hour >= 12 else 14
    due = at("Europe/Berlin", 2026, 4, day, hour, minute)
    start = due + 2 * H
    result = plan(start, start - 10 * D, pol=policy("email:2h"))
    assert result == [("email", "2h", at("Europe/Berlin", *expected))]


def test_quiet_hours_that_do_not_wrap_midnight():
    pol = policy("email:2h", quiet_start=time(13), quiet_end=time(14))
    start = at("Europe/Berlin", 2026, 4, 14, 15, 30)
    assert plan(start, start - D, pol=pol) == [
        ("email", "2h", at("Europe/Berlin", 2026, 4, 14, 13, 0))
    ]


@pytest.mark.parametrize(
    ("zone", "start_local", "offsets", "expected_local"),
    [
        # Tokyo: a 07:30 consultation; 1 h before is 06:30, quiet -> 21:00 the evening before.
        ("Asia/Tokyo", (2026, 6, 10, 7, 30), "sms:1h", [(2026, 6, 9, 21, 0)]),
        ("Asia/Tokyo", (2026, 6, 10, 9, 0), "sms:1h", [(2026, 6, 10, 8, 0)]),
        # Los Angeles: 24 h before a 06:00 call is 06:00, quiet -> 21:00 two evenings before.
        ("America/Los_Angeles", (2026, 7, 1, 6, 0), "email:24h", [(2026, 6, 29, 21, 0)]),
        ("America/Los_Angeles", (2026, 7, 1, 23, 0), "email:1h", [(2026, 7, 1, 21, 0)]),
        # The same UTC instant is quiet in one zone and not in another.
        ("Europe/Berlin", (2026, 6, 10, 7, 30), "sms:1h", [(2026, 6, 9, 21, 0)]),
    ],
)
def test_quiet_hours_across_zones(zone, start_local, offsets, expected_local):
    start = at(zone, *start_local)
    got = plan(start, start - 10 * D, pol=policy(offsets), who=prefs(zone))
    assert [due for _, _, due in got] == [at(zone, *e) for e in expected_local]


@pytest.mark.parametrize(
    ("zone", "start", "offset", "due_before_shift", "expected"),
    [
        # New York springs forward 2026-03-08 02:00 EST -> 03:00 EDT: a 23-hour night.
        (
            "America/New_York",
            at("America/New_York", 2026, 3, 8, 9, 0),
            "sms:8h",
            at("America/New_York", 2026, 3, 8, 0, 0),
            at("America/New_York", 2026, 3, 7, 21, 0),
        ),
        (
            "America/New_York",
            at("America/New_York", 2026, 3, 8, 9, 0),
            "sms:5h",
            at("America/New_York", 2026, 3, 8, 4, 0),  # EDT already
            at("America/New_York", 2026, 3, 7, 21, 0),
        ),
        # ... and falls back 2026-11-01 02:00 EDT -> 01:00 EST: a 25-hour night.
        (
            "America/New_York",
            at("America/New_York", 2026, 11, 1, 9, 0),
            "sms:8h",
            later("America/New_York", 2026, 11, 1, 1, 0),  # the second 01:00 (EST)
            at("America/New_York", 2026, 10, 31, 21, 0),
        ),
        (
            "America/New_York",
            at("America/New_York", 2026, 11, 1, 9, 0),
            "sms:9h",
            at("America/New_York", 2026, 11, 1, 1, 0),  # the first 01:00 (EDT)
            at("America/New_York", 2026, 10, 31, 21, 0),
        ),
        # Berlin springs forward 2026-03-29 02:00 CET -> 03:00 CEST.
        (
            "Europe/Berlin",
            at("Europe/Berlin", 2026, 3, 29, 10, 0),
            "sms:8h",
            at("Europe/Berlin", 2026, 3, 29, 1, 0),
            at("Europe/Berlin", 2026, 3, 28, 21, 0),
        ),
        # ... and falls back 2026-10-25 03:00 CEST -> 02:00 CET.
        (
            "Europe/Berlin",
            at("Europe/Berlin", 2026, 10, 25, 10, 0),
            "sms:8h",
            later("Europe/Berlin", 2026, 10, 25, 2, 0),
            at("Europe/Berlin", 2026, 10, 24, 21, 0),
        ),
    ],
)
def test_quiet_hours_on_dst_nights(zone, start, offset, due_before_shift, expected):
    before = parse_offsets(offset)[0].before
    assert start - before == due_before_shift  # the case is what it says it is
    got = plan(start, start - 10 * D, pol=policy(offset), who=prefs(zone))
    assert got == [("sms", format_offset(before), expected)]
    assert expected.astimezone(ZoneInfo(zone)).time() == time(21, 0)


def test_quiet_hours_opening_in_a_skipped_hour_open_at_the_edge_before_it():
    # Quiet from 02:30, which does not exist on 2026-03-08 in New York: 02:30 read in
    # the new offset (EDT) is 01:30 EST, before the jump and not quiet.
    pol = policy("sms:4h", quiet_start=time(2, 30), quiet_end=time(8))
    start = at("America/New_York", 2026, 3, 8, 9, 0)
    assert plan(start, start - 10 * D, pol=pol, who=prefs("America/New_York")) == [
        ("sms", "4h", datetime(2026, 3, 8, 6, 30, tzinfo=UTC))  # 01:30 EST
    ]


def test_quiet_hours_opening_in_a_repeated_hour_open_at_its_first_occurrence():
    pol = policy("sms:4h", quiet_start=time(1, 30), quiet_end=time(8))
    start = at("America/New_York", 2026, 11, 1, 9, 0)
    assert plan(start, start - 10 * D, pol=pol, who=prefs("America/New_York")) == [
        ("sms", "4h", datetime(2026, 11, 1, 5, 30, tzinfo=UTC))  # 01:30 EDT
    ]


def test_reminders_shifted_to_the_same_minute_collapse():
    start = at("Europe/Berlin", 2026, 4, 14, 7, 0)
    assert plan(start, start - 10 * D, pol=policy("email:2h,email:3h")) == [
        ("email", "2h", at("Europe/Berlin", 2026, 4, 13, 21, 0))
    ]


# --- late bookings ------------------------------------------------------------------


def test_booked_30_minutes_ahead_sends_one_of_each_at_once():
    booked = START - timedelta(minutes=30)
    assert plan(START, booked) == [("email", "1d", booked), ("sms", "1h", booked)]


def test_booked_two_days_ahead():
    booked = START - 48 * H
    assert plan(START, booked) == [
        ("email", "3d", booked),  # the only passed email: sent at once
        ("email", "1d", START - 24 * H),
        ("sms", "1d", START - 24 * H),
        ("sms", "1h", START - H),
    ]


def test_late_send_at_once_may_fall_in_quiet_hours():
    # Booked at 22:00 for 06:00 the next morning: the 1 h SMS would be 05:00, moved to
    # 21:00 which has passed, so it goes at once, while the patient is awake and booking.
    booked = at("Europe/Berlin", 2026, 4, 13, 22, 0)
    start = at("Europe/Berlin", 2026, 4, 14, 6, 0)
    assert plan(start, booked) == [("email", "1d", booked), ("sms", "1h", booked)]


@pytest.mark.parametrize("lead", [timedelta(0), -H])
def test_nothing_at_or_after_the_start(lead):
    assert plan(START, START - lead) == []


def test_due_exactly_at_booking_is_not_late():
    booked = START - 24 * H
    assert plan(START, booked, pol=policy("email:72h,email:24h")) == [("email", "1d", booked)]


# --- SMS caps -----------------------------------------------------------------------


def test_daily_cap_keeps_the_sms_closest_to_the_start():
    # Booked at noon for 15:00: the 24 h SMS (at once) and the 1 h SMS fall on the
    # same local day; only the 1 h one, with the join link, is kept.
    booked = at("Europe/Berlin", 2026, 4, 14, 12, 0)
    assert plan(START, booked) == [("email", "1d", booked), ("sms", "1h", START - H)]


def test_daily_cap_after_a_quiet_hours_shift():
    # Booked 10:00 for 06:00 next day: 24 h SMS at once (10:00), 1 h SMS 05:00 -> 21:00
    # the same day. One SMS a day: the 21:00 one stays.
    booked = at("Europe/Berlin", 2026, 4, 13, 10, 0)
    start = at("Europe/Berlin", 2026, 4, 14, 6, 0)
    assert plan(start, booked) == [
        ("email", "1d", booked),
        ("sms", "1h", at("Europe/Berlin", 2026, 4, 13, 21, 0)),
    ]


def test_daily_cap_counts_existing_sms_by_local_day():
    # 01:00 in Tokyo on 10 June is still 9 June in UTC; it is the same local day as
    # a 1 h reminder for 10:00 on 10 June.
    start = at("Asia/Tokyo", 2026, 6, 10, 10, 0)
    existing = [datetime(2026, 6, 9, 16, 0, tzinfo=UTC)]
    assert existing[0].astimezone(ZoneInfo("Asia/Tokyo")).day == 10
    got = plan(start, start - 10 * D, who=prefs("Asia/Tokyo", {"sms"}), existing=existing)
    assert got == [("sms", "1d", start - 24 * H)]


def test_caps_can_be_raised():
    booked = at("Europe/Berlin", 2026, 4, 14, 12, 0)
    pol = policy(sms_per_day=2)
    assert plan(START, booked, pol=pol) == [
        ("email", "1d", booked),
        ("sms", "1d", booked),
        ("sms", "1h", START - H),
    ]


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        # Three in the week before: neither fits.
        ([(5, 14, 10), (5, 16, 10), (5, 18, 10)], []),
        # Two: the 1 h SMS fits (3 in 16 May-23 May), the 24 h one would be a fourth.
        ([(5, 16, 10), (5, 18, 10)], ["1h"]),
        # Old enough to have left the rolling window of either.
        ([(5, 12, 10), (5, 13, 10)], ["1d", "1h"]),
        # One just inside the window of the 1 h SMS (7 days minus a minute before it).
        ([(5, 12, 10), (5, 13, 11, 1), (5, 15, 10)], ["1h"]),
        ([(5, 13, 11, 1), (5, 15, 10), (5, 17, 10)], []),
        # Exactly 7 days before it is outside: windows are half-open.
        ([(5, 13, 11, 0), (5, 15, 10), (5, 17, 10)], ["1h"]),
    ],
)
def test_weekly_cap_is_rolling_and_counts_existing_sms(existing, expected):
    start = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
    points = [datetime(2026, m, d, h, *rest, tzinfo=UTC) for m, d, h, *rest in existing]
    got = plan(start, start - 10 * D, who=prefs(channels={"sms"}), existing=points)
    assert [offset for _, offset, _ in got] == expected


# --- parsing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            DEFAULT_OFFSETS,
            (
                Offset("email", 72 * H),
                Offset("email", 24 * H),
                Offset("sms", 24 * H),
                Offset("sms", H),
            ),
        ),
        (" EMAIL : 3D , sms:90M ", (Offset("email", 3 * D), Offset("sms", timedelta(minutes=90)))),
        ("sms:1h30m", (Offset("sms", timedelta(minutes=90)),)),
        ("", ()),
        ("  ", ()),
    ],
)
def test_parse_offsets(text, expected):
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("email", "channel:duration"),
        ("fax:1h", "unknown channel"),
        ("email:", "duration"),
        ("email:1x", "duration"),
        ("email:1.5h", "duration"),
        ("email:-1h", "duration"),
        ("email:h", "duration"),
        ("email:0h", "more than 0"),
        ("email:367d", "366 days"),
        ("email:9999999h", "duration"),
        ("email:1h,,sms:1h", "empty entry"),
        ("email:1h,", "empty entry"),
        ("email:1h,email:60m", "twice"),
    ],
)
def test_parse_offsets_refuses_bad_input(text, message):
    with pytest.raises(ValueError, match=message):
        parse_offsets(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:00-08:00", (time(21), time(8))),
        (" 22:30 - 7:15 ", (time(22, 30), time(7, 15))),
        ("13:00-14:00", (time(13), time(14))),
    ],
)
def test_parse_quiet_hours(text, expected):
    assert parse_quiet_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "HH:MM-HH:MM"),
        ("21-08", "HH:MM-HH:MM"),
        ("21:00–08:00", "HH:MM-HH:MM"),  # an en dash
        ("21:00-08:00-09:00", "HH:MM-HH:MM"),
        ("24:00-08:00", "00:00 to 23:59"),
        ("21:60-08:00", "00:00 to 23:59"),
        ("21:00-21:00", "differ"),
    ],
)
def test_parse_quiet_hours_refuses_bad_input(text, message):
    with pytest.raises(ValueError, match=message):
        parse_quiet_hours(text)


@pytest.mark.parametrize(
    ("before", "text"),
    [(H, "1h"), (3 * D, "3d"), (timedelta(minutes=90), "90m"), (25 * H, "25h")],
)
def test_format_offset_round_trips(before, text):
    assert format_offset(before) == text
    assert parse_offsets(f"sms:{text}") == (Offset("sms", before),)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="aware"):
        plan_reminders(
            start=datetime(2026, 4, 14, 13), booked_at=START, policy=POLICY, prefs=prefs()
        )
    with pytest.raises(ValueError, match="time zone"):
        plan(START, START - D, who=prefs("Mars/Olympus"))
    with pytest.raises(ValueError, match="channels"):
        prefs(channels={"email", "fax"})
    with pytest.raises(ValueError, match="differ"):
        policy(quiet_start=time(8), quiet_end=time(8))
    with pytest.raises(ValueError, match="negative"):
        policy(sms_per_week=-1)
    with pytest.raises(ValueError, match="positive"):
        Offset("sms", timedelta(0))


# --- properties -----------------------------------------------------------------------

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "UTC"]
minutes = st.integers(min_value=0, max_value=24 * 60 - 1).map(lambda m: time(m // 60, m % 60))


def quiet(instant: datetime, zone: str, start: time, end: time) -> bool:
    """The spec, written out: the open local interval (start, end), wrapping midnight."""
    wall = instant.astimezone(ZoneInfo(zone)).time()
    return start < wall < end if start < end else (wall > start or wall < end)


@st.composite
def scenarios(draw):
    start = draw(
        st.datetimes(
            min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
        )
    ).replace(second=0, microsecond=0)
    booked_at = start - timedelta(minutes=draw(st.integers(0, 12 * 24 * 60)))
    offsets = draw(
        st.lists(
            st.builds(
                Offset,
                st.sampled_from(["email", "sms"]),
                st.integers(1, 8 * 24 * 60).map(lambda m: timedelta(minutes=m)),
            ),
            max_size=6,
            unique=True,
        )
    )
    quiet_start = draw(minutes)
    quiet_end = draw(minutes.filter(lambda t: t != quiet_start))
    pol = ReminderPolicy(
        tuple(offsets),
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        sms_per_day=draw(st.integers(0, 3)),
        sms_per_week=draw(st.integers(0, 5)),
    )
    who = PatientPrefs(
        timezone=draw(st.sampled_from(ZONES)),
        channels=frozenset(draw(st.sets(st.sampled_from(["email", "sms"])))),
        sms_allowed=draw(st.booleans()),
    )
    existing = draw(
        st.lists(
            st.integers(-12 * 24 * 60, 12 * 24 * 60).map(lambda m: start + timedelta(minutes=m)),
            max_size=5,
        )
    )
    return start, booked_at, pol, who, existing


def run(start, booked_at, pol, who, existing) -> list[PlannedReminder]:
    return plan_reminders(
        start=start,
        booked_at=booked_at,
        policy=pol,
        prefs=who,
        existing_sms=[ExistingSms(e) for e in existing],
    )


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_plan_invariants(scenario):
    start, booked_at, pol, who, existing = scenario
    planned = run(*scenario)
    zone = ZoneInfo(who.timezone)

    assert planned == sorted(planned, key=lambda r: (r.due_at, r.channel))
    assert len({(r.channel, r.due_at) for r in planned}) == len(planned)
    for r in planned:
        assert booked_at <= r.due_at < start
        assert r.channel in who.channels
        assert r.channel != "sms" or who.sms_allowed
        assert Offset(r.channel, r.offset) in pol.offsets  # type: ignore[arg-type]
        assert r.due_at <= start - r.offset or r.due_at == booked_at
        if r.due_at != booked_at:
            # Never in quiet hours, except the immediate "at once" send.
            assert not quiet(r.due_at, who.timezone, pol.quiet_start, pol.quiet_end)
    at_once = [r.channel for r in planned if r.due_at == booked_at]
    assert len(at_once) == len(set(at_once))

    sms = [r.due_at for r in planned if r.channel == "sms"]
    every = sorted([*existing, *sms])
    for due in sms:
        day = due.astimezone(zone).date()
        assert sum(t.astimezone(zone).date() == day for t in every) <= pol.sms_per_day
        for opens in every:
            if opens <= due < opens + timedelta(days=7):
                in_window = sum(opens <= t < opens + timedelta(days=7) for t in every)
                assert in_window <= pol.sms_per_week


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_plan_is_complete_without_caps(scenario):
    start, booked_at, pol, who, _ = scenario
    pol = ReminderPolicy(
        pol.offsets, pol.quiet_start, pol.quiet_end, sms_per_day=99, sms_per_week=99
    )
    planned = run(start, booked_at, pol, who, [])
    if booked_at == start:
        assert planned == []
        return
    got = {(r.channel, r.offset, r.due_at) for r in planned}
    for offset in pol.offsets:
        allowed = offset.channel in who.channels and (offset.channel != "sms" or who.sms_allowed)
        due = start - offset.before
        if not allowed:
            continue
        if booked_at <= due and not quiet(due, who.timezone, pol.quiet_start, pol.quiet_end):
            # Untouched by any rule: sent exactly when the offset says (unless a
            # closer offset of the same channel landed on the same minute).
            assert (offset.channel, offset.before, due) in got or any(
                r.channel == offset.channel and r.due_at == due and r.offset < offset.before
                for r in planned
            )
        if due < booked_at:
            # A passed reminder means something of that channel goes at once.
            assert any(r.channel == offset.channel and r.due_at == booked_at for r in planned)
