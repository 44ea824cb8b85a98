"""A specialist edits their profile, weekly hours and time off through the HTML pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import SpecialistProfile, TimeOff
from telesecond.services.scheduling import specialists
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token

NEW_YORK = "America/New_York"
HOURS = {
    "timezone": NEW_YORK,
    "consultation_minutes": "45",
    "buffer_minutes": "15",
    "min_notice_hours": "24",
    "horizon_days": "60",
    "monday": "09:00-12:00, 13:00-17:00",
    "tuesday": "09:00-12:00, 13:00-17:00",
    "wednesday": "",
    "thursday": "",
    "friday": "",
    "saturday": "",
    "sunday": "",
    "overrides": "",
}


@pytest.fixture
def signed_in_specialist(make_account, sign_in):
    """A specialist in New York (no profile or hours yet), signed in on ``client``."""
    account = make_account(role="specialist", timezone=NEW_YORK, full_name="Dr Ada Vance")
    sign_in(account)
    return account


def profile_of(account) -> SpecialistProfile:
    db.session.expire_all()
    return db.session.get(SpecialistProfile, account.id)


def add_time_off(client, start: str, end: str, note: str = ""):
    """Post the add-time-off form found on the availability page."""
    token = csrf_token(client.get("/specialist/availability").text)
    return client.post(
        "/specialist/time-off",
        data={
            "time_off-csrf_token": token,
            "time_off-start": start,
            "time_off-end": end,
            "time_off-note": note,
        },
    )


def error_of(html: str, field_id: str) -> str:
    """The text of the error list rendered beside one field."""
    match = re.search(rf'<ul class="field-errors" id="{field_id}-error">(.*?)</ul>', html, re.S)
    assert match, f"no errors beside {field_id}"
    return match.group(1)


def test_profile_is_saved_and_shown_again(client, submit, signed_in_specialist):
    page = client.get("/specialist/profile")
    assert page.status_code == 200
    assert "A licence for US does not cover US-CA" in page.text
    response = submit(
        "/specialist/profile",
        {
            "specialties": "Cardiology\nElectrophysiology",
            "conditions": "Atrial fibrillation, Heart failure",
            "languages": "en, pt_br",
            "licensed_regions": "us-ny, DE",
            "bio": "Twenty years in arrhythmia care.",
            "credentials": "FACC",
            "fee": "150.50",
            "currency": "usd",
        },
    )
    assert response.status_code == 302
    profile = profile_of(signed_in_specialist)
    assert profile.labels("specialty") == ["Cardiology", "Electrophysiology"]
    assert profile.labels("condition") == ["Atrial fibrillation", "Heart failure"]
    assert profile.labels("language") == ["en", "pt-BR"]
    assert profile.labels("region") == ["US-NY", "DE"]
    assert (profile.fee_cents, profile.currency) == (15050, "USD")
    again = client.get("/specialist/profile").text
    assert 'value="en, pt-BR"' in again
    assert 'value="150.50"' in again
    assert "Cardiology\nElectrophysiology</textarea>" in again


def test_profile_errors_are_shown_beside_fields_and_input_kept(
    client, submit, signed_in_specialist
):
    response = submit(
        "/specialist/profile",
        {
            "specialties": "",
            "conditions": "",
            "languages": "en, klingonese",
            "licensed_regions": "XX",
            "bio": "",
            "credentials": "",
            "fee": "100",
            "currency": "euro",
        },
    )
    assert response.status_code == 422
    assert "Name at least one specialty." in error_of(response.text, "specialties")
    assert "not a language tag" in error_of(response.text, "languages")
    assert "not a country code" in error_of(response.text, "licensed_regions")
    assert "three-letter currency code" in error_of(response.text, "currency")
    assert 'value="en, klingonese"' in response.text
    assert profile_of(signed_in_specialist) is None

    bad_fee = submit(
        "/specialist/profile",
        {"specialties": "Cardiology", "languages": "en", "fee": "lots", "currency": "EUR"},
    )
    assert bad_fee.status_code == 422
    assert "Enter an amount such as 150" in error_of(bad_fee.text, "fee")
    assert 'value="lots"' in bad_fee.text


def test_availability_with_two_windows_a_day_is_saved_and_previewed(
    client, submit, signed_in_specialist
):
    page = client.get("/specialist/availability")
    assert page.status_code == 200
    assert "No free times" not in page.text
    assert "cannot book you in the next 14 days" in page.text

    response = submit(
        "/specialist/availability",
        {**HOURS, "overrides": "2026-03-10: closed\n2026-03-11: 10:00-14:00, 15:00-16:00"},
    )
    assert response.status_code == 302
    profile = profile_of(signed_in_specialist)
    assert [(w.weekday, w.start_minute, w.end_minute) for w in profile.windows] == [
        (0, 540, 720),
        (0, 780, 1020),
        (1, 540, 720),
        (1, 780, 1020),
    ]
    assert profile.min_notice_minutes == 24 * 60

    page = client.get("/specialist/availability").text
    assert "your own time zone, <strong>America/New_York</strong>" in page
    assert 'value="09:00-12:00, 13:00-17:00"' in page
    assert "2026-03-10: closed\n2026-03-11: 10:00-14:00, 15:00-16:00</textarea>" in page
    # Now is Monday 2 March, 09:00 UTC; with a day's notice the first slot is Tuesday
    # 09:00 in New York (14:00 UTC), then every hour until the lunch break and after it.
    preview = page.split('id="preview-title"')[1].split("</ul>")[0]
    starts = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', preview)
    assert [s for s, _ in starts] == [
        "2026-03-03T14:00:00Z",
        "2026-03-03T15:00:00Z",
        "2026-03-03T16:00:00Z",
        "2026-03-03T18:00:00Z",
        "2026-03-03T19:00:00Z",
    ]
    assert starts[0][1] == "Tue 03 Mar 2026, 09:00 (America/New_York, EST)"


def test_overlapping_and_inverted_windows_are_refused_with_input_kept(
    client, submit, signed_in_specialist
):
    response = submit(
        "/specialist/availability",
        {**HOURS, "monday": "09:00-12:00, 11:00-13:00", "tuesday": "12:00-11:00"},
    )
    assert response.status_code == 422
    assert "11:00-13:00 overlaps 09:00-12:00" in error_of(response.text, "monday")
    assert "12:00-11:00: the end must be after the start" in error_of(response.text, "tuesday")
    summary = response.text.split('class="notice notice-error error-summary"')[1].split("</ul>")[0]
    assert "Monday: 11:00-13:00 overlaps 09:00-12:00" in summary
    assert "Tuesday: 12:00-11:00: the end must be after the start" in summary
    assert 'value="09:00-12:00, 11:00-13:00"' in response.text
    assert 'value="12:00-11:00"' in response.text
    profile = profile_of(signed_in_specialist)
    assert profile is None or profile.windows == []


def test_unreadable_hours_and_override_lines_are_named(client, submit, signed_in_specialist):
    response = submit(
        "/specialist/availability",
        {
            **HOURS,
            "wednesday": "9am-5pm",
            "consultation_minutes": "5",
            "overrides": "2026-12-24: closed\n2026-13-01: closed\nxmas: 10:00-12:00",
        },
    )
    assert response.status_code == 422
    assert "“9am-5pm”: Use HH:MM" in error_of(response.text, "wednesday")
    overrides = error_of(response.text, "overrides")
    assert "Line 2: “2026-13-01” is not a date" in overrides
    assert "Line 3: “xmas” is not a date" in overrides
    assert 'value="9am-5pm"' in response.text

    too_short = submit("/specialist/availability", {**HOURS, "consultation_minutes": "5"})
    assert too_short.status_code == 422
    assert "Must be between 10 and 240." in error_of(too_short.text, "consultation_minutes")


def test_time_off_is_added_shown_in_my_zone_and_deleted(client, signed_in_specialist):
    specialists.set_availability(
        signed_in_specialist,
        specialists.AvailabilityInput(
            timezone=NEW_YORK,
            weekly=[(0, 540, 1020), (1, 540, 1020)],
            consultation_minutes=45,
            buffer_minutes=15,
            min_notice_minutes=24 * 60,
            horizon_days=60,
        ),
        now=utcnow(),
    )
    response = add_time_off(client, "2026-03-03T00:00", "2026-03-04T00:00", "Conference")
    assert response.status_code == 302
    entry = db.session.scalars(select(TimeOff)).one()
    assert entry.start == datetime(2026, 3, 3, 5, tzinfo=UTC)
    page = client.get("/specialist/availability").text
    assert "Tue 03 Mar 2026, 00:00 (America/New_York, EST)" in page
    assert "Conference" in page
    # Tuesday is blocked, so the preview starts on Monday 9 March (EDT by then).
    preview = page.split('id="preview-title"')[1].split("</section>")[0]
    assert 'datetime="2026-03-09T13:00:00Z"' in preview
    assert "2026-03-03T14:00:00Z" not in preview

    token = csrf_token(page)
    deleted = client.post(f"/specialist/time-off/{entry.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302
    assert db.session.scalars(select(TimeOff)).first() is None
    again = client.post(f"/specialist/time-off/{entry.id}/delete", data={"csrf_token": token})
    assert again.status_code == 404


def test_time_off_in_a_dst_gap_is_refused_and_an_ambiguous_time_takes_the_first(
    client, signed_in_specialist
):
    # Clocks in New York jump from 02:00 to 03:00 on 8 March 2026.
    gap = add_time_off(client, "2026-03-08T02:30", "2026-03-08T05:00")
    assert gap.status_code == 422
    assert "02:30 on 08 March 2026 does not exist in America/New_York" in error_of(
        gap.text, "time_off-start"
    )
    assert 'value="2026-03-08T02:30"' in gap.text
    assert db.session.scalars(select(TimeOff)).first() is None

    inverted = add_time_off(client, "2026-03-20T10:00", "2026-03-20T09:00")
    assert inverted.status_code == 422
    assert "The end must be after the start." in error_of(inverted.text, "time_off-end")

    # 01:30 on 1 November happens twice; the first time is still on daylight time.
    twice = add_time_off(client, "2026-11-01T01:30", "2026-11-01T03:00")
    assert twice.status_code == 302
    entry = db.session.scalars(select(TimeOff)).one()
    assert entry.start == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert entry.end == datetime(2026, 11, 1, 8, tzinfo=UTC)


def test_someone_elses_time_off_cannot_be_deleted(
    client, make_account, signed_in_specialist, clock
):
    other = make_account(role="specialist")
    entry = specialists.add_time_off(
        other, start=clock(), end=clock().replace(hour=12), now=utcnow()
    )
    token = csrf_token(client.get("/specialist/availability").text)
    response = client.post(f"/specialist/time-off/{entry.id}/delete", data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(TimeOff, entry.id) is not None


@pytest.mark.parametrize("path", ["/specialist/profile", "/specialist/availability"])
def test_a_patient_is_refused(client, submit, make_account, path):
    patient = make_account()
    submit("/login", {"email": patient.email, "password": PASSWORD})
    response = client.get(path)
    assert response.status_code == 403
    assert "You do not have access" in response.text


@pytest.mark.parametrize("path", ["/specialist/profile", "/specialist/availability"])
def test_signed_out_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_navigation_offers_the_specialist_pages(client, signed_in_specialist):
    nav = client.get("/").text.split('aria-label="Main"')[1].split("</nav>")[0]
    labels = re.findall(r">([^<>]+)</a>", nav)
    assert labels[0] == "Find a specialist"
    assert {"My profile", "Availability"} <= set(labels)
