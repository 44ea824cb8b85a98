"""SMS only with consent: asked at sign-up next to the number, and a choice without it is
refused with a message (API 422 ``errors.sms_consent``, the form beside the field)."""

from __future__ import annotations

import re

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account
from telesecond.services.accounts.registration import SMS_NEEDS_CONSENT, SMS_NEEDS_PHONE
from tests.credentials import PASSWORD

NEW = {
    "email": "sam@example.org",
    "password": "a-long-enough-password",
    "full_name": "Sam Sender",
    "role": "patient",
    "timezone": "Europe/Berlin",
    "phone": "+49 151 12345678",
}


def the_account() -> Account:
    db.session.expire_all()
    return db.session.scalars(select(Account)).one()


def test_sign_up_with_sms_consent_gets_texts_too(client, clock):
    response = client.post("/api/v1/accounts", json={**NEW, "sms_consent": True})
    assert response.status_code == 202
    account = the_account()
    assert account.sms_consent_at == clock()
    assert account.channels == ["email", "sms"]


def test_sign_up_consent_without_a_number_is_refused(client):
    response = client.post("/api/v1/accounts", json={**NEW, "phone": "", "sms_consent": True})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"sms_consent": [SMS_NEEDS_PHONE]}
    assert db.session.scalars(select(Account)).all() == []


def test_choosing_sms_without_consent_is_422_and_changes_nothing(client, make_account, auth_header):
    patient = make_account(phone="+4915112345678", notify_by="email")
    response = client.patch(
        "/api/v1/me", headers=auth_header(patient), json={"notify_by": ["email", "sms"]}
    )
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.get_json()["errors"] == {"sms_consent": [SMS_NEEDS_CONSENT]}
    assert the_account().channels == ["email"]

    both = client.patch(
        "/api/v1/me",
        headers=auth_header(patient),
        json={"notify_by": ["email", "sms"], "sms_consent": True},
    )
    assert both.status_code == 200
    assert both.get_json()["notify_by"] == ["email", "sms"]


def test_withdrawing_consent_alone_also_stops_the_texts(client, make_account, auth_header, clock):
    patient = make_account(phone="+4915112345678", notify_by="sms", sms_consent_at=clock())
    response = client.patch("/api/v1/me", headers=auth_header(patient), json={"sms_consent": False})
    assert response.status_code == 200
    assert response.get_json()["notify_by"] == ["email"]
    assert response.get_json()["sms_consent"] is False
    keep_sms = client.patch(
        "/api/v1/me",
        headers=auth_header(patient),
        json={"sms_consent": False, "notify_by": ["sms"]},
    )
    assert keep_sms.status_code == 422
    assert "sms_consent" in keep_sms.get_json()["errors"]


def error_next_to(html: str, field: str) -> list[str]:
    """The messages shown beside ``field`` (its ``<id>-error`` list)."""
    found = re.search(rf'<ul class="field-errors" id="{field}-error">(.*?)</ul>', html, re.S)
    if not found:
        return []
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    ]


def test_profile_form_refuses_sms_without_consent_beside_the_field(client, submit, make_account):
    make_account(email="pat@example.org", phone="+4915112345678")
    submit("/login", {"email": "pat@example.org", "password": PASSWORD})
    response = submit(
        "/account",
        {
            "full_name": "Pat Q",
            "timezone": "Europe/Berlin",
            "phone": "+4915112345678",
            "notify_by": ["email", "sms"],
        },
    )
    assert response.status_code == 422
    assert "Your profile is saved" not in response.text
    assert error_next_to(response.text, "sms_consent") == [f"Error: {SMS_NEEDS_CONSENT}"]
    assert response.text.count(SMS_NEEDS_CONSENT) == 2  # beside the field and in the summary
    assert the_account().channels == ["email"]


def test_register_form_asks_for_sms_consent_next_to_the_phone(client, submit):
    page = client.get("/register").text
    phone_at, consent_at = page.index('id="phone"'), page.index('id="sms_consent"')
    assert phone_at < consent_at
    assert page.index("Create account</button>") > consent_at
    response = submit("/register", {**NEW, "sms_consent": "y"})
    assert response.status_code == 200
    assert the_account().channels == ["email", "sms"]
    assert the_account().sms_consent_at is not None
