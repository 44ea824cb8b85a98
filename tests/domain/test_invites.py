"""Invites and feeds, read back with icalendar and with an independent parser (vobject)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
import vobject.icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from telesecond.domain.invites import (
    PRODID,
    InviteTexts,
    InviteView,
    Person,
    build_feed,
    build_invite,
    doctor_name,
    event_summary,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ADA = Person("Ada Lovelace", "ada@clinic.example")
ZOE = Person("Zoë Müller-Lüdenscheidt", "zoe@patients.example")


@pytest.fixture
def make_view():
    """A factory of InviteViews: a test states only the fields that matter to it."""

    def make(**overrides) -> InviteView:
        cid = overrides.pop("consultation_id", 42)
        start = overrides.pop("start", datetime(2026, 4, 14, 13, 0, tzinfo=UTC))
        fields = {
            "consultation_id": cid,
            "uid_host": "telesecond.example",
            "start": start,
            "end": start + timedelta(minutes=45),
            "sequence": 0,
            "status": "confirmed",
            "organizer_email": "appointments@telesecond.example",
            "specialist": ADA,
            "patient": ZOE,
            "join_url": f"https://telesecond.example/consultations/{cid}/join",
            "manage_url": f"https://telesecond.example/consultations/{cid}",
        }
        fields.update(overrides)
        return InviteView(**fields)

    return make


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.events
    return event


def vparse(data: bytes):
    """Parse with vobject, resolving TZIDs from *this* document's VTIMEZONEs.

    vobject keeps a process-wide TZID cache in which the first VTIMEZONE seen for a
    name wins; empty it so each document is judged by what it carries itself.
    """
    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    return vobject.readOne(data.decode("utf-8"))


def vevents(vcal) -> list:
    return list(vcal.contents.get("vevent", []))


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def unfolded_lines(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


# --- the whole message, field by field --------------------------------------------


def test_request_fields_with_icalendar(make_view):
    view = make_view(sequence=3)
    calendar = parse(build_invite(view, method="REQUEST", now=NOW))

    assert calendar["PRODID"] == PRODID == "-//telesecond//telesecond//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "REQUEST"
    assert "UID" not in calendar  # no random calendar UID: output depends on inputs only
    assert calendar.timezones == []
    event = only_event(calendar)
    assert event["UID"] == "consultation-42@telesecond.example"
    assert event.DTSTAMP == NOW
    assert event.start == datetime(2026, 4, 14, 13, 0, tzinfo=UTC)
    assert event.end == datetime(2026, 4, 14, 13, 45, tzinfo=UTC)
    assert event.sequence == 3
    assert event["STATUS"] == "CONFIRMED"
    assert event["TRANSP"] == "OPAQUE"
    assert event["CLASS"] == "PRIVATE"
    assert event["SUMMARY"] == "Video consultation with Dr Ada Lovelace"
    assert event["URL"] == "https://telesecond.example/consultations/42/join"

    organizer = event["ORGANIZER"]
    assert organizer == "mailto:appointments@telesecond.example"
    assert organizer.params["CN"] == "Dr Ada Lovelace via telesecond"

    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {"mailto:zoe@patients.example", "mailto:ada@clinic.example"}
    assert attendees["mailto:zoe@patients.example"]["CN"] == "Zoë Müller-Lüdenscheidt"
    assert attendees["mailto:ada@clinic.example"]["CN"] == "Ada Lovelace"
    for params in attendees.values():
        assert params["ROLE"] == "REQ-PARTICIPANT"
        assert params["PARTSTAT"] == "NEEDS-ACTION"
        assert params["RSVP"] == "FALSE"

    description = str(event["DESCRIPTION"])
    assert "https://telesecond.example/consultations/42/join" in description
    assert "https://telesecond.example/consultations/42\n" in description
    assert "details of the consultation are in your telesecond account" in description

    (alarm,) = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm["TRIGGER"].dt == timedelta(minutes=-15)
    assert alarm["DESCRIPTION"] == "Video consultation with Dr Ada Lovelace"


def test_request_fields_with_vobject(make_view):
    view = make_view(sequence=3)
    vcal = vparse(build_invite(view, method="REQUEST", now=NOW))

    assert vcal.prodid.value == PRODID
    assert vcal.version.value == "2.0"
    assert vcal.method.value == "REQUEST"
    (event,) = vevents(vcal)
    assert event.uid.value == "consultation-42@telesecond.example"
    assert event.dtstamp.value == NOW
    assert event.dtstart.value == datetime(2026, 4, 14, 13, 0, tzinfo=UTC)
    assert event.dtend.value == datetime(2026, 4, 14, 13, 45, tzinfo=UTC)
    assert event.sequence.value == "3"
    assert event.status.value == "CONFIRMED"
    assert event.transp.value == "OPAQUE"
    assert event.summary.value == "Video consultation with Dr Ada Lovelace"
    assert event.url.value == view.join_url
    assert event.organizer.value == "mailto:appointments@telesecond.example"
    assert event.organizer.params["CN"] == ["Dr Ada Lovelace via telesecond"]
    by_address = {a.value: a.params for a in event.attendee_list}
    assert by_address["mailto:zoe@patients.example"]["CN"] == ["Zoë Müller-Lüdenscheidt"]
    assert by_address["mailto:ada@clinic.example"]["PARTSTAT"] == ["NEEDS-ACTION"]
    assert by_address["mailto:ada@clinic.example"]["RSVP"] == ["FALSE"]
    assert event.valarm.trigger.value == timedelta(minutes=-15)
    assert event.valarm.action.value == "DISPLAY"


def test_reschedule_keeps_uid_and_raises_sequence(make_view):
    first = make_view(sequence=0)
    moved = dataclasses.replace(
        first, start=first.start + timedelta(days=2), end=first.end + timedelta(days=2), sequence=1
    )
    a = build_invite(first, method="REQUEST", now=NOW)
    b = build_invite(moved, method="REQUEST", now=NOW + timedelta(hours=1))

    ev_a, ev_b = only_event(parse(a)), only_event(parse(b))
    assert ev_a["UID"] == ev_b["UID"] == "consultation-42@telesecond.example"
    assert ev_b.sequence == ev_a.sequence + 1
    assert ev_b.start - ev_a.start == timedelta(days=2)
    assert ev_b.DTSTAMP > ev_a.DTSTAMP

    (va,) = vevents(vparse(a))
    (vb,) = vevents(vparse(b))
    assert va.uid.value == vb.uid.value
    assert int(vb.sequence.value) > int(va.sequence.value)
    assert vb.dtstart.value == datetime(2026, 4, 16, 13, 0, tzinfo=UTC)


def test_cancel(make_view):
    view = make_view(sequence=2, status="cancelled")
    data = build_invite(view, method="CANCEL", now=NOW)
    calendar = parse(data)
    assert calendar["METHOD"] == "CANCEL"
    event = only_event(calendar)
    assert event["STATUS"] == "CANCELLED"
    assert event.sequence == 2
    assert event["UID"] == "consultation-42@telesecond.example"
    assert event.walk("VALARM") == []
    assert "LOCATION" not in event
    assert event["URL"] == view.manage_url  # no join link for a call that will not happen
    assert view.join_url not in str(event["DESCRIPTION"])
    assert "cancelled" in str(event["DESCRIPTION"])
    # iTIP CANCEL names the attendees who are cancelled; no PARTSTAT is requested.
    attendees = event["ATTENDEE"]
    assert {str(a) for a in attendees} == {
        "mailto:zoe@patients.example",
        "mailto:ada@clinic.example",
    }
    assert all("PARTSTAT" not in a.params for a in attendees)

    vcal = vparse(data)
    assert vcal.method.value == "CANCEL"
    (event,) = vevents(vcal)
    assert event.status.value == "CANCELLED"
    assert event.sequence.value == "2"
    assert "valarm" not in event.contents


def test_cancel_of_a_view_still_marked_confirmed_is_cancelled(make_view):
    event = only_event(parse(build_invite(make_view(), method="CANCEL", now=NOW)))
    assert event["STATUS"] == "CANCELLED"


def test_request_for_a_cancelled_consultation_is_refused(make_view):
    with pytest.raises(ValueError, match="CANCEL"):
        build_invite(make_view(status="cancelled"), method="REQUEST", now=NOW)


def test_output_is_deterministic(make_view):
    view = make_view(timezone="Europe/Berlin")
    assert build_invite(view, method="REQUEST", now=NOW) == build_invite(
        view, method="REQUEST", now=NOW
    )


# --- no health information ----------------------------------------------------------


def test_view_has_no_room_for_health_information():
    names = {f.name for f in dataclasses.fields(InviteView)}
    assert names == {
        "consultation_id",
        "uid_host",
        "start",
        "end",
        "sequence",
        "status",
        "organizer_email",
        "specialist",
        "patient",
        "join_url",
        "manage_url",
        "organisation",
        "timezone",
        "texts",  # the invite's fixed words in the reader's language (InviteTexts)
        "viewer",  # "patient" or "specialist": whose calendar, so whose name is the title
    }
    assert {f.name for f in dataclasses.fields(InviteTexts)} == {
        "summary",
        "summary_for_specialist",
        "cancelled",
        "bookings",
        "join",
        "manage",
        "details",
        "organizer",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", "Video consultation with Dr Ada Lovelace"),
        ("Dr Ada Lovelace", "Video consultation with Dr Ada Lovelace"),
        ("dr. Ada Lovelace", "Video consultation with dr. Ada Lovelace"),
        ("Prof. Ada Lovelace", "Video consultation with Prof. Ada Lovelace"),
        ("Drake Ramoray", "Video consultation with Dr Drake Ramoray"),
        ("  Ada \n Lovelace ", "Video consultation with Dr Ada Lovelace"),
    ],
)
def test_summary(make_view, name, expected):
    view = make_view(specialist=Person(name, "s@clinic.example"))
    assert event_summary(view) == expected
    event = only_event(parse(build_invite(view, method="REQUEST", now=NOW)))
    assert event["SUMMARY"] == expected


def test_the_specialists_calendar_names_the_patient(make_view):
    view = make_view(viewer="specialist", patient=Person(" Zoe \n Quinn ", "z@patients.example"))
    assert event_summary(view) == "Video consultation with Zoe Quinn"
    event = only_event(parse(build_invite(view, method="PUBLISH", now=NOW)))
    assert event["SUMMARY"] == "Video consultation with Zoe Quinn"
    assert event.walk("VALARM")[0]["DESCRIPTION"] == "Video consultation with Zoe Quinn"
    # A patient called "Dr…" is not given the specialist's title treatment either way.
    assert "Dr" not in event_summary(make_view(viewer="specialist"))


def test_an_unknown_viewer_is_refused(make_view):
    with pytest.raises(ValueError, match="viewer"):
        make_view(viewer="admin")


def test_doctor_name_keeps_existing_title():
    assert doctor_name("Doctor Who") == "Doctor Who"
    assert doctor_name("Professor Ada Lovelace") == "Professor Ada Lovelace"


def test_names_cannot_inject_properties(make_view):
    evil = Person('Eve"\r\nX-EVIL:1\r\nSUMMARY:Diagnosis: cancer', "eve@patients.example")
    data = build_invite(make_view(patient=evil), method="REQUEST", now=NOW)
    lines = unfolded_lines(data)
    assert not any(line.startswith(("X-EVIL", "SUMMARY:Diagnosis")) for line in lines)
    event = only_event(parse(data))
    assert event["SUMMARY"] == "Video consultation with Dr Ada Lovelace"
    assert "X-EVIL" not in event


# --- time zones and DST -------------------------------------------------------------

DST_CASES = [
    # Europe/Berlin springs forward 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC).
    ("Europe/Berlin", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "20260329T013000"),
    ("Europe/Berlin", datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "20260329T030000"),
    # ... and falls back 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC).
    ("Europe/Berlin", datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "20261025T023000"),
    ("Europe/Berlin", datetime(2026, 10, 25, 1, 30, tzinfo=UTC), None),  # repeated hour
    # America/New_York falls back 2026-11-01 02:00 EDT -> 01:00 EST (06:00 UTC).
    ("America/New_York", datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "20261101T013000"),
    ("America/New_York", datetime(2026, 11, 1, 6, 30, tzinfo=UTC), None),  # repeated hour
    ("America/New_York", datetime(2026, 11, 1, 7, 0, tzinfo=UTC), "20261101T020000"),
    # ... and springs forward 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC).
    ("America/New_York", datetime(2026, 3, 8, 6, 30, tzinfo=UTC), "20260308T013000"),
    ("America/New_York", datetime(2026, 3, 8, 7, 0, tzinfo=UTC), "20260308T030000"),
    # A zone whose winter offset equals UTC must not be mistaken for UTC.
    ("Europe/London", datetime(2026, 10, 25, 0, 59, tzinfo=UTC), "20261025T015900"),
    ("Europe/London", datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "20260701T130000"),
]


@pytest.mark.parametrize(("zone", "start", "local"), DST_CASES)
def test_dst_day_in_utc(make_view, zone, start, local):
    data = build_invite(make_view(start=start), method="REQUEST", now=NOW)
    assert f"DTSTART:{start.strftime('%Y%m%dT%H%M%S')}Z" in unfolded_lines(data)
    assert b"VTIMEZONE" not in data
    assert only_event(parse(data)).start == start
    (event,) = vevents(vparse(data))
    assert event.dtstart.value == start
    assert event.dtend.value == start + timedelta(minutes=45)


@pytest.mark.parametrize(("zone", "start", "local"), DST_CASES)
def test_dst_day_with_tzid(make_view, zone, start, local):
    data = build_invite(make_view(start=start, timezone=zone), method="REQUEST", now=NOW)
    lines = unfolded_lines(data)
    if local is None:
        # The second occurrence of a repeated wall time cannot be named with a TZID
        # (it would mean the first occurrence), so it goes out in UTC.
        assert f"DTSTART:{start.strftime('%Y%m%dT%H%M%S')}Z" in lines
    else:
        assert f"DTSTART;TZID={zone}:{local}" in lines

    calendar = parse(data)
    assert [tz.tz_name for tz in calendar.timezones] == [zone]
    assert calendar.get_missing_tzids() == set()
    # Compare in UTC: Python never calls an ambiguous wall time equal to a time in
    # another zone (PEP 495), even when both name the same instant.
    event = only_event(calendar)
    assert utc(event.start) == start
    assert utc(event.end) == start + timedelta(minutes=45)

    # vobject resolves the TZID through the VTIMEZONE in the document (dateutil's
    # tzical), not through a zone database: both must name the same instant.
    (vevent,) = vevents(vparse(data))
    if local is not None:
        assert "tzical" in type(vevent.dtstart.value.tzinfo).__name__
    assert utc(vevent.dtstart.value) == start
    assert utc(vevent.dtend.value) == start + timedelta(minutes=45)


# DST changes of 2026 in UTC (Europe, New York, Sydney), to aim hypothesis at them.
TRANSITIONS = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),
    datetime(2026, 4, 4, 16, tzinfo=UTC),
    datetime(2026, 10, 3, 16, tzinfo=UTC),
]
instants = st.one_of(
    st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ).map(lambda d: d.replace(second=0, microsecond=0)),
    st.builds(
        lambda t, minutes: t + timedelta(minutes=minutes),
        st.sampled_from(TRANSITIONS),
        st.integers(min_value=-180, max_value=180),
    ),
)


@settings(max_examples=50, deadline=None)
@given(
    start=instants,
    zone=st.sampled_from(
        ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "Europe/London"]
    ),
)
def test_tzid_output_names_the_same_instant(start, zone):
    view = InviteView(
        consultation_id=1,
        uid_host="telesecond.example",
        start=start,
        end=start + timedelta(hours=1),
        sequence=0,
        status="confirmed",
        organizer_email="appointments@telesecond.example",
        specialist=ADA,
        patient=ZOE,
        join_url="https://telesecond.example/j",
        manage_url="https://telesecond.example/m",
        timezone=zone,
    )
    data = build_invite(view, method="REQUEST", now=NOW)
    event = only_event(parse(data))
    assert utc(event.start) == start
    assert utc(event.end) == start + timedelta(hours=1)
    (vevent,) = vevents(vparse(data))
    assert utc(vevent.dtstart.value) == start
    assert utc(vevent.dtend.value) == start + timedelta(hours=1)


def test_vtimezone_lists_one_rdate_per_line_over_a_wide_span(make_view):
    start = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    data = build_invite(make_view(start=start, timezone="Europe/Berlin"), method="REQUEST", now=NOW)
    lines = unfolded_lines(data)
    rdates = [line for line in lines if line.startswith("RDATE")]
    assert rdates
    assert all("," not in line for line in rdates)
    (timezone,) = parse(data).timezones
    onsets = [sub.DTSTART for sub in timezone.subcomponents]
    assert min(onsets).year == 1970
    assert "RDATE:20371025T030000" in lines  # transitions run well past the event


def test_local_time_is_the_patients_wall_clock(make_view):
    start = datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    data = build_invite(make_view(start=start, timezone="Asia/Tokyo"), method="REQUEST", now=NOW)
    assert "DTSTART;TZID=Asia/Tokyo:20260701T160000" in unfolded_lines(data)
    event = only_event(parse(data))
    assert event.start == start
    assert event.start.tzinfo == ZoneInfo("Asia/Tokyo")


# --- wire format ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL", "PUBLISH"])
def test_lines_are_folded_at_75_octets_with_crlf(make_view, method):
    long_name = "Zoë " + "Ünterweger-Łukasiewicz-Þórsdóttir " * 5
    view = make_view(
        patient=Person(long_name, "zoe@patients.example"),
        specialist=Person("Ada Augusta King, Countess of Lovelace; née Byron", "ada@c.example"),
        join_url="https://telesecond.example/consultations/42/join?" + "t=" + "x" * 200,
        timezone="America/New_York",
        status="cancelled" if method == "CANCEL" else "confirmed",
    )
    data = build_invite(view, method=method, now=NOW)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    assert any(line.startswith(b" ") for line in lines)  # something really was folded
    assert lines[0] == b"BEGIN:VCALENDAR"
    assert lines[-1] == b"END:VCALENDAR"
    event = only_event(parse(data))
    assert {a.params["CN"] for a in event.get("ATTENDEE", [])} <= {
        " ".join(long_name.split()),
        "Ada Augusta King, Countess of Lovelace; née Byron",
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": datetime(2026, 4, 14, 13, 0)}, "timezone-aware"),
        ({"end": datetime(2026, 4, 14, 12, 0, tzinfo=UTC)}, "after start"),
        ({"sequence": -1}, "sequence"),
        ({"status": "completed"}, "status"),
        ({"uid_host": " "}, "uid_host"),
    ],
)
def test_invalid_views(make_view, changes, message):
    with pytest.raises(ValueError, match=message):
        make_view(**changes)


def test_invalid_arguments(make_view):
    with pytest.raises(ValueError, match="method"):
        build_invite(make_view(), method="REPLY", now=NOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="aware"):
        build_invite(make_view(), method="REQUEST", now=datetime(2026, 3, 1))
    with pytest.raises(ValueError, match="time zone"):
        build_invite(make_view(timezone="Mars/Olympus"), method="REQUEST", now=NOW)


# --- feeds ----------------------------------------------------------------------------


def test_feed(make_view):
    views = [
        make_view(consultation_id=3, start=datetime(2026, 5, 3, 9, tzinfo=UTC), sequence=1),
        make_view(
            consultation_id=1,
            start=datetime(2026, 5, 1, 9, tzinfo=UTC),
            status="cancelled",
            sequence=2,
        ),
        make_view(
            consultation_id=2,
            start=datetime(2026, 5, 2, 9, tzinfo=UTC),
            timezone="Europe/Berlin",
        ),
        make_view(
            consultation_id=4,
            start=datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
            timezone="America/New_York",
        ),
    ]
    data = build_feed(views, name="Ada's consultations", now=NOW)
    lines = unfolded_lines(data)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    assert "X-WR-CALNAME:Ada's consultations" in lines
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))

    calendar = parse(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] == PRODID
    assert calendar.calendar_name == "Ada's consultations"
    assert calendar.refresh_interval == timedelta(hours=1)
    assert sorted(tz.tz_name for tz in calendar.timezones) == [
        "America/New_York",
        "Europe/Berlin",
    ]
    events = calendar.events
    assert [e["UID"] for e in events] == [
        f"consultation-{i}@telesecond.example" for i in (1, 2, 3, 4)
    ]
    assert [e["STATUS"] for e in events] == ["CANCELLED", "CONFIRMED", "CONFIRMED", "CONFIRMED"]
    assert [e.sequence for e in events] == [2, 0, 1, 0]
    assert [utc(e.start) for e in events] == sorted(v.start for v in views)
    assert all(e.DTSTAMP == NOW for e in events)
    assert [len(e.walk("VALARM")) for e in events] == [0, 1, 1, 1]
    # iTIP PUBLISH has no attendees: a leaked feed URL shows no patient addresses.
    assert all("ATTENDEE" not in e for e in events)
    assert b"zoe@patients.example" not in data
    assert all(e["ORGANIZER"].params["CN"] == "Dr Ada Lovelace via telesecond" for e in events)

    vcal = vparse(data)
    assert vcal.method.value == "PUBLISH"
    assert vcal.contents["x-wr-calname"][0].value == "Ada's consultations"
    vs = vevents(vcal)
    assert [v.status.value for v in vs] == ["CANCELLED", "CONFIRMED", "CONFIRMED", "CONFIRMED"]
    assert [utc(v.dtstart.value) for v in vs] == sorted(v.start for v in views)


def test_empty_feed(make_view):
    calendar = parse(build_feed([], name="Nothing yet", now=NOW))
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar.events == []
    assert calendar.calendar_name == "Nothing yet"


def test_publish_invite_of_one_consultation(make_view):
    event = only_event(parse(build_invite(make_view(), method="PUBLISH", now=NOW)))
    assert event["STATUS"] == "CONFIRMED"
    assert "ATTENDEE" not in event
    assert event["ORGANIZER"] == "mailto:appointments@telesecond.example"
