"""Sign-up through the real SMTP server: the verification link, and a taken address."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account, AuditEvent
from tests.accounts.conftest import BASE, last_to, link_in, text_of
from tests.web_forms import csrf_token

NEW = {
    "email": "Mary.Seacole@example.org",
    "password": "a-long-enough-password",
    "full_name": "Mary Seacole",
    "role": "patient",
    "timezone": "Europe/London",
}
ADDRESS = "mary.seacole@example.org"


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def account() -> Account:
    found = db.session.scalars(select(Account)).one()
    db.session.refresh(found)
    return found


def token_for(client, headers=None) -> dict:
    response = client.post("/api/v1/tokens", json={"email": ADDRESS, "password": NEW["password"]})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_sign_up_emails_a_link_that_verifies_the_address(mail_client, smtp_server):
    assert mail_client.post("/api/v1/accounts", json=NEW).status_code == 202
    email = last_to(smtp_server, ADDRESS)
    assert email["Subject"] == "Confirm your telesecond email address"
    assert email["To"].addresses[0].addr_spec == ADDRESS
    assert f"{BASE}/verify-email/" in text_of(email)
    headers = token_for(mail_client)  # tokens can be made before the address is verified
    assert mail_client.get("/api/v1/me", headers=headers).get_json()["email_verified"] is False

    token = link_in(email, "/verify-email")
    assert mail_client.post("/api/v1/email-verifications", json={"token": token}).status_code == 204
    assert mail_client.get("/api/v1/me", headers=headers).get_json()["email_verified"] is True
    again = mail_client.post("/api/v1/email-verifications", json={"token": token})
    assert again.status_code == 422
    assert again.mimetype == "application/problem+json"
    assert "already used" in again.get_json()["errors"]["token"][0]
    assert {"account.registered", "email.verification_sent", "email.verified"} <= set(actions())


def test_the_link_page_verifies_only_when_the_button_is_pressed(mail_client, smtp_server):
    """A mail scanner that fetches the link verifies nothing; the button does."""
    mail_client.post("/api/v1/accounts", json=NEW)
    token = link_in(last_to(smtp_server, ADDRESS), "/verify-email")
    page = mail_client.get(f"/verify-email/{token}")
    assert page.status_code == 200
    assert "Confirm my email address" in page.text
    assert account().email_verified_at is None
    done = mail_client.post(f"/verify-email/{token}", data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 302
    # A patient signs in, then goes on to find a specialist (tests/accounts/test_sign_up_leads_on).
    assert done.headers["Location"].endswith("/login?next=/specialists")
    assert account().email_verified_at is not None
    used = mail_client.get(f"/verify-email/{token}")
    assert used.status_code == 404
    assert "This link does not work" in used.text


def test_an_expired_link_is_refused(mail_client, smtp_server, clock):
    mail_client.post("/api/v1/accounts", json=NEW)
    token = link_in(last_to(smtp_server, ADDRESS), "/verify-email")
    clock.advance(hours=48, seconds=1)
    response = mail_client.post("/api/v1/email-verifications", json={"token": token})
    assert response.status_code == 422
    assert mail_client.get(f"/verify-email/{token}").status_code == 404
    assert account().email_verified_at is None


def test_a_new_link_can_be_asked_for_three_times_an_hour(mail_client, smtp_server, clock):
    mail_client.post("/api/v1/accounts", json=NEW)
    first = link_in(last_to(smtp_server, ADDRESS), "/verify-email")
    headers = token_for(mail_client)
    codes = [
        mail_client.post("/api/v1/me/email-verification", headers=headers).status_code
        for _ in range(3)
    ]
    assert codes == [202, 202, 429]  # the sign-up email counts as the first of three
    assert len(smtp_server.messages_to(ADDRESS)) == 3
    # Only the newest link works.
    refused = mail_client.post("/api/v1/email-verifications", json={"token": first})
    assert refused.status_code == 422
    clock.advance(hours=1, seconds=1)
    assert mail_client.post("/api/v1/me/email-verification", headers=headers).status_code == 202
    newest = link_in(last_to(smtp_server, ADDRESS, 4), "/verify-email")
    verified = mail_client.post("/api/v1/email-verifications", json={"token": newest})
    assert verified.status_code == 204
    done = mail_client.post("/api/v1/me/email-verification", headers=headers)
    assert done.status_code == 409
    assert "already verified" in done.get_json()["detail"]


def test_the_account_page_offers_a_new_link(mail_client, smtp_server):
    mail_client.post("/api/v1/accounts", json=NEW)
    page = mail_client.get("/login")
    mail_client.post(
        "/login",
        data={"email": ADDRESS, "password": NEW["password"], "csrf_token": csrf_token(page.text)},
    )
    profile = mail_client.get("/account")
    assert "not confirmed yet" in profile.text
    sent = mail_client.post(
        "/account/email-verification",
        data={"csrf_token": csrf_token(profile.text)},
        follow_redirects=True,
    )
    assert f"sent a new confirmation link to {ADDRESS}" in sent.text
    assert len(smtp_server.messages_to(ADDRESS)) == 2


def test_registering_a_taken_address_answers_the_same_and_tells_its_owner(mail_client, smtp_server):
    first = mail_client.post("/api/v1/accounts", json=NEW)
    before = account()
    stored = (before.password_hash, before.full_name, before.role, before.timezone)
    again = mail_client.post(
        "/api/v1/accounts",
        json={
            **NEW,
            "email": "MARY.SEACOLE@example.org",
            "password": "another-strong-password-9",
            "full_name": "Not Mary",
            "role": "specialist",
            "timezone": "Asia/Tokyo",
        },
    )
    assert again.status_code == first.status_code == 202
    assert again.get_json() == first.get_json()
    after = account()
    assert (after.password_hash, after.full_name, after.role, after.timezone) == stored
    emails = smtp_server.messages_to(ADDRESS)
    assert len(emails) == 2
    notice = emails[-1]
    assert notice["Subject"] == "About your telesecond account"
    assert "already have an account, so nothing was changed" in text_of(notice)
    assert f"{BASE}/login" in text_of(notice) and f"{BASE}/forgot-password" in text_of(notice)
    assert "/verify-email/" not in text_of(notice)
    # The old password still signs in; the one sent the second time does not.
    assert token_for(mail_client)


def test_the_sign_up_page_shows_the_same_page_for_a_taken_address(mail_client, smtp_server):
    def sign_up(email: str):
        page = mail_client.get("/register")
        return mail_client.post(
            "/register",
            data={
                **NEW,
                "email": email,
                "phone": "",
                "csrf_token": csrf_token(page.text),
            },
        )

    fresh, taken = sign_up("new.person@example.org"), sign_up("new.person@example.org")
    assert fresh.status_code == taken.status_code == 200
    assert "Check your email" in fresh.text and "Check your email" in taken.text
    assert mail_client.get("/account").status_code == 302  # nobody was signed in
    subjects = [m["Subject"] for m in smtp_server.messages_to("new.person@example.org")]
    assert subjects == ["Confirm your telesecond email address", "About your telesecond account"]


@pytest.mark.parametrize(
    "body",
    [{}, {"token": 5}, {"token": ""}, {"token": "x" * 201}, {"token": "nope"}, {"token": "\x00"}],
)
def test_bad_verification_requests_are_clear_4xx(mail_client, body):
    response = mail_client.post("/api/v1/email-verifications", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "token" in response.get_json()["errors"]


def test_unknown_and_oversized_link_pages_are_404(mail_client):
    assert mail_client.get("/verify-email/nope").status_code == 404
    assert mail_client.get("/verify-email/" + "x" * 5000).status_code == 404
    # A POST without the form's security token is refused before anything is looked up.
    assert mail_client.post("/verify-email/nope").status_code == 400


def test_the_resend_needs_a_token_and_the_page_a_session(mail_client):
    assert mail_client.post("/api/v1/me/email-verification").status_code == 401
    assert mail_client.post("/account/email-verification").status_code in (302, 400)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"password": "aaaaaaaaaa"}, "Repeats"),
        ({"password": "1234567890"}, "common password"),
        ({"password": "password12"}, "common password"),
        ({"password": "kX9#mP2$vL7", "role": "specialist"}, "at least 12 characters"),
        ({"password": "mary.seacole.1805"}, "."),  # her own address and name
    ],
)
def test_sign_up_refuses_weak_passwords_with_the_reason(mail_client, smtp_server, changes, words):
    response = mail_client.post("/api/v1/accounts", json={**NEW, **changes})
    assert response.status_code == 422
    assert words in response.get_json()["errors"]["password"][0]
    assert db.session.scalars(select(Account)).all() == []
    assert smtp_server.messages == []


def test_the_sign_up_page_says_why_a_password_is_refused(mail_client):
    page = mail_client.get("/register")
    response = mail_client.post(
        "/register",
        data={**NEW, "password": "password12", "phone": "", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 422
    assert "This is a very common password." in response.text
    assert db.session.scalars(select(Account)).all() == []
