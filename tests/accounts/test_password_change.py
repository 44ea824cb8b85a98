"""Changing the password knowing the current one: every other session and token ends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent
from tests.accounts.conftest import NEW_PASSWORD
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token, login


def bearer(client, email: str, password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def opens_account(client) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def test_api_change_keeps_the_calling_token_and_ends_everything_else(app, client, make_account):
    person = make_account(email="zoe@example.org")
    mine, other = bearer(client, person.email), bearer(client, person.email)
    browser = app.test_client()
    login(browser, person)
    response = client.post(
        "/api/v1/me/password",
        headers=mine,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=mine).status_code == 200
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert not opens_account(browser)
    refused = client.post("/api/v1/tokens", json={"email": person.email, "password": PASSWORD})
    assert refused.status_code == 401
    assert bearer(client, person.email, NEW_PASSWORD)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"password.changed", "sessions.ended"} <= actions


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            {"current_password": "wrong-password-1", "new_password": NEW_PASSWORD},
            "current_password",
            "not correct",
        ),
        ({"current_password": PASSWORD, "new_password": "password12"}, "new_password", "common"),
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password", "at least 10"),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, "new_password", "other than"),
        ({"current_password": PASSWORD}, "new_password", "required"),
        ({"current_password": 5, "new_password": NEW_PASSWORD}, "current_password", "string"),
    ],
)
def test_api_change_refusals_are_422_and_change_nothing(
    client, make_account, auth_header, body, field, words
):
    person = make_account()
    headers = auth_header(person)
    response = client.post("/api/v1/me/password", headers=headers, json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert words in response.get_json()["errors"][field][0]
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert bearer(client, person.email)  # the old password still works


def test_specialists_need_twelve_characters(client, make_account, auth_header):
    doctor = make_account(role="specialist")
    response = client.post(
        "/api/v1/me/password",
        headers=auth_header(doctor),
        json={"current_password": PASSWORD, "new_password": "kX9#mP2$vL7"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["new_password"] == ["Use at least 12 characters."]


def test_api_change_needs_a_token(client):
    response = client.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 401


def test_page_change_keeps_this_browser_and_ends_copies_and_tokens(app, client, make_account):
    person = make_account(email="yan@example.org")
    token = bearer(client, person.email)
    browser = app.test_client()
    login(browser, person)
    elsewhere = app.test_client()
    login(elsewhere, person)
    copy = app.test_client()  # a copy of another browser's cookie, made before the change
    copy.set_cookie("session", elsewhere.get_cookie("session").value)
    page = browser.get("/account/password")
    assert page.status_code == 200
    assert "Change your password" in page.text
    done = browser.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert done.status_code == 302
    assert opens_account(browser)
    assert not opens_account(elsewhere)
    assert not opens_account(copy)
    assert client.get("/api/v1/me", headers=token).status_code == 401


def test_page_change_names_each_problem(app, make_account):
    person = make_account()
    browser = app.test_client()
    login(browser, person)
    page = browser.get("/account/password")

    def post(**fields):
        return browser.post(
            "/account/password", data={**fields, "csrf_token": csrf_token(page.text)}
        )

    wrong = post(current_password="nope-nope-nope", new_password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert wrong.status_code == 422 and "current password is not correct" in wrong.text
    weak = post(current_password=PASSWORD, new_password="aaaaaaaaaa", confirm="aaaaaaaaaa")
    assert weak.status_code == 422 and "Repeats like" in weak.text
    mismatch = post(current_password=PASSWORD, new_password=NEW_PASSWORD, confirm="different")
    assert mismatch.status_code == 422 and "not the same" in mismatch.text
    empty = post()
    assert empty.status_code == 422
    assert browser.post("/account/password", data={}).status_code == 400  # no CSRF token
    assert opens_account(browser)
    assert 'aria-invalid="true"' in weak.text


def test_the_account_page_links_to_the_password_page(app, make_account):
    browser = app.test_client()
    login(browser, make_account())
    assert 'href="/account/password"' in browser.get("/account").text
    assert app.test_client().get("/account/password").status_code == 302
