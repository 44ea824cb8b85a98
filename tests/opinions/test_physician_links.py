"""The patient's doctor reads the opinion through a secret, expiring, revocable link."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent
from tests.opinions.scenario import DIAGNOSIS, SUMMARY

DOCTOR_ADDRESS = "hausarzt@praxis.example"


@pytest.fixture
def app(make_app, clock, smtp_server):
    """The app, sending its mail to the SMTP server on loopback."""
    app = make_app(CLOCK=clock, **smtp_server.app_config())
    with app.app_context():
        yield app


@pytest.fixture
def written(book_for_opinion, sign_opinion):
    """A consultation with the specialist's opinion signed (no copy asked for at booking,
    so the links here are the patient's own)."""
    consultation = book_for_opinion(share_with_physician=False)
    sign_opinion(consultation)
    return consultation


def link_of(c) -> str:
    return f"/api/v1/consultations/{c.id}/physician-link"


def path_of(url: str) -> str:
    assert url.startswith("http://localhost/opinions/shared/"), url
    return url.removeprefix("http://localhost")


def opens() -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "opinion.viewed_by_physician_link")
        )
    )


def test_the_doctor_gets_a_link_not_the_opinion(client, written, auth_header, smtp_server):
    answer = client.post(
        link_of(written),
        headers=auth_header(written.patient),
        json={"physician_email": DOCTOR_ADDRESS},
    )

    assert answer.status_code == 201, answer.text
    body = answer.get_json()
    assert body["expires_at"] == "2026-03-16T11:01:00Z"  # PHYSICIAN_LINK_DAYS (14) after signing
    [message] = smtp_server.wait_for(1)
    assert message.rcpt_tos == (DOCTOR_ADDRESS,)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert body["url"] in text
    for secret in (SUMMARY, DIAGNOSIS, "carcinoma"):
        assert secret.lower() not in text.lower()
        assert secret.lower() not in str(message["Subject"]).lower()
    assert "Maria" not in str(message["Subject"]) and "Brandt" not in str(message["Subject"])

    page = client.get(path_of(body["url"]))
    assert page.status_code == 200
    assert SUMMARY in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Revise the opinion" not in page.text


def test_every_open_is_audited(client, written, auth_header):
    url = client.post(link_of(written), headers=auth_header(written.patient)).get_json()["url"]
    for _ in range(2):
        assert client.get(path_of(url)).status_code == 200
    events = opens()
    assert len(events) == 2
    assert {(e.target_type, e.target_id, e.actor_id) for e in events} == {
        ("consultation", str(written.id), None)
    }


def test_a_revoked_link_is_404(client, written, auth_header):
    patient = auth_header(written.patient)
    url = client.post(link_of(written), headers=patient).get_json()["url"]

    assert client.delete(link_of(written), headers=patient).status_code == 204

    page = client.get(path_of(url))
    assert page.status_code == 404
    assert SUMMARY not in page.text
    assert opens() == []


def test_a_new_link_replaces_the_old_one(client, written, auth_header):
    patient = auth_header(written.patient)
    old = client.post(link_of(written), headers=patient).get_json()["url"]
    new = client.post(link_of(written), headers=patient).get_json()["url"]
    assert client.get(path_of(old)).status_code == 404
    assert client.get(path_of(new)).status_code == 200


def test_a_link_expires_after_fourteen_days(client, written, auth_header, clock):
    url = client.post(link_of(written), headers=auth_header(written.patient)).get_json()["url"]
    clock.advance(days=13, hours=23)
    assert client.get(path_of(url)).status_code == 200
    clock.advance(hours=1)
    assert client.get(path_of(url)).status_code == 404


def test_only_the_patient_makes_or_withdraws_links(client, written, auth_header, make_account):
    doctor = auth_header(written.specialist)
    stranger = auth_header(make_account(full_name="Sam Stranger"))
    assert client.post(link_of(written), headers=doctor).status_code == 403
    assert client.delete(link_of(written), headers=doctor).status_code == 403
    assert client.post(link_of(written), headers=stranger).status_code == 404
    assert client.delete(link_of(written), headers=stranger).status_code == 404
    assert client.post(link_of(written)).status_code == 401


def test_bad_input_is_a_clear_4xx(client, written, consultation, auth_header):
    patient = auth_header(written.patient)
    bad = client.post(link_of(written), headers=patient, json={"physician_email": "not-an-address"})
    assert bad.status_code == 422
    assert "physician_email" in bad.get_json()["errors"]
    wrong_type = client.post(link_of(written), headers=patient, json={"physician_email": 7})
    assert wrong_type.status_code == 422
    assert (
        client.post(
            link_of(written), headers=patient, data="[", content_type="application/json"
        ).status_code
        == 400
    )


def test_no_link_before_the_opinion_is_written(client, consultation, auth_header):
    answer = client.post(link_of(consultation), headers=auth_header(consultation.patient))
    assert answer.status_code == 404


def test_a_made_up_link_is_404(client):
    assert client.get("/opinions/shared/" + "x" * 43).status_code == 404
    assert client.get("/opinions/shared/" + "x" * 500).status_code == 404
    assert re.search("not valid", client.get("/opinions/shared/abc").text)
