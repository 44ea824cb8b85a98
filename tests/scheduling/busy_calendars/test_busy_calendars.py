"""A specialist connects their own calendar; its busy events block slots, failures keep them."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from config import ConfigError, finalize
from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import BusyCalendar, BusyInterval
from telesecond.services.errors import Invalid
from telesecond.services.maintenance import run_maintenance
from telesecond.services.scheduling import busy_calendars, specialists
from tests.credentials import PASSWORD
from tests.scheduling.busy_calendars.ics import calendar, event
from tests.web_forms import csrf_token

SECRET = "/calendar/ical/dr/private-5e3c7a1b9d0f4e2a/basic.ics"

# Berlin is UTC+1 in early March. The specialist works 09:00-17:00 Berlin, 60-minute slots.
ROTA = calendar(
    event(  # every Tuesday 10:00-11:00 Berlin ...
        "rota",
        "DTSTART;TZID=Europe/Berlin:20260303T100000",
        "DTEND;TZID=Europe/Berlin:20260303T110000",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "EXDATE;TZID=Europe/Berlin:20260310T100000",  # ... but not on 10 March
        "SUMMARY:Tumour board",
    ),
    event(  # ... and on 17 March it moves to the afternoon
        "rota",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260317T100000",
        "DTSTART;TZID=Europe/Berlin:20260317T140000",
        "DTEND;TZID=Europe/Berlin:20260317T150000",
    ),
    event("congress", "DTSTART;VALUE=DATE:20260304", "DTEND;VALUE=DATE:20260305"),
    event(  # 09:00 in New York is 15:00 in Berlin
        "call",
        "DTSTART;TZID=America/New_York:20260305T090000",
        "DTEND;TZID=America/New_York:20260305T100000",
    ),
)
ALL_DAY = [f"2026-03-{{day}}T{h:02d}:00:00Z" for h in range(8, 16)]


def day_slots(client, specialist, day: int) -> list[str]:
    """The slot starts the public API offers on one March day (UTC)."""
    response = client.get(
        f"/api/v1/specialists/{specialist.id}/slots",
        query_string={
            "start": f"2026-03-{day:02d}T00:00:00Z",
            "end": f"2026-03-{day + 1:02d}T00:00:00Z",
        },
    )
    assert response.status_code == 200
    return [item["start"] for item in response.get_json()["items"]]


def hours(day: int, *utc_hours: int) -> list[str]:
    return [f"2026-03-{day:02d}T{h:02d}:00:00Z" for h in utc_hours]


@pytest.fixture
def doctor(make_specialist, sign_in):
    """A signed-in specialist in Berlin, open Monday to Friday 09:00-17:00."""
    account = make_specialist(timezone="Europe/Berlin", full_name="Dr Lena Hoff")
    sign_in(account)
    return account


def connect(client, url: str, label: str = "Hospital rota"):
    """Post the connect form found on the availability page."""
    token = csrf_token(client.get("/specialist/availability").text)
    return client.post(
        "/specialist/busy-calendars",
        data={"busy-csrf_token": token, "busy-url": url, "busy-label": label},
    )


def post_button(client, path: str):
    token = csrf_token(client.get("/specialist/availability").text)
    return client.post(path, data={"csrf_token": token})


def the_calendar(account) -> BusyCalendar:
    db.session.expire_all()
    return db.session.scalars(
        select(BusyCalendar).where(BusyCalendar.account_id == account.id)
    ).one()


def panel(client) -> str:
    html = client.get("/specialist/availability").text
    return html[html.index('id="busy-calendars"') :]


def test_a_connected_calendar_blocks_its_busy_times_in_the_slots_api(client, doctor, ics_server):
    assert day_slots(client, doctor, 3) == hours(3, 8, 9, 10, 11, 12, 13, 14, 15)

    response = connect(client, ics_server.serve(SECRET, ROTA))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/specialist/availability#busy-calendars")

    # The weekly series (10:00 Berlin = 09:00Z), not on the EXDATE, moved on 17 March.
    assert day_slots(client, doctor, 3) == hours(3, 8, 10, 11, 12, 13, 14, 15)
    assert day_slots(client, doctor, 10) == hours(10, 8, 9, 10, 11, 12, 13, 14, 15)
    assert day_slots(client, doctor, 17) == hours(17, 8, 9, 10, 11, 12, 14, 15)
    assert day_slots(client, doctor, 24) == hours(24, 8, 10, 11, 12, 13, 14, 15)
    # The all-day congress closes Wednesday; the New York call takes 14:00Z on Thursday.
    assert day_slots(client, doctor, 4) == []
    assert day_slots(client, doctor, 5) == hours(5, 8, 9, 10, 11, 12, 13, 15)

    html = panel(client)
    assert "Hospital rota" in html
    assert "127.0.0.1/…" in html
    assert "private-5e3c7a1b9d0f4e2a" not in client.get("/specialist/availability").text
    assert "Last read: <time" in html and "Mon 02 Mar 2026, 10:00 (Europe/Berlin, CET)" in html
    assert "5 busy times ahead block your slots" in html


def test_the_flash_after_connecting_says_what_was_found(client, doctor, ics_server):
    page = client.get(connect(client, ics_server.serve(SECRET, ROTA)).headers["Location"]).text
    assert "Your calendar is connected: 5 busy times ahead now block your slots." in page


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("malformed", "did not return a calendar"),
        ("unreachable", "The calendar&#39;s server could not be reached."),
        ("oversized", "larger than 64 KB"),
        ("server error", "had a problem (HTTP 500)"),
    ],
)
def test_a_failed_refresh_keeps_the_busy_times_and_shows_the_error(
    client, doctor, ics_server, clock, breakage, message
):
    url = ics_server.serve(SECRET, ROTA)
    connect(client, url)
    blocked = hours(3, 8, 10, 11, 12, 13, 14, 15)
    assert day_slots(client, doctor, 3) == blocked

    if breakage == "malformed":
        ics_server.serve(SECRET, b"<html><body>Please sign in</body></html>")
    elif breakage == "unreachable":
        ics_server.close()
    elif breakage == "oversized":
        ics_server.serve(SECRET, ROTA + b" " * (64 * 1024))
    else:
        ics_server.serve(SECRET, b"oops", status=500)
    clock.advance(minutes=15)
    run_maintenance(clock())

    row = the_calendar(doctor)
    assert row.fetched_at == clock() and row.error
    assert row.succeeded_at == clock() - timedelta(minutes=15)
    assert day_slots(client, doctor, 3) == blocked  # slots are not wiped
    html = panel(client)
    assert message in html
    assert "The last try, <time" in html and "Mon 02 Mar 2026, 10:15 (Europe/Berlin, CET)" in html
    assert "The busy times read before still block your slots." in html


def test_an_unchanged_calendar_costs_a_304_and_keeps_its_busy_times(
    client, doctor, ics_server, clock
):
    connect(client, ics_server.serve(SECRET, ROTA, etag='"rev-1"'))
    clock.advance(minutes=15)
    run_maintenance(clock())

    sent = ics_server.hits(SECRET)
    assert len(sent) == 2 and sent[1]["If-None-Match"] == '"rev-1"'
    row = the_calendar(doctor)
    assert row.succeeded_at == clock() and row.error is None
    assert day_slots(client, doctor, 3) == hours(3, 8, 10, 11, 12, 13, 14, 15)

    # A day on, the horizon has slid past what was read: the calendar is read in full.
    clock.advance(days=1)
    run_maintenance(clock())
    assert "If-None-Match" not in ics_server.hits(SECRET)[-1]


def test_the_reminder_process_refreshes_only_calendars_that_are_due(
    client, doctor, ics_server, clock
):
    connect(client, ics_server.serve(SECRET, ROTA))
    clock.advance(minutes=14)
    run_maintenance(clock())
    assert len(ics_server.hits(SECRET)) == 1

    # The series is cancelled in the specialist's calendar; the next turn frees Tuesday.
    ics_server.serve(SECRET, calendar())
    clock.advance(minutes=1)
    run_maintenance(clock())
    assert len(ics_server.hits(SECRET)) == 2
    assert day_slots(client, doctor, 3) == hours(3, 8, 9, 10, 11, 12, 13, 14, 15)
    assert the_calendar(doctor).next_fetch_at == clock() + timedelta(minutes=15)


def test_a_change_moves_the_directorys_next_available_time(client, doctor, ics_server, clock):
    first = client.get(f"/api/v1/specialists/{doctor.id}").get_json()["next_available_start"]
    assert first == "2026-03-02T09:00:00Z"  # cached now, valid for an hour

    morning = calendar(event("m", "DTSTART:20260302T090000Z", "DTEND:20260302T100000Z"))
    connect(client, ics_server.serve(SECRET, morning))
    after = client.get(f"/api/v1/specialists/{doctor.id}").get_json()["next_available_start"]
    assert after == "2026-03-02T10:00:00Z"


def test_refresh_now_reads_the_calendar_again_but_not_twice_a_minute(
    client, doctor, ics_server, clock
):
    connect(client, ics_server.serve(SECRET, ROTA))
    ics_server.serve(SECRET, calendar())
    calendar_id = the_calendar(doctor).id

    too_soon = post_button(client, f"/specialist/busy-calendars/{calendar_id}/refresh")
    assert "read less than a minute ago" in client.get(too_soon.headers["Location"]).text
    assert len(ics_server.hits(SECRET)) == 1

    clock.advance(minutes=2)
    done = post_button(client, f"/specialist/busy-calendars/{calendar_id}/refresh")
    assert (
        "Your calendar is refreshed: 0 busy times ahead"
        in client.get(done.headers["Location"]).text
    )
    assert day_slots(client, doctor, 3) == hours(3, 8, 9, 10, 11, 12, 13, 14, 15)


def test_removing_a_calendar_frees_its_slots(client, doctor, ics_server):
    connect(client, ics_server.serve(SECRET, ROTA))
    calendar_id = the_calendar(doctor).id
    response = post_button(client, f"/specialist/busy-calendars/{calendar_id}/delete")
    assert response.status_code == 302
    assert day_slots(client, doctor, 4) == hours(4, 8, 9, 10, 11, 12, 13, 14, 15)
    assert db.session.scalars(select(BusyInterval)).all() == []
    assert "You have not connected a calendar." in panel(client)


def test_another_specialists_calendar_cannot_be_touched(
    client, doctor, ics_server, make_specialist, submit
):
    connect(client, ics_server.serve(SECRET, ROTA))
    calendar_id = the_calendar(doctor).id
    assert post_button(client, "/logout").status_code == 302
    other = make_specialist(timezone="Europe/Berlin")
    submit("/login", {"email": other.email, "password": PASSWORD})
    for action in ("delete", "refresh"):
        assert (
            post_button(client, f"/specialist/busy-calendars/{calendar_id}/{action}").status_code
            == 404
        )
    assert the_calendar(doctor).id == calendar_id


def test_patients_cannot_use_the_calendar_routes(client, make_account, submit):
    patient = make_account()
    submit("/login", {"email": patient.email, "password": PASSWORD})
    token = csrf_token(client.get("/account").text)
    for path in ("", "/1/refresh", "/1/delete"):
        response = client.post(f"/specialist/busy-calendars{path}", data={"csrf_token": token})
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter your calendar&#39;s secret address."),
        ("ftp://calendar.example.org/a.ics", "must start with https:// or webcal://"),
        ("calendar.example.org/a.ics", "Enter the full address"),
        ("https://calendar.example.org/" + "a" * 2100, "too long (at most 2048 characters)"),
        ("https:///no-host.ics", "has no server name"),
        ("https://cal example.org/a.ics", "cannot contain spaces"),
    ],
)
def test_a_bad_address_is_refused_beside_the_field(client, doctor, url, message):
    response = connect(client, url)
    assert response.status_code == 422
    match = re.search(
        r'<ul class="field-errors" id="busy-url-error">(.*?)</ul>', response.text, re.S
    )
    assert match and message in match.group(1)
    assert db.session.scalars(select(BusyCalendar)).all() == []


def test_at_most_five_calendars_and_no_duplicates(client, doctor, ics_server, clock):
    urls = [ics_server.serve(f"/c{n}.ics", calendar()) for n in range(6)]
    assert connect(client, urls[0]).status_code == 302
    duplicate = connect(client, urls[0])
    assert duplicate.status_code == 422 and "already connected" in duplicate.text
    for url in urls[1:5]:
        assert connect(client, url).status_code == 302
    sixth = connect(client, urls[5])
    assert sixth.status_code == 422
    assert "You can connect at most 5 calendars. Remove one first." in sixth.text
    assert "the most we allow" in panel(client)


def test_webcal_addresses_are_fetched_over_https_and_shown_masked():
    assert (
        busy_calendars.normalize_url("webcal://p23-caldav.icloud.com/published/2/SECRET")
        == "https://p23-caldav.icloud.com/published/2/SECRET"
    )
    assert busy_calendars.mask("https://p23-caldav.icloud.com/published/2/SECRET") == (
        "p23-caldav.icloud.com/…"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://calendar.example.org/a.ics", "plain http:// is not safe"),
        ("https://192.168.1.10/a.ics", "private network"),
        ("https://localhost:8080/a.ics", "private network"),
        ("https://[64:ff9b::7f00:1]/a.ics", "private network"),
        ("webcal://[2002:a00:1::]/a.ics", "private network"),
    ],
)
def test_outside_tests_only_public_https_addresses_are_accepted(url, message):
    with pytest.raises(Invalid) as refused:
        busy_calendars.normalize_url(url, allow_local=False)
    assert message in refused.value.errors["url"][0]


def test_the_secret_address_is_never_logged(client, doctor, ics_server, clock, caplog):
    caplog.set_level(logging.DEBUG)
    connect(client, ics_server.serve(SECRET, ROTA))
    ics_server.serve(SECRET, b"broken")
    clock.advance(minutes=15)
    run_maintenance(clock())
    assert the_calendar(doctor).error
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "busy calendar" in logged  # the refreshes were logged, by id
    assert "private-5e3c7a1b9d0f4e2a" not in logged
    assert "Tumour board" not in logged


def slot_starts(client, specialist, start: str, end: str) -> list[str]:
    response = client.get(
        f"/api/v1/specialists/{specialist.id}/slots", query_string={"start": start, "end": end}
    )
    return [item["start"] for item in response.get_json()["items"]]


def test_a_weekly_event_keeps_its_local_time_over_the_dst_change(client, doctor, ics_server):
    weekly = calendar(
        event(
            "ward-round",
            "DTSTART;TZID=Europe/Berlin:20260303T100000",
            "DTEND;TZID=Europe/Berlin:20260303T110000",
            "RRULE:FREQ=WEEKLY",
        )
    )
    connect(client, ics_server.serve(SECRET, weekly))
    # Tuesday 24 March, CET: 10:00 Berlin is 09:00Z.
    before = slot_starts(client, doctor, "2026-03-24T00:00:00Z", "2026-03-25T00:00:00Z")
    assert before == hours(24, 8, 10, 11, 12, 13, 14, 15)
    # Tuesday 31 March, CEST: hours are 07:00-15:00Z and 10:00 Berlin is 08:00Z.
    after = slot_starts(client, doctor, "2026-03-31T00:00:00Z", "2026-04-01T00:00:00Z")
    assert after == hours(31, 7, 9, 10, 11, 12, 13, 14)


def test_a_new_zone_reads_the_calendar_in_full_again(client, doctor, ics_server, clock):
    day = calendar(event("leave", "DTSTART;VALUE=DATE:20260304", "DTEND;VALUE=DATE:20260305"))
    connect(client, ics_server.serve(SECRET, day, etag='"same"'))
    row = the_calendar(doctor)
    assert (row.intervals[0].start.hour, row.read_in_zone) == (23, "Europe/Berlin")

    specialists.set_availability(
        doctor,
        specialists.AvailabilityInput(
            timezone="America/New_York",
            weekly=[(d, 9 * 60, 17 * 60) for d in range(5)],
            consultation_minutes=60,
            buffer_minutes=0,
            min_notice_minutes=0,
            horizon_days=60,
        ),
        now=utcnow(),
    )
    clock.advance(minutes=15)
    run_maintenance(clock())
    assert "If-None-Match" not in ics_server.hits(SECRET)[-1]
    row = the_calendar(doctor)
    # The all-day event now covers the whole day in New York: 05:00Z to 05:00Z.
    assert [(i.start.day, i.start.hour, i.end.day, i.end.hour) for i in row.intervals] == [
        (4, 5, 5, 5)
    ]


def test_production_refuses_to_fetch_local_addresses(tmp_path):
    values = {
        "TELESECOND_ENV": "production",
        "SECRET_KEY": "a-real-secret-key-for-production-0123",
        "DOCUMENT_ENCRYPTION_KEY": "x" * 43 + "=",
        "BUSY_CALENDAR_ALLOW_LOCAL": True,
    }
    with pytest.raises(ConfigError, match="BUSY_CALENDAR_ALLOW_LOCAL"):
        finalize(values, tmp_path)
