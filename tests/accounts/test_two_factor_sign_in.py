"""Signing in with a second factor: the password alone opens nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import SignInSession
from tests.accounts.two_factor_steps import (
    SECOND_STEP,
    audit_actions,
    code_at,
    enrol_totp,
    opens_account,
    password_step,
    send_code,
)
from tests.web_forms import csrf_token


def last_session(account) -> SignInSession | None:
    db.session.expire_all()
    return db.session.scalar(
        select(SignInSession)
        .where(SignInSession.account_id == account.id)
        .order_by(SignInSession.id.desc())
    )


def test_without_a_second_factor_the_password_signs_in(client, make_account):
    patient = make_account()
    response = password_step(client, patient)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert opens_account(client)


def test_a_code_from_the_app_completes_the_sign_in(client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)

    response = password_step(client, patient, next_url="/account/sessions")
    assert response.status_code == 302
    assert response.headers["Location"] == SECOND_STEP
    assert not opens_account(client), "no session before the second factor"
    assert last_session(patient) is None

    page = client.get(SECOND_STEP)
    assert "Code from your authenticator app, or a recovery code" in page.text
    assert "Use a passkey" not in page.text  # no passkey registered

    response = send_code(client, code_at(secret, clock()))
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/sessions"
    assert opens_account(client)
    assert last_session(patient).second_factor == "totp"
    assert ("2fa.used", {"factor": "totp"}) in audit_actions()


def test_codes_are_read_with_spaces_and_from_a_clock_one_step_off(app, client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    clock.advance(minutes=2)
    password_step(client, patient)
    late_phone = code_at(secret, clock() - timedelta(seconds=30))
    response = send_code(client, f" {late_phone[:3]} {late_phone[3:]} ")
    assert response.status_code == 302
    assert opens_account(client)

    fast_phone = app.test_client()
    password_step(fast_phone, patient)
    assert (
        send_code(fast_phone, code_at(secret, clock() + timedelta(seconds=30))).status_code == 302
    )


def test_a_code_two_steps_old_is_refused(client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    clock.advance(seconds=60)
    stale = code_at(secret, clock() - timedelta(seconds=60))
    password_step(client, patient)
    response = send_code(client, stale)
    assert response.status_code == 401
    assert "That code is not right" in response.text
    assert not opens_account(client)
    assert audit_actions()[-1] == ("2fa.failed", {"factor": "code"})


def test_a_used_code_is_refused_the_second_time(app, client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    code = code_at(secret, clock())
    password_step(client, patient)
    assert send_code(client, code).status_code == 302

    # Someone who saw the code over the person's shoulder, within the same 30 seconds.
    other = app.test_client()
    password_step(other, patient)
    response = send_code(other, code)
    assert response.status_code == 401
    assert not opens_account(other)

    clock.advance(seconds=30)
    assert send_code(other, code_at(secret, clock())).status_code == 302
    assert opens_account(other)


def test_a_recovery_code_signs_in_once(app, client, make_account, clock):
    patient = make_account()
    _, codes = enrol_totp(patient, clock)
    password_step(client, patient)
    response = send_code(client, codes[3].upper())
    assert response.status_code == 302
    assert opens_account(client)
    assert last_session(patient).second_factor == "recovery"
    assert ("2fa.used", {"factor": "recovery"}) in audit_actions()

    again = app.test_client()
    password_step(again, patient)
    assert send_code(again, codes[3]).status_code == 401
    assert not opens_account(again)
    assert send_code(again, codes[4]).status_code == 302


def test_five_wrong_codes_start_the_sign_in_over(client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    password_step(client, patient)
    for _ in range(4):
        assert send_code(client, "000000").status_code == 401
    page = client.get(SECOND_STEP)
    response = client.post(
        SECOND_STEP, data={"code": "000000", "csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    # The right code no longer helps: the password must be given again.
    assert client.get(SECOND_STEP).headers["Location"] == "/login"
    assert not opens_account(client)
    assert [a for a, _ in audit_actions()].count("2fa.failed") == 5

    password_step(client, patient)
    assert send_code(client, code_at(secret, clock())).status_code == 302


def test_a_copy_of_the_pending_cookie_cannot_reset_the_tries(app, client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    password_step(client, patient)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)

    assert send_code(client, "111111").status_code == 401
    # The copy still names the ticket the wrong try spent: it has to start over.
    response = copy.get(SECOND_STEP)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert send_code(client, code_at(secret, clock())).status_code == 302


def test_the_pending_sign_in_expires_after_five_minutes(client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    password_step(client, patient)
    clock.advance(minutes=5, seconds=1)
    response = client.get(SECOND_STEP)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    follow = client.get("/login")
    assert "sign in again" in follow.text


def test_a_wrong_password_never_reaches_the_second_step(client, make_account, clock):
    patient = make_account()
    enrol_totp(patient, clock)
    response = password_step(client, patient, password="not-the-password")
    assert response.status_code == 401
    assert client.get(SECOND_STEP).status_code == 302


def test_empty_or_huge_codes_are_form_errors(client, make_account, clock):
    patient = make_account()
    enrol_totp(patient, clock)
    password_step(client, patient)
    page = client.get(SECOND_STEP)
    response = client.post(SECOND_STEP, data={"code": "", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 401
    assert "This field is required" in response.text
    response = client.post(
        SECOND_STEP, data={"code": "9" * 5000, "csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 401
    assert not opens_account(client)
