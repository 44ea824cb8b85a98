"""Reading busy time out of ICS bodies: recurrences, exceptions, zones, all-day, DST."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telesecond.domain.busy_events import CalendarUnreadable, busy_intervals
from tests.scheduling.busy_calendars.ics import calendar, event

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday; Berlin is UTC+1 until 29 March
END = datetime(2026, 5, 1, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def spans(body: bytes, zone: str = "Europe/Berlin", **window) -> list[tuple[datetime, datetime]]:
    found = busy_intervals(
        body, start=window.get("start", START), end=window.get("end", END), timezone=zone
    )
    return [(i.start, i.end) for i in found]


def test_weekly_series_with_exdate_moved_and_cancelled_occurrences_across_dst():
    body = calendar(
        event(
            "rota",
            "DTSTART;TZID=Europe/Berlin:20260302T140000",
            "DTEND;TZID=Europe/Berlin:20260302T150000",
            "RRULE:FREQ=WEEKLY;COUNT=6",
            "EXDATE;TZID=Europe/Berlin:20260309T140000",
        ),
        event(  # 16 March moved to Tuesday morning
            "rota",
            "RECURRENCE-ID;TZID=Europe/Berlin:20260316T140000",
            "DTSTART;TZID=Europe/Berlin:20260317T100000",
            "DTEND;TZID=Europe/Berlin:20260317T110000",
        ),
        event(  # 23 March called off
            "rota",
            "RECURRENCE-ID;TZID=Europe/Berlin:20260323T140000",
            "DTSTART;TZID=Europe/Berlin:20260323T140000",
            "DTEND;TZID=Europe/Berlin:20260323T150000",
            "STATUS:CANCELLED",
        ),
    )
    assert spans(body) == [
        (utc(2026, 3, 2, 13), utc(2026, 3, 2, 14)),
        (utc(2026, 3, 17, 9), utc(2026, 3, 17, 10)),
        # Summer time from 29 March: 14:00 in Berlin is now 12:00 UTC.
        (utc(2026, 3, 30, 12), utc(2026, 3, 30, 13)),
        (utc(2026, 4, 6, 12), utc(2026, 4, 6, 13)),
    ]


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/Berlin", (utc(2026, 3, 9, 23), utc(2026, 3, 10, 23))),
        ("America/Los_Angeles", (utc(2026, 3, 10, 7), utc(2026, 3, 11, 7))),
        ("Asia/Kolkata", (datetime(2026, 3, 9, 18, 30, tzinfo=UTC), utc(2026, 3, 10, 18, 30))),
    ],
)
def test_an_all_day_event_blocks_the_whole_local_day_of_the_specialist(zone, expected):
    body = calendar(event("day", "DTSTART;VALUE=DATE:20260310", "DTEND;VALUE=DATE:20260311"))
    assert spans(body, zone) == [expected]


def test_all_day_events_on_the_dst_day_and_over_several_days():
    body = calendar(
        event("change", "DTSTART;VALUE=DATE:20260329", "DTEND;VALUE=DATE:20260330"),
        event("trip", "DTSTART;VALUE=DATE:20260312", "DTEND;VALUE=DATE:20260314"),
        event("no-end", "DTSTART;VALUE=DATE:20260401"),  # a DATE without DTEND lasts a day
    )
    assert spans(body) == [
        (utc(2026, 3, 11, 23), utc(2026, 3, 13, 23)),
        (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),  # 23 hours: the clocks go forward
        (utc(2026, 3, 31, 22), utc(2026, 4, 1, 22)),
    ]


def test_events_in_other_zones_keep_their_instants():
    body = calendar(
        event(
            "ny",
            "DTSTART;TZID=America/New_York:20260310T090000",
            "DTEND;TZID=America/New_York:20260310T100000",
        ),
        event(
            "tokyo",
            "DTSTART;TZID=Asia/Tokyo:20260311T090000",
            "DTEND;TZID=Asia/Tokyo:20260311T093000",
        ),
        event("utc", "DTSTART:20260312T160000Z", "DTEND:20260312T170000Z"),
    )
    assert spans(body) == [
        (utc(2026, 3, 10, 13), utc(2026, 3, 10, 14)),  # New York is already on EDT
        (utc(2026, 3, 11, 0), datetime(2026, 3, 11, 0, 30, tzinfo=UTC)),
        (utc(2026, 3, 12, 16), utc(2026, 3, 12, 17)),
    ]


def test_outlook_windows_zone_names_are_read_from_their_vtimezone():
    vtimezone = (
        "BEGIN:VTIMEZONE",
        "TZID:W. Europe Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16010101T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    )
    tz = "TZID=W. Europe Standard Time"
    body = calendar(
        event("winter", f"DTSTART;{tz}:20260310T090000", f"DTEND;{tz}:20260310T100000"),
        event("summer", f"DTSTART;{tz}:20260401T090000", f"DTEND;{tz}:20260401T100000"),
        extra=vtimezone,
    )
    assert spans(body, "America/New_York") == [
        (utc(2026, 3, 10, 8), utc(2026, 3, 10, 9)),
        (utc(2026, 4, 1, 7), utc(2026, 4, 1, 8)),
    ]


def test_a_daily_series_keeps_its_wall_clock_time_through_the_us_dst_week():
    body = calendar(
        event(
            "standup",
            "DTSTART;TZID=America/New_York:20260305T090000",
            "DTEND;TZID=America/New_York:20260305T093000",
            "RRULE:FREQ=DAILY;UNTIL=20260310T235959Z",
        )
    )
    starts = [s for s, _ in spans(body, "Europe/Berlin")]
    assert starts == [
        utc(2026, 3, 5, 14),
        utc(2026, 3, 6, 14),
        utc(2026, 3, 7, 14),
        utc(2026, 3, 8, 13),  # EDT from 8 March: 09:00 is an hour earlier in UTC
        utc(2026, 3, 9, 13),
        utc(2026, 3, 10, 13),
    ]


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Europe/Berlin", utc(2026, 3, 11, 9)),
        ("Asia/Kolkata", datetime(2026, 3, 11, 4, 30, tzinfo=UTC)),
        ("America/New_York", utc(2026, 3, 11, 14)),
    ],
)
def test_floating_times_are_read_in_the_specialists_zone(zone, start):
    body = calendar(event("float", "DTSTART:20260311T100000", "DTEND:20260311T110000"))
    assert spans(body, zone) == [(start, start.replace(hour=start.hour + 1))]


def test_free_and_cancelled_events_do_not_block_but_tentative_ones_do():
    body = calendar(
        event("free", "DTSTART:20260310T100000Z", "DTEND:20260310T110000Z", "TRANSP:TRANSPARENT"),
        event("off", "DTSTART:20260310T120000Z", "DTEND:20260310T130000Z", "STATUS:CANCELLED"),
        event(
            "outlook-free",
            "DTSTART:20260310T140000Z",
            "DTEND:20260310T150000Z",
            "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
        ),
        event("maybe", "DTSTART:20260311T100000Z", "DTEND:20260311T110000Z", "STATUS:TENTATIVE"),
        event("busy", "DTSTART:20260312T100000Z", "DTEND:20260312T110000Z", "TRANSP:OPAQUE"),
    )
    assert spans(body) == [
        (utc(2026, 3, 11, 10), utc(2026, 3, 11, 11)),
        (utc(2026, 3, 12, 10), utc(2026, 3, 12, 11)),
    ]


def test_overlapping_and_touching_events_merge_and_the_window_clips():
    body = calendar(
        event("a", "DTSTART:20260310T100000Z", "DTEND:20260310T110000Z"),
        event("b", "DTSTART:20260310T103000Z", "DTEND:20260310T120000Z"),
        event("c", "DTSTART:20260310T120000Z", "DTEND:20260310T130000Z"),
        event("d", "DTSTART:20260310T150000Z", "DTEND:20260310T160000Z"),
        event("running", "DTSTART:20260302T080000Z", "DTEND:20260302T100000Z"),
        event("past", "DTSTART:20260301T080000Z", "DTEND:20260301T100000Z"),
        event("beyond", "DTSTART:20260601T080000Z", "DTEND:20260601T100000Z"),
        event("instant", "DTSTART:20260313T080000Z", "DTEND:20260313T080000Z"),
    )
    assert spans(body) == [
        (START, utc(2026, 3, 2, 10)),
        (utc(2026, 3, 10, 10), utc(2026, 3, 10, 13)),
        (utc(2026, 3, 10, 15), utc(2026, 3, 10, 16)),
    ]


def test_an_empty_calendar_has_no_busy_time():
    assert spans(calendar()) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!doctype html><title>Sign in</title>", "did not return a calendar"),
        (b"", "did not return a calendar"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260310T100000Z\r\n", "incomplete"),
        (
            calendar(event("x", "DTSTART:20260310T100000Z", "RRULE:FREQ=MINUTELY")),
            "every second or minute",
        ),
    ],
)
def test_unreadable_bodies_are_refused_in_plain_words(body, message):
    with pytest.raises(CalendarUnreadable, match=message):
        spans(body)


def test_a_calendar_that_expands_past_the_limit_is_refused():
    body = calendar(
        event("x", "DTSTART:20260303T100000Z", "DTEND:20260303T101500Z", "RRULE:FREQ=HOURLY")
    )
    with pytest.raises(CalendarUnreadable, match="more than 100 events"):
        busy_intervals(body, start=START, end=END, timezone="UTC", max_occurrences=100)
    # Within the limit the same series is fine.
    found = busy_intervals(body, start=START, end=utc(2026, 3, 4), timezone="UTC")
    assert len(found) == 14 and found[0].start == utc(2026, 3, 3, 10)


def test_a_damaged_file_is_refused_without_quoting_its_content():
    body = calendar(
        event("x", "DTSTART:notadate", "DTEND:20260310T110000Z", "SUMMARY:Chemo for Jane Roe")
    )
    with pytest.raises(CalendarUnreadable, match="damaged") as raised:
        spans(body)
    assert "Jane" not in str(raised.value)


def test_a_broken_event_among_good_ones_is_skipped():
    body = calendar(
        event("bad", "DTSTART:notadate", "DTEND:20260310T110000Z"),
        event("good", "DTSTART:20260311T100000Z", "DTEND:20260311T110000Z"),
    )
    assert spans(body) == [(utc(2026, 3, 11, 10), utc(2026, 3, 11, 11))]
