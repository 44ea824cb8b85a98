"""The admin API verifies, refuses, suspends and reinstates specialists."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, SpecialistLicence, SpecialistProfile
from tests.consultations.booking_requests import book

LICENCE = {"region": "DE", "number": "ÄK-123", "issuer": "Ärztekammer Berlin"}


def decide(client, headers, specialist_id, **body):
    return client.post(
        f"/api/v1/admin/specialists/{specialist_id}/verification", headers=headers, json=body
    )


def state_of(specialist_id: int) -> str:
    db.session.expire_all()
    return db.session.get(SpecialistProfile, specialist_id).verification


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_pending_specialist_is_listed_for_the_admin_with_claims(
    client, admin, auth_header, make_specialist
):
    pending = make_specialist(verified=False, full_name="Dr Pending")
    make_specialist(full_name="Dr Verified")
    answer = client.get(
        "/api/v1/admin/specialists",
        query_string={"verification": "pending"},
        headers=auth_header(admin),
    )
    assert answer.status_code == 200
    [item] = answer.get_json()["items"]
    assert item["id"] == pending.id
    assert item["verification"] == "pending"
    assert item["claimed_regions"] == ["DE", "US-CA"]
    assert item["licences"] == []
    assert item["email"] == pending.email


def test_verify_records_licences_and_makes_the_specialist_bookable(
    client, admin, auth_header, make_specialist, make_account
):
    doctor = make_specialist(verified=False)
    patient = auth_header(make_account())
    assert client.get(f"/api/v1/specialists/{doctor.id}").status_code == 404
    assert book(client, patient, doctor.id, "2026-03-03T10:00:00Z").status_code == 404

    answer = decide(
        client,
        auth_header(admin),
        doctor.id,
        decision="verify",
        licences=[{**LICENCE, "expires_on": "2027-12-31"}],
        note="Checked the Berlin register online.",
    )
    assert answer.status_code == 200, answer.text
    body = answer.get_json()
    assert body["verification"] == "verified"
    [licence] = body["licences"]
    assert licence["region"] == "DE"
    assert licence["verified_by"] == admin.id
    assert licence["note"] == "Checked the Berlin register online."

    public = client.get(f"/api/v1/specialists/{doctor.id}").get_json()
    assert public["verified"] is True
    # Only the verified licence counts: the claimed US-CA is not shown as a fact.
    assert public["licensed_regions"] == ["DE"]
    assert public["licences"] == [
        {"region": "DE", "issuer": "Ärztekammer Berlin", "expires_on": "2027-12-31"}
    ]
    assert book(client, patient, doctor.id, "2026-03-03T10:00:00Z").status_code == 201
    refused = book(client, patient, doctor.id, "2026-03-03T12:00:00Z", patient_region="US-CA")
    assert refused.status_code == 422
    assert "patient_region" in refused.get_json()["errors"]
    assert "specialist.verified" in actions()


def test_refusal_emails_the_reason_with_a_neutral_subject(
    mail_app, admin, auth_header, make_specialist, smtp_server
):
    client = mail_app.test_client()
    doctor = make_specialist(verified=False)
    answer = decide(
        client,
        auth_header(admin),
        doctor.id,
        decision="refuse",
        reason="The licence number is not on the register.",
    )
    assert answer.status_code == 200, answer.text
    assert answer.get_json()["verification"] == "refused"
    [message] = smtp_server.wait_for(1)
    assert message.rcpt_tos == (doctor.email,)
    assert message["Subject"] == "telesecond: your specialist application"
    assert "The licence number is not on the register." in message.get_content()
    assert state_of(doctor.id) == "refused"
    assert "specialist.refused" in actions()
    assert client.get(f"/api/v1/specialists/{doctor.id}").status_code == 404


def test_suspension_hides_ends_sessions_and_reinstatement_restores(
    client, admin, auth_header, make_specialist, make_account, book_consultation
):
    doctor = make_specialist()
    booked = book_consultation(make_account(), doctor)
    doctor_headers = auth_header(doctor)
    assert client.get("/api/v1/me", headers=doctor_headers).status_code == 200
    headers = auth_header(admin)

    answer = client.post(
        f"/api/v1/admin/specialists/{doctor.id}/suspension",
        headers=headers,
        json={"reason": "Licence under investigation."},
    )
    assert answer.status_code == 200, answer.text
    assert answer.get_json()["verification"] == "suspended"
    # Signed out everywhere: the token no longer works.
    assert client.get("/api/v1/me", headers=doctor_headers).status_code == 401
    assert doctor.id not in [i["id"] for i in client.get("/api/v1/specialists").get_json()["items"]]
    assert client.get(f"/api/v1/specialists/{doctor.id}").status_code == 404
    assert client.get(f"/api/v1/specialists/{doctor.id}/slots").status_code == 404
    hold = client.post(
        "/api/v1/holds",
        headers=auth_header(make_account()),
        json={"specialist_id": doctor.id, "start": "2026-03-04T10:00:00Z"},
    )
    assert hold.status_code == 404
    # Nothing is cancelled silently.
    db.session.expire_all()
    assert db.session.get(type(booked), booked.id).status == "confirmed"

    back = client.delete(
        f"/api/v1/admin/specialists/{doctor.id}/suspension",
        headers=headers,
        json={"reason": "Cleared by the board."},
    )
    assert back.status_code == 200
    assert back.get_json()["verification"] == "verified"
    assert client.get(f"/api/v1/specialists/{doctor.id}").status_code == 200
    assert {"specialist.suspended", "specialist.reinstated"} <= set(actions())


def test_only_admins_may_use_the_admin_api(client, auth_header, make_specialist, make_account):
    doctor = make_specialist(verified=False)
    for who in (make_account(), doctor):
        headers = auth_header(who)
        assert client.get("/api/v1/admin/specialists", headers=headers).status_code == 403
        assert (
            decide(
                client,
                headers,
                doctor.id,
                decision="verify",
                licences=[{**LICENCE, "expires_on": "2027-12-31"}],
            ).status_code
            == 403
        )
    assert client.get("/api/v1/admin/specialists").status_code == 401
    assert state_of(doctor.id) == "pending"


def test_bad_input_is_a_clear_4xx_and_changes_nothing(client, admin, auth_header, make_specialist):
    doctor = make_specialist(verified=False)
    headers = auth_header(admin)
    cases = [
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "verify"}, "licences"),
        ({"decision": "verify", "licences": []}, "licences"),
        ({"decision": "verify", "licences": "DE"}, "licences"),
        ({"decision": "verify", "licences": [{"region": "DE"}]}, "licences"),
        (
            {
                "decision": "verify",
                "licences": [{**LICENCE, "region": "Germany", "expires_on": "2027-01-01"}],
            },
            "licences",
        ),
        ({"decision": "verify", "licences": [{**LICENCE, "expires_on": "2026-03-02"}]}, "licences"),
        ({"decision": "verify", "licences": [{**LICENCE, "expires_on": "tomorrow"}]}, "licences"),
        (
            {
                "decision": "verify",
                "licences": [{**LICENCE, "number": "x\u0000", "expires_on": "2027-01-01"}],
            },
            "licences",
        ),
        ({"decision": "refuse"}, "reason"),
        ({"decision": "refuse", "reason": "   "}, "reason"),
        ({"decision": "refuse", "reason": "x" * 5000}, "reason"),
    ]
    for body, field in cases:
        answer = decide(client, headers, doctor.id, **body)
        assert answer.status_code == 422, (body, answer.status_code, answer.text)
        assert answer.mimetype == "application/problem+json"
        assert field in answer.get_json()["errors"], (body, answer.get_json())
    assert (
        client.post(
            f"/api/v1/admin/specialists/{doctor.id}/verification",
            headers=headers,
            data="{",
            content_type="application/json",
        ).status_code
        == 400
    )
    # State conflicts: suspend a pending one, reinstate one not suspended.
    suspend = client.post(
        f"/api/v1/admin/specialists/{doctor.id}/suspension", headers=headers, json={"reason": "x"}
    )
    assert suspend.status_code == 409
    assert (
        client.post(
            f"/api/v1/admin/specialists/{doctor.id}/suspension", headers=headers, json={}
        ).status_code
        == 422
    )
    assert (
        client.delete(
            f"/api/v1/admin/specialists/{doctor.id}/suspension",
            headers=headers,
            json={"reason": "x"},
        ).status_code
        == 409
    )
    assert (
        decide(
            client,
            headers,
            999_999,
            decision="verify",
            licences=[{**LICENCE, "expires_on": "2027-12-31"}],
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/api/v1/admin/specialists", query_string={"verification": "vip"}, headers=headers
        ).status_code
        == 422
    )
    assert state_of(doctor.id) == "pending"
    assert db.session.scalars(select(SpecialistLicence)).all() == []
