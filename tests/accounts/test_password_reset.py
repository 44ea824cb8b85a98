"""Forgotten passwords: a single-use, expiring link by email, and every session ends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account, AuditEvent
from tests.accounts.conftest import BASE, NEW_PASSWORD, last_to, link_in, text_of
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token, login


def token_of(client, email: str, password: str):
    return client.post("/api/v1/tokens", json={"email": email, "password": password})


def bearer(client, email: str, password: str = PASSWORD) -> dict:
    response = token_of(client, email, password)
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def opens_account(client) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def test_full_reset_through_the_smtp_server(mail_app, mail_client, smtp_server, make_account):
    person = make_account(email="ines@example.org", email_verified=False)
    old_token = bearer(mail_client, person.email)
    browser = mail_app.test_client()
    login(browser, person)
    thief = mail_app.test_client()  # a copy of the browser's cookie, made before the reset
    thief.set_cookie("session", browser.get_cookie("session").value)
    assert opens_account(thief)

    asked = mail_client.post("/api/v1/password-resets", json={"email": "INES@example.org"})
    assert asked.status_code == 202
    email = last_to(smtp_server, "ines@example.org")
    assert email["Subject"] == "Reset your telesecond password"
    assert f"{BASE}/reset-password/" in text_of(email)
    assert "60 minutes" in text_of(email)
    token = link_in(email, "/reset-password")

    done = mail_client.post(
        "/api/v1/password-resets/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 204
    assert token_of(mail_client, person.email, PASSWORD).status_code == 401
    assert token_of(mail_client, person.email, NEW_PASSWORD).status_code == 201
    assert mail_client.get("/api/v1/me", headers=old_token).status_code == 401
    assert not opens_account(browser)
    assert not opens_account(thief)
    db.session.refresh(person)
    assert person.email_verified_at is not None  # reading the email proves the address
    notice = last_to(smtp_server, "ines@example.org", 2)
    assert notice["Subject"] == "Your telesecond password was changed"
    used = mail_client.post(
        "/api/v1/password-resets/confirm", json={"token": token, "password": "yet-another-pass-77"}
    )
    assert used.status_code == 422
    assert "token" in used.get_json()["errors"]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"password.reset_requested", "password.reset", "sessions.ended", "email.verified"} <= (
        actions
    )


def test_unknown_address_gets_the_same_answer_and_no_email(mail_client, smtp_server, make_account):
    make_account(email="known@example.org")
    known = mail_client.post("/api/v1/password-resets", json={"email": "known@example.org"})
    unknown = mail_client.post("/api/v1/password-resets", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert [m.rcpt_tos for m in smtp_server.messages] == [("known@example.org",)]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "password.reset_requested")
    ).all()
    assert [e.target_id for e in event][1] is None


def test_a_reset_link_expires_after_password_reset_minutes(
    mail_client, smtp_server, make_account, clock
):
    person = make_account(email="late@example.org")
    mail_client.post("/api/v1/password-resets", json={"email": person.email})
    token = link_in(last_to(smtp_server, person.email), "/reset-password")
    clock.advance(minutes=60, seconds=1)
    late = mail_client.post(
        "/api/v1/password-resets/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert late.status_code == 422
    assert "expired" in late.get_json()["errors"]["token"][0]
    page = mail_client.get(f"/reset-password/{token}")
    assert page.status_code == 404
    assert "Ask for a new link" in page.text
    assert token_of(mail_client, person.email, PASSWORD).status_code == 201


def test_reset_minutes_is_a_setting(make_app, clock, smtp_server, make_account):
    app = make_app(CLOCK=clock, PASSWORD_RESET_MINUTES=5, **smtp_server.app_config())
    person = make_account(email="quick@example.org")
    client = app.test_client()
    client.post("/api/v1/password-resets", json={"email": person.email})
    message = last_to(smtp_server, person.email)
    assert "5 minutes" in text_of(message)
    token = link_in_any(message)
    clock.advance(minutes=5, seconds=1)
    body = {"token": token, "password": NEW_PASSWORD}
    assert client.post("/api/v1/password-resets/confirm", json=body).status_code == 422


def link_in_any(message) -> str:
    return text_of(message).split("/reset-password/")[1].split()[0]


def test_a_weak_new_password_is_refused_and_the_link_still_works(
    mail_client, smtp_server, make_account
):
    person = make_account(email="weak@example.org")
    mail_client.post("/api/v1/password-resets", json={"email": person.email})
    token = link_in(last_to(smtp_server, person.email), "/reset-password")
    for weak, reason in (("password12", "common"), ("short", "at least 10")):
        response = mail_client.post(
            "/api/v1/password-resets/confirm", json={"token": token, "password": weak}
        )
        assert response.status_code == 422
        assert reason in response.get_json()["errors"]["password"][0]
    assert token_of(mail_client, person.email, PASSWORD).status_code == 201
    body = {"token": token, "password": NEW_PASSWORD}
    assert mail_client.post("/api/v1/password-resets/confirm", json=body).status_code == 204


def test_reset_requests_are_limited_per_address(mail_client, smtp_server, make_account):
    person = make_account(email="flood@example.org")
    codes = [
        mail_client.post("/api/v1/password-resets", json={"email": person.email}).status_code
        for _ in range(5)
    ]
    assert codes == [202] * 5  # the answer never changes ...
    assert len(smtp_server.messages_to(person.email)) == 3  # ... but only three emails go


def test_the_reset_pages(mail_app, mail_client, smtp_server, make_account):
    person = make_account(email="pages@example.org")
    signed_in = mail_app.test_client()
    login(signed_in, person)
    login_page = mail_client.get("/login")
    assert 'href="/forgot-password"' in login_page.text
    assert "Forgot your password?" in login_page.text
    form = mail_client.get("/forgot-password")
    sent = mail_client.post(
        "/forgot-password", data={"email": person.email, "csrf_token": csrf_token(form.text)}
    )
    assert sent.status_code == 200
    assert "Check your email" in sent.text
    token = link_in(last_to(smtp_server, person.email), "/reset-password")

    page = mail_client.get(f"/reset-password/{token}")
    assert page.status_code == 200
    mismatch = mail_client.post(
        f"/reset-password/{token}",
        data={"password": NEW_PASSWORD, "confirm": "other", "csrf_token": csrf_token(page.text)},
    )
    assert mismatch.status_code == 422
    assert "not the same" in mismatch.text
    weak = mail_client.post(
        f"/reset-password/{token}",
        data={
            "password": "1234567890",
            "confirm": "1234567890",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert weak.status_code == 422
    assert "common password" in weak.text
    done = mail_client.post(
        f"/reset-password/{token}",
        data={
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/login")
    assert not opens_account(signed_in)
    assert token_of(mail_client, person.email, NEW_PASSWORD).status_code == 201
    assert mail_client.get(f"/reset-password/{token}").status_code == 404


def test_the_forgot_page_answers_the_same_for_unknown_addresses(mail_client, smtp_server):
    form = mail_client.get("/forgot-password")
    sent = mail_client.post(
        "/forgot-password", data={"email": "ghost@example.org", "csrf_token": csrf_token(form.text)}
    )
    assert sent.status_code == 200
    assert "Check your email" in sent.text
    assert smtp_server.messages == []
    bad = mail_client.post(
        "/forgot-password", data={"email": "not-an-address", "csrf_token": csrf_token(form.text)}
    )
    assert bad.status_code == 422
    assert "valid email address" in bad.text
    assert mail_client.post("/forgot-password", data={"email": "x@example.org"}).status_code == 400


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/password-resets", {}, "email"),
        ("/api/v1/password-resets", {"email": ["a@b.example"]}, "email"),
        ("/api/v1/password-resets", {"email": "not-an-address"}, "email"),
        ("/api/v1/password-resets", {"email": "a" * 300 + "@example.org"}, "email"),
        ("/api/v1/password-resets/confirm", {"password": NEW_PASSWORD}, "token"),
        ("/api/v1/password-resets/confirm", {"token": "nope", "password": NEW_PASSWORD}, "token"),
        ("/api/v1/password-resets/confirm", {"token": "x", "password": 12345678901}, "password"),
        ("/api/v1/password-resets/confirm", {"token": "\ud800", "password": NEW_PASSWORD}, "token"),
    ],
)
def test_bad_reset_requests_are_clear_422s(mail_client, path, body, field):
    response = mail_client.post(path, json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_reset_routes_refuse_non_json(mail_client):
    for path in ("/api/v1/password-resets", "/api/v1/password-resets/confirm"):
        response = mail_client.post(path, data="email=x")
        assert response.status_code == 415
        assert response.mimetype == "application/problem+json"
        broken = mail_client.post(path, data="{", content_type="application/json")
        assert broken.status_code == 400


def test_a_suspended_account_gets_no_reset_link(mail_client, smtp_server, make_account):
    make_account(email="off@example.org", active=False)
    assert (
        mail_client.post("/api/v1/password-resets", json={"email": "off@example.org"}).status_code
        == 202
    )
    assert smtp_server.messages == []
    assert db.session.scalars(select(Account)).one().active is False


@pytest.mark.parametrize(
    "email", ["nul\x00@example.org", "tab\t@example.org", "x" * 300, "bell\x07@exämple.org"]
)
def test_the_forgot_page_refuses_unusable_addresses_cleanly(mail_client, smtp_server, email):
    form = mail_client.get("/forgot-password")
    response = mail_client.post(
        "/forgot-password", data={"email": email, "csrf_token": csrf_token(form.text)}
    )
    assert response.status_code == 422
    assert smtp_server.messages == []


@pytest.mark.parametrize("token", ["%00", "x" * 3000, "%F0%9F%92%A9", "%ED%A0%80"])
def test_link_pages_with_strange_tokens_are_404(mail_client, token):
    for path in ("/reset-password/", "/verify-email/"):
        response = mail_client.get(path + token)
        assert response.status_code == 404
        assert "This link does not work" in response.text
        assert mail_client.get(path + "..%2F..%2Fetc").status_code == 404
