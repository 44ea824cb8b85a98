"""The specialist's written opinion through the API: write, read, share, admin figures."""

from __future__ import annotations

import re
import socket

import pytest
from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import AuditEvent, Consultation, Opinion, OpinionDraft
from telesecond.services.consultations import booking
from telesecond.services.opinions import second_opinion
from tests.credentials import PASSWORD
from tests.opinions.conftest import after_the_call
from tests.opinions.scenario import BODY, DIAGNOSIS, PHYSICIAN, QUESTIONS, SUMMARY


def url(consultation: Consultation, tail: str = "") -> str:
    return f"/api/v1/consultations/{consultation.id}/opinion{tail}"


def audit_actions(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_the_signed_opinion_pairs_each_answer_with_its_question(
    client, consultation, auth_header, clock
):
    clock.advance(days=1)  # after the call, as usual
    doctor, patient = auth_header(consultation.specialist), auth_header(consultation.patient)
    draft = client.put(url(consultation), headers=doctor, json=BODY)
    assert draft.status_code == 200, draft.text
    assert draft.get_json()["status"] == "draft"
    assert client.get(url(consultation), headers=patient).status_code == 404
    signed = client.post(url(consultation, "/sign"), headers=doctor, json={"password": PASSWORD})
    assert signed.status_code == 200, signed.text
    read = client.get(url(consultation), headers=patient)
    assert read.status_code == 200
    body = read.get_json()
    assert body == signed.get_json()
    assert body["status"] == "signed"
    assert body["consultation_id"] == consultation.id
    assert body["diagnosis_assessment"] == "refines"
    assert body["summary"] == SUMMARY
    assert body["answers"] == [
        {"question": QUESTIONS[0], "answer": "Not urgently: within four weeks is safe."},
        {"question": QUESTIONS[1], "answer": "No, not on its own."},
    ]
    assert body["recommendations"] == BODY["recommendations"]
    assert body["created_at"] == body["signed_at"] == "2026-03-03T09:00:00Z"
    assert body["signed_by"] == consultation.specialist_id
    assert body["addenda"] == [] and body["follow_up_questions"] == []
    # The patient asked at booking for a copy to their doctor: it went out at signing.
    assert body["sent_to_physician_at"] == "2026-03-03T09:00:00Z"


def test_revising_the_draft_keeps_created_at_and_moves_updated_at(
    client, consultation, auth_header, clock
):
    headers = auth_header(consultation.specialist)
    client.put(url(consultation), headers=headers, json=BODY)
    clock.advance(hours=2)
    revised = client.put(
        url(consultation),
        headers=headers,
        json={**BODY, "diagnosis_assessment": "differs", "summary": "Changed."},
    )
    assert revised.status_code == 200
    body = revised.get_json()
    assert body["status"] == "draft"
    assert body["diagnosis_assessment"] == "differs"
    assert body["summary"] == "Changed."
    assert body["created_at"] == "2026-03-02T09:00:00Z"
    assert body["updated_at"] == "2026-03-02T11:00:00Z"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OpinionDraft)) == 1
    assert db.session.get(Opinion, consultation.id) is None
    assert len(audit_actions("opinion.draft_started")) == 1


def test_the_patient_cannot_write_the_opinion(client, consultation, auth_header):
    response = client.put(url(consultation), headers=auth_header(consultation.patient), json=BODY)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert db.session.get(OpinionDraft, consultation.id) is None


@pytest.mark.parametrize("role", ["patient", "specialist", "admin"])
def test_outsiders_get_404_for_reading_and_writing(
    client, consultation, auth_header, make_account, role
):
    headers = auth_header(make_account(role=role))
    client.put(url(consultation), headers=auth_header(consultation.specialist), json=BODY)
    assert client.get(url(consultation), headers=headers).status_code == 404
    assert client.put(url(consultation), headers=headers, json=BODY).status_code == 404
    assert client.post(url(consultation, "/send-to-physician"), headers=headers).status_code == 404


def test_no_token_is_401(client, consultation):
    assert client.get(url(consultation)).status_code == 401
    assert client.put(url(consultation), json=BODY).status_code == 401


def test_404_until_written(client, consultation, auth_header):
    for person in (consultation.patient, consultation.specialist):
        response = client.get(url(consultation), headers=auth_header(person))
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["detail"] == second_opinion.NOT_YET
    assert audit_actions("opinion.viewed") == []


@pytest.mark.parametrize("answers", [[], ["Only one."]])
def test_a_draft_may_miss_answers_but_signing_needs_one_per_question(
    client, consultation, auth_header, clock, answers
):
    headers = auth_header(consultation.specialist)
    saved = client.put(url(consultation), headers=headers, json={**BODY, "answers": answers})
    assert saved.status_code == 200
    after_the_call(clock, consultation)
    response = client.post(url(consultation, "/sign"), headers=headers, json={"password": PASSWORD})
    assert response.status_code == 422
    message = response.get_json()["errors"]["answers"][0]
    assert "2 questions" in message and f"received {len(answers)}" in message
    assert db.session.get(Opinion, consultation.id) is None


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"diagnosis_assessment": "agree"}, "diagnosis_assessment"),
        ({"diagnosis_assessment": "AGREES"}, "diagnosis_assessment"),
        ({"diagnosis_assessment": 1}, "diagnosis_assessment"),
        ({"summary": "x" * 20_001}, "summary"),
        ({"summary": "nul\x00"}, "summary"),
        ({"answers": "Yes."}, "answers"),
        ({"answers": ["One.", "Two.", "Three."]}, "answers"),
        ({"recommendations": 5}, "recommendations"),
    ],
)
def test_values_no_draft_can_hold_are_422(client, consultation, auth_header, patch, field):
    response = client.put(
        url(consultation), headers=auth_header(consultation.specialist), json={**BODY, **patch}
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert db.session.get(OpinionDraft, consultation.id) is None


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"summary": "   "}, "summary"),
        ({"diagnosis_assessment": ""}, "diagnosis_assessment"),
        ({"answers": ["Yes.", "  "]}, "answers"),
    ],
)
def test_an_incomplete_draft_is_saved_but_not_signed(
    client, consultation, auth_header, clock, patch, field
):
    headers = auth_header(consultation.specialist)
    saved = client.put(url(consultation), headers=headers, json={**BODY, **patch})
    assert saved.status_code == 200
    after_the_call(clock, consultation)
    response = client.post(url(consultation, "/sign"), headers=headers, json={"password": PASSWORD})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert db.session.get(Opinion, consultation.id) is None


def test_summary_of_exactly_the_limit_is_accepted(client, consultation, auth_header):
    response = client.put(
        url(consultation),
        headers=auth_header(consultation.specialist),
        json={**BODY, "summary": "x" * 20_000, "recommendations": ""},
    )
    assert response.status_code == 200
    assert response.get_json()["recommendations"] == ""


def test_a_cancelled_consultation_gets_no_opinion(client, consultation, auth_header, clock):
    booking.cancel(
        consultation.specialist, consultation.id, reason="ill", now=clock(), cutoff_hours=24
    )
    response = client.put(
        url(consultation), headers=auth_header(consultation.specialist), json=BODY
    )
    assert response.status_code == 409
    assert "cancelled" in response.get_json()["detail"]


def test_every_read_is_audited(client, consultation, auth_header, sign_opinion):
    patient, doctor = auth_header(consultation.patient), auth_header(consultation.specialist)
    sign_opinion(consultation)
    for headers in (patient, patient, doctor):
        assert client.get(url(consultation), headers=headers).status_code == 200
    events = audit_actions("opinion.viewed")
    assert [e.actor_id for e in events] == [
        consultation.patient_id,
        consultation.patient_id,
        consultation.specialist_id,
    ]
    assert {(e.target_type, e.target_id) for e in events} == {
        ("consultation", str(consultation.id))
    }
    [signed] = audit_actions("opinion.signed")
    assert signed.actor_id == consultation.specialist_id


def test_the_copy_to_the_doctor_goes_out_at_signing_and_can_be_sent_again(
    make_app, smtp_server, clock, consultation, auth_header, sign_opinion
):
    app = make_app(
        CLOCK=clock, MAIL_FROM="Clinic <opinions@telesecond.example>", **smtp_server.app_config()
    )
    client = app.test_client()
    signed = sign_opinion(consultation, via=client)
    sent_at = signed["signed_at"]
    assert signed["sent_to_physician_at"] == sent_at
    smtp_server.wait_for(1)
    [first] = smtp_server.messages_to(PHYSICIAN)
    assert first["From"] == "Clinic <opinions@telesecond.example>"

    clock.advance(minutes=5)
    response = client.post(
        url(consultation, "/send-to-physician"), headers=auth_header(consultation.patient)
    )
    assert response.status_code == 200, response.text
    assert response.get_json()["sent_to_physician_at"] != sent_at
    smtp_server.wait_for(2)
    messages = smtp_server.messages_to(PHYSICIAN)
    assert len(messages) == 2
    for message in messages:
        assert message.rcpt_tos == (PHYSICIAN,)
        subject = message["Subject"]
        assert subject == second_opinion.PHYSICIAN_SUBJECT
        for secret in (DIAGNOSIS, "carcinoma", SUMMARY, "Maria", "Oncology", "refines"):
            assert secret.lower() not in subject.lower()
        # A secret link to the opinion, never the opinion itself.
        text = message.get_body(preferencelist=("plain",)).get_content()
        for secret in (SUMMARY, QUESTIONS[0], DIAGNOSIS, "Refines the current diagnosis"):
            assert secret not in text
    links = [
        re.findall(
            r"http://localhost/opinions/shared/\S+",
            m.get_body(preferencelist=("plain",)).get_content(),
        )[0]
        for m in messages
    ]
    # Sending again withdrew the first link.
    assert client.get(links[0].removeprefix("http://localhost")).status_code == 404
    page = client.get(links[1].removeprefix("http://localhost"))
    assert page.status_code == 200 and SUMMARY in page.text
    assert len(audit_actions("opinion.sent_to_physician")) == 2


def test_no_copy_and_no_sending_without_consent(
    make_app, smtp_server, clock, auth_header, book_for_opinion, sign_opinion
):
    consultation = book_for_opinion(share_with_physician=False)
    client = make_app(CLOCK=clock, **smtp_server.app_config()).test_client()
    assert sign_opinion(consultation, via=client)["sent_to_physician_at"] is None
    response = client.post(
        url(consultation, "/send-to-physician"), headers=auth_header(consultation.patient)
    )
    assert response.status_code == 409
    assert "did not ask" in response.get_json()["detail"]
    assert smtp_server.messages == []
    assert audit_actions("opinion.sent_to_physician") == []


def test_only_the_patient_sends_and_only_once_signed(
    client, consultation, auth_header, sign_opinion
):
    send = url(consultation, "/send-to-physician")
    patient, doctor = auth_header(consultation.patient), auth_header(consultation.specialist)
    client.put(url(consultation), headers=doctor, json=BODY)
    assert client.post(send, headers=patient).status_code == 404  # a draft is not an opinion
    sign_opinion(consultation)
    assert client.post(send, headers=doctor).status_code == 403
    assert client.post(send, headers=patient).status_code == 200  # console mail in tests


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_mail_failure_at_signing_keeps_the_signature_and_the_patient_retries(
    make_app, clock, consultation, auth_header, sign_opinion
):
    client = make_app(
        CLOCK=clock,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=_closed_port(),
        SMTP_USERNAME="",
        SMTP_PASSWORD="",
    ).test_client()
    signed = sign_opinion(consultation, via=client)
    assert signed["status"] == "signed"
    assert signed["sent_to_physician_at"] is None
    assert "try again later" in signed["physician_copy_error"]
    [failed] = audit_actions("opinion.physician_copy_failed")
    assert failed.target_id == str(consultation.id)
    response = client.post(
        url(consultation, "/send-to-physician"), headers=auth_header(consultation.patient)
    )
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "try again later" in response.get_json()["detail"]
    db.session.expire_all()
    opinion = db.session.get(Opinion, consultation.id)
    assert opinion.signed_at is not None and opinion.sent_to_physician_at is None
    assert audit_actions("opinion.sent_to_physician") == []


def test_admin_sees_how_opinions_compare(
    client, make_account, auth_header, book_for_opinion, sign_opinion
):
    first = book_for_opinion()
    doctor = first.specialist
    for assessment in ("agrees", "agrees", "differs"):
        c = first if assessment == "differs" else book_for_opinion(specialist=doctor, n=1)
        sign_opinion(c, {**BODY, "diagnosis_assessment": assessment})
    # A draft is not counted.
    unsigned = book_for_opinion(specialist=doctor, n=2)
    client.put(url(unsigned), headers=auth_header(doctor), json=BODY)
    response = client.get(
        "/api/v1/admin/opinion-stats", headers=auth_header(make_account(role="admin"))
    )
    assert response.status_code == 200
    assert response.get_json() == {"agrees": 2, "refines": 0, "differs": 1, "total": 3}
    for role in ("patient", "specialist"):
        denied = client.get(
            "/api/v1/admin/opinion-stats", headers=auth_header(make_account(role=role))
        )
        assert denied.status_code == 403


def test_admin_stats_start_at_zero(client, make_account, auth_header):
    response = client.get(
        "/api/v1/admin/opinion-stats", headers=auth_header(make_account(role="admin"))
    )
    assert response.get_json() == {"agrees": 0, "refines": 0, "differs": 0, "total": 0}


def test_sending_is_rate_limited(client, consultation, auth_header, sign_opinion):
    sign_opinion(consultation)
    headers = auth_header(consultation.patient)
    statuses = [
        client.post(url(consultation, "/send-to-physician"), headers=headers).status_code
        for _ in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    # Ten by the patient, and the copy sent at signing.
    assert len(audit_actions("opinion.sent_to_physician")) == 11
