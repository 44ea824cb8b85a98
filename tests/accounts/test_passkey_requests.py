"""The passkey endpoints refuse bad input with a clear 4xx and change nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import Passkey
from telesecond.services.accounts import passkeys
from telesecond.services.errors import Forbidden
from tests.accounts.two_factor_steps import audit_actions, enrol_totp, password_step
from tests.credentials import PASSWORD
from tests.web_forms import csrf_token

OPTIONS = "/account/two-factor/passkeys/options"
ADD = "/account/two-factor/passkeys"
SIGN_IN_OPTIONS = "/login/second-factor/passkey/options"
SIGN_IN = "/login/second-factor/passkey"


def passkeys_stored() -> int:
    return db.session.scalar(select(func.count(Passkey.id)))


def json_post(client, url: str, payload=None, *, data=None, page="/account/two-factor"):
    token = csrf_token(client.get(page).text)
    headers = {"X-CSRFToken": token}
    if data is not None:
        return client.post(url, data=data, headers={**headers, "Content-Type": "application/json"})
    return client.post(url, json=payload, headers=headers)


def test_registration_options_name_this_site(client, sign_in, make_account):
    patient = make_account()
    sign_in(patient)
    response = json_post(client, OPTIONS, {})
    assert response.status_code == 200
    options = response.json
    assert options["rp"]["id"] == "localhost"
    assert options["user"]["name"] == patient.email
    assert options["challenge"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{not json", 400),
        ("[1, 2]", 400),
        ('{"name": "Laptop"}', 409),  # no options asked for: no challenge
    ],
)
def test_malformed_registrations_are_refused(client, sign_in, make_account, body, status):
    sign_in(make_account())
    response = json_post(client, ADD, data=body)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert passkeys_stored() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "Laptop", "credential": "nonsense"},
        {"name": "Laptop", "credential": {"id": "abc", "rawId": "abc", "response": {}}},
        {"name": "Laptop", "credential": {"id": "a" * 100_000}},
        {"name": "", "credential": {}},
        {"name": "x" * 101, "credential": {}},
        {"name": ["Laptop"], "credential": {}},
    ],
)
def test_registrations_that_do_not_verify_are_422(client, sign_in, make_account, payload):
    sign_in(make_account())
    assert json_post(client, OPTIONS, {}).status_code == 200
    response = json_post(client, ADD, payload)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert passkeys_stored() == 0


def test_the_passkey_endpoints_need_the_csrf_token_and_this_site(client, sign_in, make_account):
    sign_in(make_account())
    assert client.post(OPTIONS, json={}).status_code == 400
    token = csrf_token(client.get("/account/two-factor").text)
    response = client.post(
        OPTIONS, json={}, headers={"X-CSRFToken": token, "Origin": "https://evil.example"}
    )
    assert response.status_code == 403


def test_signed_out_visitors_cannot_register(client):
    token = csrf_token(client.get("/login").text)
    response = client.post(OPTIONS, json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_passkey_sign_in_needs_a_pending_sign_in(client):
    token = csrf_token(client.get("/login").text)
    for url in (SIGN_IN_OPTIONS, SIGN_IN):
        response = client.post(url, json={}, headers={"X-CSRFToken": token})
        assert response.status_code == 401
        assert response.json["redirect"] == "/login"


def test_a_bad_passkey_answer_counts_as_a_wrong_try(client, make_account, clock):
    patient = make_account()
    enrol_totp(patient, clock)
    password_step(client, patient)
    page = "/login/second-factor"
    assert json_post(client, SIGN_IN, data="{oops", page=page).status_code == 400
    options = json_post(client, SIGN_IN_OPTIONS, {}, page=page)
    assert options.status_code == 200
    assert options.json["allowCredentials"] == []
    response = json_post(client, SIGN_IN, {"credential": {"id": "nope"}}, page=page)
    assert response.status_code == 401
    assert "did not work" in response.json["detail"]
    # Still pending: the person may try a code instead.
    assert client.get(page).status_code == 200
    assert client.get("/account").status_code == 302


def add_passkey_row(account, clock, name="Phone") -> Passkey:
    """A stored passkey (removal never checks the key itself)."""
    row = Passkey(
        account_id=account.id,
        credential_id=f"cred-{account.id}-{name}",
        public_key=b"not-checked-when-removing",
        name=name,
        created_at=clock(),
    )
    db.session.add(row)
    db.session.commit()
    return row


def remove(client, passkey_id: int, password: str):
    html = client.get("/account/two-factor").text
    token = re.search(r'name="remove-csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return client.post(
        f"/account/two-factor/passkeys/{passkey_id}/remove",
        data={"remove-password": password, "remove-csrf_token": token},
    )


def test_removing_a_passkey_needs_the_password(client, sign_in, make_account, clock):
    patient = make_account()
    sign_in(patient)  # before the passkey exists: the password alone signs in
    key = add_passkey_row(patient, clock)
    page = client.get("/account/two-factor").text
    assert "Phone</strong>, added" in page

    refused = remove(client, key.id, "wrong-password-1")
    assert refused.status_code == 422
    assert "That password is not right" in refused.text
    assert passkeys_stored() == 1

    done = remove(client, key.id, PASSWORD)
    assert done.status_code == 302
    assert passkeys_stored() == 0
    assert ("2fa.passkey_removed", None) in audit_actions()


def test_nobody_removes_another_persons_passkey(client, sign_in, make_account, clock):
    owner, other = make_account(), make_account()
    key = add_passkey_row(owner, clock)
    sign_in(other)
    add_passkey_row(other, clock)  # so the page has a removal form
    assert remove(client, key.id, PASSWORD).status_code == 404
    assert passkeys_stored() == 2


def test_a_clinicians_last_factor_stays_while_required(app, make_account, clock):
    specialist = make_account(role="specialist")
    first = add_passkey_row(specialist, clock)
    second = add_passkey_row(specialist, clock, "Key")
    passkeys.remove(specialist, second.id, PASSWORD, required=True, now=clock())
    with pytest.raises(Forbidden):
        passkeys.remove(specialist, first.id, PASSWORD, required=True, now=clock())
    assert passkeys_stored() == 1
    # Not required (or a patient): the last one may go.
    passkeys.remove(specialist, first.id, PASSWORD, required=False, now=clock())
    assert passkeys_stored() == 0
