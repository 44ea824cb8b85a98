"""Sign-up, sign-in, profile and sign-out through the HTML pages."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account, AuditEvent
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token

SIGNUP = {
    "full_name": "Grace Hopper",
    "email": "grace@example.org",
    "password": "a-long-enough-password",
    "role": "patient",
    "timezone": "America/New_York",
    "phone": "",
}


def test_landing_page_explains_and_warns(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "second opinion" in page.text.lower()
    assert "not for emergencies" in page.text
    assert 'href="/static/css/app.css' in page.text or "/static/css/app.css" in page.text


def test_security_headers(client):
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_register_asks_to_check_the_email_and_does_not_sign_in(client, submit):
    response = submit("/register", SIGNUP)
    assert response.status_code == 200
    assert "Check your email" in response.text
    assert client.get("/account").status_code == 302  # not signed in
    account = db.session.scalars(select(Account)).one()
    assert account.timezone == "America/New_York"
    assert account.email_verified_at is None
    submit("/login", {"email": SIGNUP["email"], "password": SIGNUP["password"]})
    profile = client.get("/account")
    assert profile.status_code == 200
    assert "grace@example.org" in profile.text
    assert "not confirmed yet" in profile.text
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_register_with_bad_fields_keeps_input_and_names_each_problem(client, submit):
    response = submit(
        "/register", {**SIGNUP, "email": "nope", "timezone": "Moon/Base", "phone": "123"}
    )
    assert response.status_code == 422
    assert 'value="Grace Hopper"' in response.text
    assert "Enter a valid email address." in response.text
    assert "Choose a time zone" in response.text
    assert "valid phone number" in response.text
    assert 'aria-invalid="true"' in response.text
    assert db.session.scalars(select(Account)).first() is None


def test_form_without_csrf_token_is_refused(client):
    response = client.post("/register", data=SIGNUP)
    assert response.status_code == 400
    assert "security token" in response.text
    assert db.session.scalars(select(Account)).first() is None


def test_login_wrong_password_then_right_then_logout(client, submit, make_account):
    account = make_account(email="kim@example.org")
    wrong = submit("/login", {"email": "kim@example.org", "password": "not-the-password"})
    assert wrong.status_code == 401
    assert "not correct" in wrong.text
    right = submit("/login", {"email": "KIM@example.org", "password": PASSWORD})
    assert right.status_code == 302
    assert client.get("/account").status_code == 200
    page = client.get("/account")
    logout = client.post("/logout", data={"csrf_token": csrf_token(page.text)})
    assert logout.status_code == 302
    assert client.get("/account").status_code == 302
    kinds = set(db.session.scalars(select(AuditEvent.action)))
    assert {"login.failed", "login.succeeded"} <= kinds
    assert account.id


def test_login_redirects_only_to_local_next(client, submit, make_account):
    make_account(email="lee@example.org")
    page = client.get("/login?next=https://evil.example/")

    response = client.post(
        "/login?next=https://evil.example/",
        data={
            "email": "lee@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.headers["Location"] == "/"


def test_account_page_needs_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_profile_update_records_sms_consent(client, submit, make_account):
    make_account(email="pat@example.org")
    submit("/login", {"email": "pat@example.org", "password": PASSWORD})
    response = submit(
        "/account",
        {
            "full_name": "Pat Q",
            "timezone": "Europe/Paris",
            "phone": "+33 6 12 34 56 78",
            "notify_by": ["email", "sms"],
            "sms_consent": "y",
        },
    )
    assert response.status_code == 302
    account = db.session.scalars(select(Account)).one()
    db.session.refresh(account)
    assert account.phone == "+33612345678"
    assert account.channels == ["email", "sms"]
    assert account.sms_consent_at is not None


def test_login_form_is_rate_limited(make_app, make_account):
    app = make_app(LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    codes = [
        client.post(
            "/login", data={"email": "x@example.org", "password": "y" * 10, "csrf_token": token}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [401, 401, 429]
