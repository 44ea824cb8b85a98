"""Sponsor codes: admins create them, patients check and use them, until used up or expired."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import AuditEvent, Consultation, SponsorCode, SponsorCodeUse
from telesecond.services.errors import Invalid
from telesecond.services.fees import checkout
from tests.factories import intake
from tests.fees.steps import ask, first_slot
from tests.web_forms import csrf_token


def check(client, headers, specialist_id, code):
    return client.post(
        "/api/v1/sponsor-codes/check",
        json={"code": code, "specialist_id": specialist_id},
        headers=headers,
    )


def test_an_admin_creates_a_code_and_a_patient_sees_the_quote(
    client, admin, make_account, doctor, auth_header
):
    created = client.post(
        "/api/v1/sponsor-codes",
        json={
            "code": "acme-2027",
            "sponsor_name": "Acme Insurance",
            "percent_off": 75,
            "max_uses": 10,
            "expires_at": "2026-06-30T22:00:00Z",
        },
        headers=auth_header(admin),
    )
    assert created.status_code == 201, created.text
    body = created.get_json()
    assert (body["code"], body["uses"], body["state"]) == ("ACME-2027", 0, "active")

    patient = auth_header(make_account())
    answer = check(client, patient, doctor.id, " Acme-2027 ")
    assert answer.status_code == 200, answer.text
    assert answer.get_json() == {
        "fee_cents": 20000,
        "currency": "EUR",
        "lines": [{"kind": "sponsor", "label": "Paid by Acme Insurance", "amount_cents": -15000}],
        "amount_cents": 5000,
    }
    listed = client.get("/api/v1/sponsor-codes?state=active", headers=auth_header(admin))
    assert [c["code"] for c in listed.get_json()["items"]] == ["ACME-2027"]
    assert db.session.get(SponsorCode, body["id"]).uses == 0  # a check uses nothing


def test_a_code_used_up_is_refused(app, client, make_account, doctor, make_code, auth_header):
    code = make_code(max_uses=1)
    first = make_account()
    checkout.book(
        first,
        doctor.id,
        first_slot(doctor),
        intake(),
        now=app.config["CLOCK"](),
        sponsor_code="acme-2027",
    )
    db.session.expire_all()
    assert db.session.get(SponsorCode, code.id).uses == 1
    [use] = db.session.scalars(select(SponsorCodeUse)).all()
    assert (use.patient_id, use.covered_cents) == (first.id, 10000)
    assert use.consultation_id is not None

    second = make_account()
    answer = check(client, auth_header(second), doctor.id, "ACME-2027")
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["code"] == [
        "This code has been used as many times as the sponsor allowed."
    ]
    with pytest.raises(Invalid) as refused:
        checkout.book(
            second,
            doctor.id,
            first_slot(doctor),
            intake(),
            now=app.config["CLOCK"](),
            sponsor_code="ACME-2027",
        )
    assert "sponsor_code" in refused.value.errors
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Consultation)
            .where(Consultation.patient_id == second.id)
        )
        == 0
    )


def test_an_expired_code_is_refused(client, clock, make_account, doctor, make_code, auth_header):
    make_code(expires_at=clock() + timedelta(hours=1))
    patient = auth_header(make_account())
    assert check(client, patient, doctor.id, "ACME-2027").status_code == 200
    clock.advance(hours=1)
    answer = check(client, patient, doctor.id, "ACME-2027")
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["code"] == ["This code has expired."]


def test_unknown_and_other_currency_codes_are_refused(
    client, make_account, doctor, make_code, auth_header
):
    make_code("USD-ONLY", percent_off=None, amount_off_cents=5000, currency="USD")
    patient = auth_header(make_account())
    unknown = check(client, patient, doctor.id, "NOPE-1234")
    assert unknown.status_code == 422
    assert "We do not know this code" in unknown.get_json()["errors"]["code"][0]
    other = check(client, patient, doctor.id, "usd-only")
    assert other.get_json()["errors"]["code"] == [
        "This code covers fees in USD; this fee is in EUR."
    ]


def test_a_failed_booking_gives_the_use_back(app, make_account, doctor, make_code):
    code = make_code(max_uses=1)
    patient = make_account()
    with pytest.raises(Invalid):
        checkout.book(
            patient,
            doctor.id,
            first_slot(doctor),
            intake(patient_region="FR"),
            now=app.config["CLOCK"](),
            sponsor_code="ACME-2027",
        )
    db.session.expire_all()
    assert db.session.get(SponsorCode, code.id).uses == 0
    assert db.session.scalar(select(func.count()).select_from(SponsorCodeUse)) == 0


def test_admin_pages_filter_create_and_export_formula_safe(
    client, clock, admin, sign_in, make_code, make_account, auth_header
):
    make_code("OLD-CODE", expires_at=clock() + timedelta(minutes=1))
    make_code("FULL-CODE", uses=2, max_uses=2)
    sign_in(admin)
    page = client.get("/admin/sponsor-codes")
    token = csrf_token(page.text)
    bad = client.post(
        "/admin/sponsor-codes",
        data={
            "csrf_token": token,
            "code": "x",
            "sponsor_name": "Acme",
            "max_uses": "0",
            "expires_on": "2026-12-31",
        },
    )
    assert bad.status_code == 422
    assert "Allow from 1 to 1,000,000 uses." in bad.text
    made = client.post(
        "/admin/sponsor-codes",
        data={
            "csrf_token": token,
            "code": "hr-perks",
            "sponsor_name": '=HYPERLINK("x")',
            "amount_off": "50",
            "currency": "eur",
            "max_uses": "3",
            "expires_on": "2026-12-31",
        },
    )
    assert made.status_code == 302, made.text
    row = db.session.scalar(select(SponsorCode).where(SponsorCode.code == "HR-PERKS"))
    assert (row.amount_off_cents, row.currency) == (5000, "EUR")
    # The last day is in the admin's zone (Berlin, UTC+1 in winter), through its end.
    assert row.expires_at.isoformat() == "2026-12-31T23:00:00+00:00"

    clock.advance(minutes=2)
    assert "OLD-CODE" in client.get("/admin/sponsor-codes?state=expired").text
    used_up = client.get("/admin/sponsor-codes?state=used_up").text
    assert "FULL-CODE" in used_up and "OLD-CODE" not in used_up
    assert client.get("/admin/sponsor-codes?state=bogus").status_code == 422

    export = client.get("/admin/sponsor-codes.csv?q=hr")
    assert export.status_code == 200
    assert export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0][:2] == ["code", "sponsor"]
    assert rows[1][:2] == ["HR-PERKS", '\'=HYPERLINK("x")']
    assert len(rows) == 2
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "sponsor_code.exported")
        )
        == 1
    )


def test_assistance_export_is_formula_safe(
    client, admin, sign_in, make_account, doctor, auth_header
):
    ask(client, auth_header(make_account()), doctor.id, reason="@SUM(1,2) is what I can pay")
    ask(client, auth_header(make_account()), doctor.id, reason="-plain")
    sign_in(admin)
    export = client.get("/admin/assistance.csv?status=pending")
    rows = list(csv.reader(io.StringIO(export.text)))
    reasons = {row[rows[0].index("reason")] for row in rows[1:]}
    assert reasons == {"'@SUM(1,2) is what I can pay", "'-plain"}
    assert client.get("/admin/assistance.csv?status=nope").status_code == 422


def test_the_booking_api_takes_a_sponsor_code(client, make_account, doctor, make_code, auth_header):
    code = make_code(max_uses=1)
    patient = auth_header(make_account())
    body = {
        "specialist_id": doctor.id,
        "start": first_slot(doctor).isoformat().replace("+00:00", "Z"),
        "patient_region": "DE",
        "reason": "A second look.",
        "current_diagnosis": "Stage II",
        "proposed_treatment": "Surgery",
        "questions": ["Is surgery needed?"],
        "telehealth_consent": True,
        "sponsor_code": "ACME-2027",
    }
    booked = client.post("/api/v1/consultations", json=body, headers=patient)
    assert booked.status_code == 201, booked.text
    db.session.expire_all()
    assert db.session.get(SponsorCode, code.id).uses == 1
    again = client.post(
        "/api/v1/consultations",
        json=body,
        headers=auth_header(make_account()),
    )
    assert again.status_code == 422
    assert again.get_json()["errors"]["sponsor_code"] == [
        "This code has been used as many times as the sponsor allowed."
    ]
