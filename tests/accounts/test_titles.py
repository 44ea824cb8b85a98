"""A patient cannot take a clinician's title, at sign-up or later."""

from __future__ import annotations

from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import Account

NEW = {
    "email": "roe@example.org",
    "password": "a-long-password-1",
    "role": "patient",
    "timezone": "Europe/Berlin",
}


def test_api_registration_refuses_a_title_for_patients_only(client):
    for name in ("Dr Jane Roe", "Prof. Jane Roe", "Jane Roe, M.D."):
        answer = client.post("/api/v1/accounts", json={**NEW, "full_name": name})
        assert answer.status_code == 422, name
        assert "title" in answer.get_json()["errors"]["full_name"][0]
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0
    specialist = client.post(
        "/api/v1/accounts", json={**NEW, "full_name": "Dr Jane Roe", "role": "specialist"}
    )
    assert specialist.status_code in (201, 202), specialist.text


def test_api_profile_edit_refuses_a_title(client, make_account, auth_header):
    patient = make_account(full_name="Jane Roe")
    answer = client.patch(
        "/api/v1/me", headers=auth_header(patient), json={"full_name": "Doctor Jane Roe"}
    )
    assert answer.status_code == 422
    assert "full_name" in answer.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Account, patient.id).full_name == "Jane Roe"


def test_html_register_and_account_pages_refuse_a_title(client, submit, make_account, sign_in):
    page = submit(
        "/register",
        {**NEW, "full_name": "Dra. Jane Roe"},
    )
    assert page.status_code == 422
    assert "without a clinician" in page.text
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0
    patient = make_account(full_name="Jane Roe")
    sign_in(patient)
    edit = submit(
        "/account",
        {"full_name": "Professor Jane Roe", "timezone": "Europe/Berlin", "notify_by": "email"},
    )
    assert edit.status_code == 422
    assert "without a clinician" in edit.text
    db.session.expire_all()
    assert db.session.get(Account, patient.id).full_name == "Jane Roe"
