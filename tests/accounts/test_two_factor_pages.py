"""The two-factor page: set up an authenticator, recovery codes, turn it off; clinicians."""

from __future__ import annotations

import re

from telesecond.extensions import db
from telesecond.models import RecoveryCode, TotpCredential
from tests.accounts.two_factor_steps import (
    SECOND_STEP,
    audit_actions,
    code_at,
    enrol_totp,
    opens_account,
    password_step,
    recovery_codes_in,
    secret_of,
    send_code,
)
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token

PAGE = "/account/two-factor"


def post(client, url: str, data: dict, page: str = PAGE):
    return client.post(url, data={**data, "csrf_token": csrf_token(client.get(page).text)})


def post_prefixed(client, url: str, prefix: str, data: dict):
    """Post one of the page's forms whose fields carry a prefix (``recovery-password``)."""
    html = client.get(PAGE).text
    token = re.search(rf'name="{prefix}-csrf_token"[^>]*value="([^"]+)"', html)
    assert token, f"no {prefix} form on the page"
    fields = {f"{prefix}-{name}": value for name, value in data.items()}
    return client.post(url, data={**fields, f"{prefix}-csrf_token": token.group(1)})


def test_setting_up_an_authenticator_app(client, sign_in, make_account, clock):
    patient = make_account()
    sign_in(patient)
    page = client.get(PAGE)
    assert "Off." in page.text

    response = post(client, f"{PAGE}/totp/start", {})
    assert response.headers["Location"] == f"{PAGE}/totp"
    page = client.get(f"{PAGE}/totp")
    secret = secret_of(patient)
    assert "<svg" in page.text and "QR code for your authenticator app" in page.text
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in page.text, "the key is shown for typing in by hand"

    wrong = post(client, f"{PAGE}/totp", {"code": "123456"}, page=f"{PAGE}/totp")
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.text
    assert db.session.get(TotpCredential, patient.id).confirmed_at is None

    done = post(client, f"{PAGE}/totp", {"code": code_at(secret, clock())}, page=f"{PAGE}/totp")
    assert done.status_code == 200
    codes = recovery_codes_in(done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "only time these codes are shown" in done.text
    assert "download=" in done.text
    assert [a for a, _ in audit_actions()] == ["2fa.totp_enrolled", "2fa.recovery_codes_generated"]
    # Shown once: the page itself never shows them again.
    assert not recovery_codes_in(client.get(PAGE).text)
    assert "On." in client.get(PAGE).text

    # From now on, signing in asks for the second factor.
    other = client.application.test_client()
    assert password_step(other, patient).headers["Location"] == SECOND_STEP
    clock.advance(seconds=30)
    assert send_code(other, codes[0]).status_code == 302


def test_an_enabled_authenticator_cannot_be_replaced_silently(client, sign_in, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    password_step(client, patient)
    send_code(client, code_at(secret, clock()))
    response = post(client, f"{PAGE}/totp/start", {})
    assert response.status_code == 302
    assert "already set up" in client.get(PAGE).text
    assert secret_of(patient) == secret


def test_new_recovery_codes_need_the_password_and_replace_the_old(app, client, make_account, clock):
    patient = make_account()
    secret, old_codes = enrol_totp(patient, clock)
    password_step(client, patient)
    send_code(client, code_at(secret, clock()))

    refused = post_prefixed(
        client, f"{PAGE}/recovery-codes", "recovery", {"password": "wrong-password-1"}
    )
    assert refused.status_code == 422
    assert "That password is not right" in refused.text
    assert not recovery_codes_in(refused.text)

    response = post_prefixed(client, f"{PAGE}/recovery-codes", "recovery", {"password": PASSWORD})
    assert response.status_code == 200
    new_codes = recovery_codes_in(response.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)

    other = app.test_client()
    password_step(other, patient)
    assert send_code(other, old_codes[0]).status_code == 401
    assert send_code(other, new_codes[0]).status_code == 302


def test_turning_the_authenticator_off_needs_password_and_code(app, client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    password_step(client, patient)
    send_code(client, code_at(secret, clock()))
    clock.advance(seconds=30)

    wrong = post_prefixed(
        client,
        f"{PAGE}/totp/disable",
        "disable",
        {"password": PASSWORD, "code": "000000"},
    )
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.text
    assert db.session.get(TotpCredential, patient.id) is not None

    no_password = post_prefixed(
        client,
        f"{PAGE}/totp/disable",
        "disable",
        {"password": "wrong-password-1", "code": code_at(secret, clock())},
    )
    assert no_password.status_code == 422
    assert "That password is not right" in no_password.text

    done = post_prefixed(
        client,
        f"{PAGE}/totp/disable",
        "disable",
        {"password": PASSWORD, "code": code_at(secret, clock())},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(TotpCredential, patient.id) is None
    assert db.session.query(RecoveryCode).filter_by(account_id=patient.id).count() == 0
    assert "2fa.totp_disabled" in [a for a, _ in audit_actions()]
    # The password alone signs in again.
    other = app.test_client()
    assert password_step(other, patient).headers["Location"] == "/"


def test_clinicians_must_enrol_when_it_is_required(make_app, clock, make_account):
    app = make_app(CLOCK=clock, CLINICIAN_2FA_REQUIRED=True)
    client = app.test_client()
    specialist = make_account(role="specialist")

    response = password_step(client, specialist)
    assert response.status_code == 302  # no second factor yet: the password signs in
    for path in ("/", "/account", "/account/sessions", "/specialist/profile"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == PAGE, path
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Clinicians sign in with a second factor" in page.text

    post(client, f"{PAGE}/totp/start", {})
    secret = secret_of(specialist)
    post(client, f"{PAGE}/totp", {"code": code_at(secret, clock())}, page=f"{PAGE}/totp")
    assert client.get("/account").status_code == 200

    # Clinicians cannot turn their only second factor off while it is required.
    clock.advance(seconds=30)
    refused = post_prefixed(
        client, f"{PAGE}/totp/disable", "disable", {"password": PASSWORD, "code": "000000"}
    )
    assert refused.status_code == 403
    assert "Clinicians must keep a second factor" in refused.text
    assert db.session.get(TotpCredential, specialist.id) is not None


def test_a_clinician_who_must_enrol_can_still_sign_out(make_app, clock, make_account):
    app = make_app(CLOCK=clock, CLINICIAN_2FA_REQUIRED=True)
    client = app.test_client()
    admin = make_account(role="admin")
    password_step(client, admin)
    response = post(client, "/logout", {})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert not opens_account(client)


def test_patients_are_not_made_to_enrol(make_app, clock, make_account):
    app = make_app(CLOCK=clock, CLINICIAN_2FA_REQUIRED=True)
    client = app.test_client()
    patient = make_account()
    password_step(client, patient)
    assert client.get("/account").status_code == 200


def test_the_requirement_is_off_by_default_in_testing(client, sign_in, make_account):
    specialist = make_account(role="specialist")
    sign_in(specialist)
    assert client.get("/account").status_code == 200
