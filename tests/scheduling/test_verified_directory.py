"""Only verified specialists are public, and only current verified licences count."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from telesecond.extensions import db
from telesecond.models import SpecialistLicence, SpecialistProfile
from telesecond.services.admin import seeding
from tests.consultations.booking_requests import book


def ids(client, **query) -> list[int]:
    answer = client.get("/api/v1/specialists", query_string=query)
    assert answer.status_code == 200
    return [item["id"] for item in answer.get_json()["items"]]


@pytest.mark.parametrize("state", ["pending", "refused", "suspended"])
def test_an_unverified_specialist_cannot_be_found_or_booked(
    client, make_specialist, make_account, auth_header, signed_in, app, state
):
    doctor = make_specialist(verified=state == "suspended", full_name="Dr Hidden Person")
    if state != "pending":
        db.session.get(SpecialistProfile, doctor.id).verification = state
        db.session.commit()
    visible = make_specialist(full_name="Dr Visible Person")
    assert ids(client) == [visible.id]
    assert ids(client, region="DE") == [visible.id]
    assert client.get(f"/api/v1/specialists/{doctor.id}").status_code == 404
    assert client.get(f"/api/v1/specialists/{doctor.id}/slots").status_code == 404
    patient = make_account()
    headers = auth_header(patient)
    hold = client.post(
        "/api/v1/holds",
        headers=headers,
        json={"specialist_id": doctor.id, "start": "2026-03-03T10:00:00Z"},
    )
    assert hold.status_code == 404
    assert book(client, headers, doctor.id, "2026-03-03T10:00:00Z").status_code == 404
    # The pages too.
    page = client.get("/specialists")
    assert "Dr Visible Person" in page.text and "Dr Hidden Person" not in page.text
    assert client.get(f"/specialists/{doctor.id}").status_code == 404
    browser = signed_in(app, patient)
    assert browser.get(f"/book/{doctor.id}?start=2026-03-03T10:00:00Z").status_code == 404


def test_the_directory_shows_verified_licences_not_claims(client, make_specialist, admin_of):
    doctor = make_specialist(verified=False, profile={"licensed_regions": ["DE", "FR"]})
    seeding_admin = admin_of()
    db.session.add(
        SpecialistLicence(
            specialist_id=doctor.id,
            region="DE",
            number="1",
            issuer="Ärztekammer Berlin",
            expires_on=date(2027, 6, 30),
            verified_by_id=seeding_admin.id,
            verified_at=datetime(2026, 3, 1, tzinfo=UTC),
        )
    )
    db.session.get(SpecialistProfile, doctor.id).verification = "verified"
    db.session.commit()
    assert ids(client, region="DE") == [doctor.id]
    assert ids(client, region="FR") == []  # claimed, never verified
    [item] = client.get("/api/v1/specialists").get_json()["items"]
    assert item["licensed_regions"] == ["DE"]
    page = client.get("/specialists").text
    assert "Verified" in page and "Ärztekammer Berlin" in page and "30 June 2027" in page
    detail = client.get(f"/specialists/{doctor.id}").text
    assert "Ärztekammer Berlin" in detail and "FR" not in detail


@pytest.fixture
def admin_of(make_account):
    def factory():
        return make_account(role="admin")

    return factory


def test_a_lapsed_licence_stops_covering_the_day_after_expiry(
    app, client, clock, make_specialist, make_account, auth_header
):
    """The licence ends on Wednesday 4 March 2026 (UTC date); Thursday it covers nothing."""
    doctor = make_specialist(verified=False, profile={"licensed_regions": ["DE"]})
    admin = make_account(role="admin")
    seeding.verify_claims([doctor.id], verifier=admin, now=clock(), expires_on=date(2026, 3, 4))
    db.session.commit()
    patient = auth_header(make_account())
    # Booking on Monday: a Wednesday consultation is covered, a Thursday one is not.
    assert book(client, patient, doctor.id, "2026-03-04T10:00:00Z").status_code == 201
    late = book(client, auth_header(make_account()), doctor.id, "2026-03-05T10:00:00Z")
    assert late.status_code == 422
    assert "patient_region" in late.get_json()["errors"]
    # The last day itself: still listed for DE.
    clock.now = datetime(2026, 3, 4, 23, 59, tzinfo=UTC)
    assert ids(client, region="DE") == [doctor.id]
    assert client.get(f"/api/v1/specialists/{doctor.id}").get_json()["licensed_regions"] == ["DE"]
    # The day after (00:00 UTC): no longer covers DE, though still verified and listed.
    clock.now = datetime(2026, 3, 5, 0, 0, tzinfo=UTC)
    assert ids(client, region="DE") == []
    assert doctor.id in ids(client)
    assert client.get(f"/api/v1/specialists/{doctor.id}").get_json()["licensed_regions"] == []
    refused = book(client, auth_header(make_account()), doctor.id, "2026-03-09T10:00:00Z")
    assert refused.status_code == 422


def test_a_reschedule_past_the_licence_lapse_is_refused(
    client, clock, make_specialist, make_account, auth_header
):
    doctor = make_specialist(verified=False, profile={"licensed_regions": ["DE"]})
    admin = make_account(role="admin")
    seeding.verify_claims([doctor.id], verifier=admin, now=clock(), expires_on=date(2026, 3, 4))
    db.session.commit()
    patient = auth_header(make_account())
    booked = book(client, patient, doctor.id, "2026-03-04T10:00:00Z")
    assert booked.status_code == 201
    moved = client.post(
        f"/api/v1/consultations/{booked.get_json()['id']}/reschedule",
        headers=auth_header(doctor),
        json={"start": "2026-03-05T10:00:00Z"},
    )
    assert moved.status_code == 422
    assert "start" in moved.get_json()["errors"]
    assert (
        client.post(
            f"/api/v1/consultations/{booked.get_json()['id']}/reschedule",
            headers=auth_header(doctor),
            json={"start": "2026-03-04T12:00:00Z"},
        ).status_code
        == 200
    )
