"""Sessions end for real: a copy of an old cookie opens nothing once its session is over."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, SignInSession
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token


def sign_in(client, account) -> None:
    token = csrf_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": account.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.text


def post_form(client, path: str, page: str = "/account/sessions"):
    return client.post(path, data={"csrf_token": csrf_token(client.get(page).text)})


def opens_account(client) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200, response.text
    return True


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_cookie_copied_before_sign_out_opens_nothing(app, client, make_account):
    patient = make_account()
    sign_in(client, patient)
    thief = copy_of(app, client)
    assert opens_account(thief)

    response = post_form(client, "/logout", page="/account")
    assert response.status_code == 302
    assert not opens_account(client)
    assert not opens_account(thief)
    assert thief.get("/account/sessions").status_code == 302


def test_sign_out_everywhere_ends_other_browsers_and_api_tokens(
    app, client, make_account, auth_header
):
    patient = make_account()
    sign_in(client, patient)
    laptop = app.test_client()
    sign_in(laptop, patient)
    headers = auth_header(patient)
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200

    response = post_form(client, "/account/sessions/end-all")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not opens_account(client)
    assert not opens_account(laptop)
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "sessions.ended")
    ).detail == {"reason": "signed_out_everywhere", "sessions": 2, "api_tokens": 1}


def test_the_api_signs_out_everywhere_with_the_calling_token(
    app, client, make_account, auth_header
):
    patient = make_account()
    sign_in(client, patient)
    headers, other = auth_header(patient), auth_header(patient)
    api = app.test_client()
    assert api.delete("/api/v1/me/sessions", headers=headers).status_code == 204
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    assert api.get("/api/v1/me", headers=other).status_code == 401
    assert not opens_account(client)
    assert api.delete("/api/v1/me/sessions").status_code == 401


def test_an_idle_session_ends_after_session_idle_minutes(app, client, make_account, clock):
    app.config["SESSION_IDLE_MINUTES"] = 30
    patient = make_account()
    sign_in(client, patient)
    clock.advance(minutes=29)
    assert opens_account(client)  # using it keeps it alive
    clock.advance(minutes=29)
    assert opens_account(client)
    clock.advance(minutes=30)
    assert not opens_account(client)
    ended = db.session.scalars(select(SignInSession)).one()
    assert ended.end_reason == "idle"


def test_the_sessions_page_lists_and_ends_one_session(app, client, make_account, auth_header):
    patient = make_account()
    sign_in(client, patient)
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = "PhoneBrowser/1.0"
    sign_in(phone, patient)
    auth_header(patient)

    page = client.get("/account/sessions").text
    assert "PhoneBrowser/1.0" in page and "(this browser)" in page
    assert "Revoke this token" in page
    phone_session = db.session.scalars(
        select(SignInSession).where(SignInSession.user_agent == "PhoneBrowser/1.0")
    ).one()
    response = post_form(client, f"/account/sessions/{phone_session.id}/end")
    assert response.status_code == 302
    assert not opens_account(phone)
    assert opens_account(client)


def test_another_accounts_session_cannot_be_ended(app, client, make_account):
    patient, other = make_account(), make_account()
    sign_in(client, patient)
    stranger = app.test_client()
    sign_in(stranger, other)
    theirs = db.session.scalars(
        select(SignInSession).where(SignInSession.account_id == other.id)
    ).one()
    assert post_form(client, f"/account/sessions/{theirs.id}/end").status_code == 404
    assert post_form(client, "/account/tokens/999999/revoke").status_code == 404
    assert opens_account(stranger)
