"""'Add to calendar': the .ics download (web and API) and the Google / Outlook links."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from telesecond.services.consultations import booking
from tests.calendar.ical import read_one, unfolded
from tests.calendar.scenario import (
    BERLIN,
    LATER,
    NEW_YORK,
    START,
    assert_no_health_information,
)
from tests.factories import intake
from tests.stored import fresh


def download(client, consultation_id: int, *, headers=None, api: bool = False):
    prefix = "/api/v1" if api else ""
    return client.get(f"{prefix}/consultations/{consultation_id}/invite.ics", headers=headers)


def test_patient_downloads_the_invite_in_their_own_zone(people, book_people, signed_in, app):
    c = book_people()
    response = download(signed_in(app, people.patient), c.id)

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="consultation-{c.id}.ics"'
    )
    assert "private" in response.headers["Cache-Control"]
    method, event = read_one(response.data)
    assert method == "REQUEST"
    assert event.uid == f"consultation-{c.id}@localhost"
    assert event.sequence == 0
    assert event.status == "CONFIRMED"
    assert event.summary == "Video consultation with Dr Ada Vance"
    assert (event.start, event.end) == (START, START + timedelta(hours=1))
    lines = unfolded(response.data)
    assert "DTSTART;TZID=Europe/Berlin:20260311T150000" in lines
    assert "DTEND;TZID=Europe/Berlin:20260311T160000" in lines
    assert f"URL:http://localhost/consultations/{c.id}/join" in lines
    assert_no_health_information(response.data)


def test_specialist_gets_the_same_event_in_their_zone(people, book_people, signed_in, app):
    c = book_people()
    response = download(signed_in(app, people.doctor), c.id)

    assert response.status_code == 200
    _, event = read_one(response.data)
    assert event.uid == f"consultation-{c.id}@localhost"
    assert event.start == START
    assert event.summary == "Video consultation with Petra Paulsen"  # the patient, not herself
    assert "DTSTART;TZID=America/New_York:20260311T100000" in unfolded(response.data)


def test_uid_stays_sequence_rises_and_cancel_follows(people, book_people, signed_in, clock, app):
    c = book_people()
    client = signed_in(app, people.patient)
    _, first = read_one(download(client, c.id).data)

    clock.advance(minutes=5)
    booking.reschedule(people.doctor, c.id, LATER, now=clock(), cutoff_hours=24)
    method, moved = read_one(download(client, c.id).data)
    assert method == "REQUEST"
    assert moved.uid == first.uid
    assert moved.sequence == fresh(c.id).sequence == 1
    assert (moved.start, moved.end) == (LATER, LATER + timedelta(hours=1))

    clock.advance(minutes=5)
    booking.cancel(people.patient, c.id, reason="", now=clock(), cutoff_hours=24)
    response = download(client, c.id)
    method, cancelled = read_one(response.data)
    assert method == "CANCEL"
    assert cancelled.status == "CANCELLED"
    assert cancelled.uid == first.uid
    assert first.sequence < moved.sequence < cancelled.sequence == fresh(c.id).sequence == 2
    assert "METHOD:CANCEL" in unfolded(response.data)


def test_nobody_else_can_download_it(people, book_people, signed_in, app):
    c = book_people()
    assert download(signed_in(app, people.stranger), c.id).status_code == 404
    assert download(signed_in(app, people.patient), c.id + 1000).status_code == 404
    anonymous = app.test_client().get(f"/consultations/{c.id}/invite.ics")
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]


def test_api_download_for_patient_and_specialist_only(people, book_people, client, auth_header):
    c = book_people()
    for who, zone in ((people.patient, BERLIN), (people.doctor, NEW_YORK)):
        response = download(client, c.id, headers=auth_header(who), api=True)
        assert response.status_code == 200
        assert response.mimetype == "text/calendar"
        method, event = read_one(response.data)
        assert (method, event.start, event.sequence) == ("REQUEST", START, 0)
        assert any(line.startswith(f"DTSTART;TZID={zone}:") for line in unfolded(response.data))

    stranger = download(client, c.id, headers=auth_header(people.stranger), api=True)
    assert stranger.status_code == 404
    assert stranger.mimetype == "application/problem+json"
    assert download(client, c.id, api=True).status_code == 401
    huge = client.get(
        f"/api/v1/consultations/{2**80}/invite.ics", headers=auth_header(people.patient)
    )
    assert huge.status_code == 404
    assert huge.mimetype == "application/problem+json"


def test_api_download_after_cancel_is_a_cancel(people, book_people, client, auth_header, clock):
    c = book_people()
    booking.cancel(people.doctor, c.id, reason="", now=clock(), cutoff_hours=24)
    response = download(client, c.id, headers=auth_header(people.patient), api=True)
    method, event = read_one(response.data)
    assert (method, event.status, event.sequence) == ("CANCEL", "CANCELLED", 1)


# A consultation across a DST change, seen by each side in their own zone.
# New York springs forward 2026-03-08 02:00 EST -> 03:00 EDT: 01:00 EST to 03:00 EDT is
# one hour. Berlin falls back 2026-10-25 03:00 CEST -> 02:00 CET: 02:00 CEST to 02:00
# CET is one hour, and its end (the repeated 02:00) can only be written in UTC.
DST_CASES = [
    pytest.param(
        NEW_YORK,
        BERLIN,
        datetime(2026, 3, 8, 6, 0, tzinfo=UTC),
        (
            "DTSTART;TZID=America/New_York:20260308T010000",
            "DTEND;TZID=America/New_York:20260308T030000",
        ),
        ("DTSTART;TZID=Europe/Berlin:20260308T070000", "DTEND;TZID=Europe/Berlin:20260308T080000"),
        id="new-york-spring-forward",
    ),
    pytest.param(
        BERLIN,
        NEW_YORK,
        datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
        ("DTSTART;TZID=Europe/Berlin:20261025T020000", "DTEND:20261025T010000Z"),
        (
            "DTSTART;TZID=America/New_York:20261024T200000",
            "DTEND;TZID=America/New_York:20261024T210000",
        ),
        id="berlin-fall-back",
    ),
]


@pytest.mark.parametrize(
    ("doctor_zone", "patient_zone", "start", "doctor_lines", "patient_lines"), DST_CASES
)
def test_dst_day_instants_from_both_sides(
    make_specialist,
    make_account,
    signed_in,
    clock,
    doctor_zone,
    patient_zone,
    start,
    doctor_lines,
    patient_lines,
    app,
):
    doctor = make_specialist(
        timezone=doctor_zone, weekly=[(6, 60, 300)], consultation=60, horizon=365
    )
    patient = make_account(timezone=patient_zone)
    c = booking.book(patient, doctor.id, start, intake(), now=clock())

    for who, expected in ((doctor, doctor_lines), (patient, patient_lines)):
        data = download(signed_in(app, who), c.id).data
        _, event = read_one(data)
        assert event.start == start
        assert event.end == start + timedelta(hours=1)
        lines = unfolded(data)
        for line in expected:
            assert line in lines


def _query(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}
    return f"{parts.scheme}://{parts.netloc}{parts.path}", query


def test_google_and_outlook_links_on_the_consultation_page(people, book_people, signed_in, app):
    c = book_people()
    client = signed_in(app, people.patient)
    page = client.get(f"/consultations/{c.id}").text
    assert "Add to your calendar" in page
    assert f'href="/consultations/{c.id}/invite.ics"' in page

    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', page)]
    google = next(h for h in hrefs if h.startswith("https://calendar.google.com/"))
    outlook = next(h for h in hrefs if h.startswith("https://outlook.live.com/"))
    office = next(h for h in hrefs if h.startswith("https://outlook.office.com/"))
    join = f"http://localhost/consultations/{c.id}/join"

    base, q = _query(google)
    assert base == "https://calendar.google.com/calendar/render"
    assert q["action"] == "TEMPLATE"
    assert q["text"] == "Video consultation with Dr Ada Vance"
    assert q["dates"] == "20260311T140000Z/20260311T150000Z"
    assert join in q["details"]
    assert q["location"] == join

    for link, host in ((outlook, "outlook.live.com"), (office, "outlook.office.com")):
        base, q = _query(link)
        assert base == f"https://{host}/calendar/0/action/compose"
        assert q["rru"] == "addevent"
        assert q["subject"] == "Video consultation with Dr Ada Vance"
        assert q["startdt"] == "2026-03-11T14:00:00Z"
        assert q["enddt"] == "2026-03-11T15:00:00Z"
        assert join in q["body"]
        assert q["location"] == join

    for link in (google, outlook, office):
        assert_no_health_information(link)


def test_cancelled_consultation_page_offers_the_cancellation_only(
    people, book_people, signed_in, clock, app
):
    c = book_people()
    booking.cancel(people.doctor, c.id, reason="", now=clock(), cutoff_hours=24)
    page = signed_in(app, people.patient).get(f"/consultations/{c.id}").text
    assert "Download the cancellation (.ics)" in page
    assert "calendar.google.com" not in page
    assert "outlook.live.com" not in page
