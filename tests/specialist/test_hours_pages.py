"""The weekly hours grid and the month calendar, through their forms (no browser)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from telesecond.extensions import db
from telesecond.models import SpecialistProfile
from telesecond.services.scheduling import specialists
from telesecond.web.specialist_forms import overrides_of
from tests.web_forms import csrf_token


def weekly(doctor) -> list[tuple[int, int, int]]:
    db.session.expire_all()
    profile = db.session.get(SpecialistProfile, doctor.id)
    return [(w.weekday, w.start_minute, w.end_minute) for w in profile.windows]


def post(client, url: str, data: dict, page: str | None = None):
    token = csrf_token(client.get(page or url).text)
    return client.post(url, data={**data, "csrf_token": token})


def test_the_grid_shows_the_saved_hours_and_saves_the_same_rules(app, make_specialist, signed_in):
    doctor = make_specialist(weekly=[(0, 540, 720), (2, 600, 660)])
    client = signed_in(app, doctor)
    page = client.get("/specialist/hours").text
    assert 'id="cell-0-540" name="cell" value="0-540" checked' in page
    assert 'id="cell-0-690" name="cell" value="0-690" checked' in page
    assert 'id="cell-0-720" name="cell" value="0-720">' in page  # 12:00 is not worked
    assert "Monday 09:00–09:30" in page

    answer = post(client, "/specialist/hours", {"cell": ["1-480", "1-510", "1-570", "4-600"]})
    assert answer.status_code == 302
    assert weekly(doctor) == [(1, 480, 540), (1, 570, 600), (4, 600, 630)]
    # The text form reads back what the grid saved.
    text = client.get("/specialist/availability").text
    assert 'value="08:00-09:00, 09:30-10:00"' in text


def test_the_grid_refuses_cells_it_does_not_have(app, make_specialist, signed_in):
    doctor = make_specialist(weekly=[(0, 540, 720)])
    client = signed_in(app, doctor)
    for bad in ("7-540", "0-545", "0-1440", "monday"):
        answer = post(client, "/specialist/hours", {"cell": ["0-540", bad]})
        assert answer.status_code == 422
        assert "Some cells were not understood" in answer.text
    assert weekly(doctor) == [(0, 540, 720)]


def test_hours_off_the_half_hour_are_named(app, make_specialist, signed_in):
    doctor = make_specialist(weekly=[(0, 555, 720)])
    page = signed_in(app, doctor).get("/specialist/hours").text
    assert "Monday 09:15-12:00" in page
    assert 'value="0-540" checked' not in page and 'value="0-570" checked' in page


def test_the_calendar_marks_dates_and_time_off_and_changes_a_date(app, make_specialist, signed_in):
    doctor = make_specialist()
    specialists.set_availability(
        doctor,
        specialists.AvailabilityInput(
            timezone="Europe/Berlin",
            weekly=[(d, 540, 1020) for d in range(5)],
            consultation_minutes=60,
            buffer_minutes=0,
            min_notice_minutes=0,
            horizon_days=60,
            overrides=[(date(2026, 3, 9), [])],
        ),
        now=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )
    specialists.add_time_off(
        doctor,
        start=datetime(2026, 3, 19, 23, tzinfo=UTC),  # all of Friday 20 March in Berlin
        end=datetime(2026, 3, 20, 23, tzinfo=UTC),
        now=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )
    client = signed_in(app, doctor)
    page = client.get("/specialist/calendar?month=2026-03").text
    assert "March 2026" in page
    assert 'Monday 9 March 2026:</span></a><span class="month-mark">Closed' in page
    assert "Time off all day" in page

    answer = post(
        client,
        "/specialist/calendar/date",
        {"date-day": "2026-03-12", "date-hours": "10:00-14:00"},
        "/specialist/calendar",
    )
    assert answer.status_code == 302
    assert "month=2026-03" in answer.headers["Location"]
    db.session.expire_all()
    profile = db.session.get(SpecialistProfile, doctor.id)
    assert overrides_of(profile.overrides) == [
        (date(2026, 3, 9), []),
        (date(2026, 3, 12), [(600, 840)]),
    ]
    assert weekly(doctor) == [(d, 540, 1020) for d in range(5)]  # untouched

    wrong = post(
        client,
        "/specialist/calendar/date",
        {"date-day": "2026-03-13", "date-hours": "14:00-10:00"},
        "/specialist/calendar",
    )
    assert wrong.status_code == 422
    assert "the end must be after the start" in wrong.text

    answer = post(client, "/specialist/calendar/date/2026-03-09/remove", {}, "/specialist/calendar")
    assert answer.status_code == 302
    db.session.expire_all()
    profile = db.session.get(SpecialistProfile, doctor.id)
    assert overrides_of(profile.overrides) == [(date(2026, 3, 12), [(600, 840)])]


def test_the_calendar_survives_odd_months_and_dates(app, make_specialist, signed_in):
    client = signed_in(app, make_specialist())
    for query in ("month=13-2026", "month=1999-01", "month=2026-03&day=nope", "day=2026-99-01"):
        assert client.get(f"/specialist/calendar?{query}").status_code == 200
    missing = post(
        client, "/specialist/calendar/date/2026-03-09/remove", {}, "/specialist/calendar"
    )
    assert missing.status_code == 404
    empty = post(client, "/specialist/calendar/date", {"date-day": ""}, "/specialist/calendar")
    assert empty.status_code == 422 and 'id="date-day-error"' in empty.text
