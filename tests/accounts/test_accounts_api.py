"""Accounts, profile and tokens through the JSON API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account, AuditEvent
from tests.credentials import PASSWORD

NEW = {
    "email": "Ada@Example.org",
    "password": "a-long-enough-password",
    "full_name": "Ada Lovelace",
    "role": "patient",
    "timezone": "Europe/London",
    "phone": "+44 7911 123456",
}


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_register_answers_202_and_keeps_the_account_unverified(client):
    response = client.post("/api/v1/accounts", json=NEW)
    assert response.status_code == 202
    assert set(response.get_json()) == {"detail"}
    assert "check your spam folder" in response.get_json()["detail"]
    account = db.session.scalars(select(Account)).one()
    assert account.email == "ada@example.org"
    assert account.phone == "+447911123456"
    assert account.role == "patient"
    assert account.timezone == "Europe/London"
    assert account.channels == ["email"]
    assert account.sms_consent is False
    assert account.email_verified_at is None
    assert "password" not in response.text and "hash" not in response.text


def test_register_twice_with_the_same_email_answers_the_same_and_changes_nothing(client):
    first = client.post("/api/v1/accounts", json=NEW)
    again = client.post(
        "/api/v1/accounts",
        json={**NEW, "email": "ADA@example.org", "full_name": "Someone Else", "role": "specialist"},
    )
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.get_json() == first.get_json()
    account = db.session.scalars(select(Account)).one()
    assert (account.full_name, account.role) == ("Ada Lovelace", "patient")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("email", "a@b"),
        ("timezone", "Mars/Olympus_Mons"),
        ("timezone", "../../etc/passwd"),
        ("phone", "12345"),
        ("phone", "+49 000"),
        ("password", "short"),
        ("role", "admin"),
        ("full_name", "   "),
    ],
)
def test_register_refuses_bad_values_with_field_errors(client, field, value):
    response = client.post("/api/v1/accounts", json={**NEW, field: value})
    assert response.status_code == 422
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in body["errors"]
    assert body["errors"][field][0]


def test_register_reports_every_missing_field_at_once(client):
    response = client.post("/api/v1/accounts", json={})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) >= {
        "email",
        "password",
        "full_name",
        "role",
        "timezone",
    }


def test_token_login_me_and_revocation(client):
    client.post("/api/v1/accounts", json=NEW)
    token = client.post(
        "/api/v1/tokens", json={"email": "ada@example.org", "password": NEW["password"]}
    )
    assert token.status_code == 201
    body = token.get_json()
    assert body["expires_at"].endswith("Z")
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert (me["email"], me["email_verified"]) == ("ada@example.org", False)
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    after = client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401
    assert after.mimetype == "application/problem+json"
    assert after.headers["WWW-Authenticate"].startswith("Bearer")
    assert {"account.registered", "login.succeeded", "token.created", "token.revoked"} <= set(
        actions()
    )


def test_wrong_password_is_401_and_audited(client, make_account):
    account = make_account()
    response = client.post(
        "/api/v1/tokens", json={"email": account.email, "password": "wrong-password!"}
    )
    assert response.status_code == 401
    assert response.get_json()["title"] == "Not authenticated"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).one()
    assert event.actor_id == account.id
    assert event.ip == "127.0.0.1"


def test_unknown_email_is_the_same_401(client):
    response = client.post(
        "/api/v1/tokens", json={"email": "nobody@example.org", "password": "whatever-password"}
    )
    assert response.status_code == 401


def test_token_expires(client, make_account, clock):
    account = make_account()
    token = client.post("/api/v1/tokens", json={"email": account.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.advance(hours=24, seconds=1)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_garbage_and_missing_tokens_are_401(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_patch_me_changes_only_the_callers_account(client, make_account, auth_header):
    alice, bob = make_account(), make_account()
    response = client.patch(
        "/api/v1/me",
        headers=auth_header(alice),
        json={
            "full_name": "Alice Changed",
            "timezone": "Asia/Tokyo",
            "phone": "+81 90 1234 5678",
            "notify_by": ["sms", "email"],
            "sms_consent": True,
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["full_name"] == "Alice Changed"
    assert body["phone"] == "+819012345678"
    assert body["notify_by"] == ["email", "sms"]
    assert body["sms_consent"] is True and body["sms_consent_at"] == "2026-03-02T09:00:00Z"
    assert (
        client.get("/api/v1/me", headers=auth_header(bob)).get_json()["full_name"] == bob.full_name
    )


def test_patch_me_cannot_change_role_or_email(client, make_account, auth_header):
    alice = make_account()
    response = client.patch(
        "/api/v1/me", headers=auth_header(alice), json={"role": "admin", "email": "x@example.org"}
    )
    assert response.status_code == 200
    assert response.get_json()["role"] == "patient"
    assert response.get_json()["email"] == alice.email


def test_sms_channel_needs_a_phone(client, make_account, auth_header):
    response = client.patch(
        "/api/v1/me", headers=auth_header(make_account()), json={"notify_by": ["sms"]}
    )
    assert response.status_code == 422
    assert "notify_by" in response.get_json()["errors"]


def test_patch_me_refuses_bad_zone_and_phone(client, make_account, auth_header):
    response = client.patch(
        "/api/v1/me",
        headers=auth_header(make_account()),
        json={"timezone": "Nowhere/Land", "phone": "+1 555"},
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"timezone", "phone"}


def test_login_rate_limit_answers_429_problem(make_app):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    make_account_email = "limit@example.org"
    codes = [
        client.post(
            "/api/v1/tokens", json={"email": make_account_email, "password": "wrong-password"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    last = client.post("/api/v1/tokens", json={"email": make_account_email, "password": "x" * 12})
    assert last.mimetype == "application/problem+json"
    assert last.get_json()["status"] == 429


def test_rate_limits_are_shared_through_redis(make_app):
    """Two workers (two apps) counting in one Redis answer 429 together."""
    import uuid

    settings = {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "LOGIN_RATE_LIMIT": "2 per minute",
    }
    first, second = make_app(**settings).test_client(), make_app(**settings).test_client()
    body = {"email": "nobody@example.org", "password": "wrong-password"}
    assert first.post("/api/v1/tokens", json=body).status_code == 401
    assert second.post("/api/v1/tokens", json=body).status_code == 401
    assert first.post("/api/v1/tokens", json=body).status_code == 429
    assert second.post("/api/v1/tokens", json=body).status_code == 429
