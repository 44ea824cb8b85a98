"""POST /api/v1/tokens with a second factor: otp, or a clear 401; clinicians enrol first."""

from __future__ import annotations

from tests.accounts.two_factor_steps import audit_actions, code_at, enrol_totp
from tests.credentials import PASSWORD

TOKENS = "/api/v1/tokens"


def ask(client, account, **extra):
    return client.post(TOKENS, json={"email": account.email, "password": PASSWORD, **extra})


def test_an_account_without_a_second_factor_needs_no_otp(client, make_account):
    response = ask(client, make_account())
    assert response.status_code == 201
    assert response.json["token"]


def test_without_otp_the_answer_says_a_second_factor_is_needed(client, make_account, clock):
    patient = make_account()
    enrol_totp(patient, clock)
    response = ask(client, patient)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["second_factor_required"] is True
    assert "otp" in response.json["detail"]


def test_a_wrong_or_replayed_otp_is_refused(client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    wrong = ask(client, patient, otp="000000")
    assert wrong.status_code == 401
    assert wrong.mimetype == "application/problem+json"
    assert wrong.json["second_factor_required"] is True
    assert audit_actions()[-1] == ("2fa.failed", {"factor": "code"})

    code = code_at(secret, clock())
    first = ask(client, patient, otp=code)
    assert first.status_code == 201
    token = first.json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert ask(client, patient, otp=code).status_code == 401


def test_a_recovery_code_works_once_as_otp(client, make_account, clock):
    patient = make_account()
    _, codes = enrol_totp(patient, clock)
    assert ask(client, patient, otp=codes[0]).status_code == 201
    assert ask(client, patient, otp=codes[0]).status_code == 401
    assert ("2fa.used", {"factor": "recovery"}) in audit_actions()


def test_a_wrong_password_is_refused_before_the_otp_is_looked_at(client, make_account, clock):
    patient = make_account()
    secret, _ = enrol_totp(patient, clock)
    response = client.post(
        TOKENS,
        json={
            "email": patient.email,
            "password": "wrong-password-1",
            "otp": code_at(secret, clock()),
        },
    )
    assert response.status_code == 401
    assert "second_factor_required" not in response.json
    # The code was not spent on a failed password.
    assert ask(client, patient, otp=code_at(secret, clock())).status_code == 201


def test_otp_of_the_wrong_type_is_a_422(client, make_account, clock):
    patient = make_account()
    enrol_totp(patient, clock)
    for otp in (123456, ["123456"], "1" * 65):
        response = ask(client, patient, otp=otp)
        assert response.status_code == 422, otp
        assert "otp" in response.json["errors"]


def test_clinicians_without_a_second_factor_get_403_when_it_is_required(
    make_app, clock, make_account
):
    app = make_app(CLOCK=clock, CLINICIAN_2FA_REQUIRED=True)
    client = app.test_client()
    specialist = make_account(role="specialist")
    response = ask(client, specialist)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert response.json["enrolment_required"] is True
    assert "/account/two-factor" in response.json["detail"]
    # A patient is not asked to enrol.
    assert ask(client, make_account()).status_code == 201
    # Once enrolled, the clinician gets a token with a code.
    secret, _ = enrol_totp(specialist, clock)
    assert ask(client, specialist).status_code == 401
    assert ask(client, specialist, otp=code_at(secret, clock())).status_code == 201


def test_the_openapi_document_names_otp(client):
    doc = client.get("/api/v1/openapi.json").json
    credentials = doc["components"]["schemas"]["Credentials"]
    assert "otp" in credentials["properties"]
    assert "otp" not in credentials["required"]
    assert "403" in doc["paths"]["/tokens"]["post"]["responses"]
    assert "second_factor_required" in doc["components"]["schemas"]["Problem"]["properties"]
