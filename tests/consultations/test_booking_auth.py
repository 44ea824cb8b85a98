"""Who may book: the bearer token is judged before the booking, whatever the body says.

Authentication knows nothing of the booking: the token is read on its own, then the
booking takes its lock on the specialist. These tests hold on both backends.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from telesecond.extensions import db
from telesecond.models import ApiToken, Consultation
from telesecond.services.accounts import tokens
from tests.consultations.booking_requests import BODY, MON_11, TUE_11, book


def _consultations() -> int:
    return db.session.scalar(select(func.count()).select_from(Consultation))


def _token_row(headers) -> ApiToken:
    raw = headers["Authorization"].split(" ", 1)[1]
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.digest(raw)))


def _expire(token: ApiToken, clock) -> None:
    token.expires_at = clock() - timedelta(minutes=1)


def _revoke(token: ApiToken, clock) -> None:
    token.revoked_at = clock()


def _deactivate(token: ApiToken, clock) -> None:  # noqa: ARG001
    token.account.active = False


@pytest.mark.parametrize("kill", [_expire, _revoke, _deactivate])
def test_a_dead_token_cannot_book_and_leaves_the_slot_free(
    client, make_specialist, make_account, auth_header, clock, kill
):
    doctor, patient, other = make_specialist(), make_account(), make_account()
    headers = auth_header(patient)
    kill(_token_row(headers), clock)
    db.session.commit()
    refused = book(client, headers, doctor.id, MON_11)
    assert refused.status_code == 401, refused.text
    assert refused.get_json()["detail"] == "Send a valid bearer token."
    assert _consultations() == 0
    # Nothing was left locked or taken: another patient books the same slot at once.
    assert book(client, auth_header(other), doctor.id, MON_11).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'["a", "list"]',
        b'{"specialist_id": "7", "start": "soon"}',
        b'{"specialist_id": 99999999999999, "start": "2026-03-02T10:00:00Z"}',
        b'{"specialist_id": true}',
        b"{}",
    ],
)
def test_a_bad_token_is_401_before_anything_wrong_with_the_body(client, make_specialist, body):
    make_specialist()
    response = client.post(
        "/api/v1/consultations",
        data=body,
        headers={"Authorization": "Bearer no-such-token", "Content-Type": "application/json"},
    )
    assert response.status_code == 401, response.text


def test_an_unknown_token_naming_a_real_specialist_is_401(client, make_specialist):
    doctor = make_specialist()
    response = client.post(
        "/api/v1/consultations",
        json={**BODY, "specialist_id": doctor.id, "start": MON_11},
        headers={"Authorization": "Bearer no-such-token"},
    )
    assert response.status_code == 401
    assert _consultations() == 0


def test_a_specialists_token_is_403_even_for_their_own_calendar(
    client, make_specialist, auth_header
):
    doctor = make_specialist()
    response = book(client, auth_header(doctor), doctor.id, MON_11)
    assert response.status_code == 403, response.text
    assert _consultations() == 0


@pytest.mark.parametrize("specialist_id", [987654, 2**31 - 1])
def test_a_live_token_and_an_unknown_specialist_is_404(
    client, make_specialist, make_account, auth_header, specialist_id
):
    make_specialist()
    response = book(client, auth_header(make_account()), specialist_id, MON_11)
    assert response.status_code == 404, response.text
    assert response.get_json()["detail"] == "No such specialist."


def test_a_patient_account_as_specialist_is_404(client, make_account, auth_header):
    patient, not_a_doctor = make_account(), make_account()
    response = book(client, auth_header(patient), not_a_doctor.id, MON_11)
    assert response.status_code == 404, response.text


def test_an_out_of_range_specialist_id_is_422_for_a_live_token(client, make_account, auth_header):
    response = book(client, auth_header(make_account()), 2**31, MON_11)
    assert response.status_code == 422, response.text
    assert "specialist_id" in response.get_json()["errors"]


@pytest.mark.postgres_only
def test_a_booking_on_postgresql_is_three_statements(
    client, make_specialist, make_account, auth_header
):
    doctor, patient = make_specialist(), make_account()
    headers = auth_header(patient)
    # The first booking also fills this process's cache of the specialist's rules.
    assert book(client, headers, doctor.id, TUE_11).status_code == 201
    sent: list[str] = []

    def record(conn, cursor, statement, *args):  # noqa: ARG001
        sent.append(statement.split(None, 1)[0].upper())

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = book(client, headers, doctor.id, MON_11)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 201, response.text
    # The token, the specialist's lock, then every new row with the busy time. Nothing
    # after: assistance approved for "the next booking" is matched when read (issue 21).
    assert sent == ["SELECT", "SELECT", "WITH"], sent
