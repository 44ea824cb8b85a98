"""The opinion's lifecycle over the API: a private draft, a signature, then never a change."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, Opinion, OpinionDraft
from telesecond.services.consultations import booking
from tests.accounts.two_factor_steps import code_at, enrol_totp
from tests.credentials import PASSWORD
from tests.opinions.conftest import after_the_call
from tests.opinions.scenario import BODY, QUESTIONS, SUMMARY


def url(consultation, tail: str = "") -> str:
    return f"/api/v1/consultations/{consultation.id}/opinion{tail}"


def actions(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_draft_is_seen_by_its_author_only(client, consultation, auth_header):
    doctor, patient = auth_header(consultation.specialist), auth_header(consultation.patient)
    assert client.put(url(consultation), headers=doctor, json=BODY).status_code == 200
    mine = client.get(url(consultation), headers=doctor)
    assert mine.status_code == 200
    assert mine.get_json()["status"] == "draft" and mine.get_json()["summary"] == SUMMARY
    theirs = client.get(url(consultation), headers=patient)
    assert theirs.status_code == 404
    assert SUMMARY not in theirs.text
    assert client.get(f"{url(consultation)}.pdf", headers=patient).status_code == 404
    follow_ups = f"/api/v1/consultations/{consultation.id}/follow-up-questions"
    assert client.get(follow_ups, headers=patient).status_code == 404
    # Nor through a link to the patient's doctor.
    link = client.post(
        f"/api/v1/consultations/{consultation.id}/physician-link", headers=patient, json={}
    )
    assert link.status_code == 404


def test_signing_records_who_when_and_the_digest_of_canonical_json(
    client, consultation, auth_header, clock
):
    headers = auth_header(consultation.specialist)
    client.put(url(consultation), headers=headers, json=BODY)
    after_the_call(clock, consultation)
    clock.advance(seconds=0.4)  # the signature is to the second
    response = client.post(url(consultation, "/sign"), headers=headers, json={"password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["status"] == "signed"
    assert body["signed_at"] == "2026-03-02T11:01:00Z"
    assert body["signed_by"] == consultation.specialist_id
    document = {
        "kind": "opinion",
        "consultation_id": consultation.id,
        "diagnosis_assessment": "refines",
        "summary": SUMMARY,
        "answers": [
            {"question": q, "answer": a} for q, a in zip(QUESTIONS, BODY["answers"], strict=True)
        ],
        "recommendations": BODY["recommendations"],
        "signed_by": consultation.specialist_id,
        "signed_at": "2026-03-02T11:01:00Z",
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert body["digest"] == hashlib.sha256(canonical.encode()).hexdigest()
    db.session.expire_all()
    assert db.session.get(OpinionDraft, consultation.id) is None
    [event] = actions("opinion.signed")
    assert event.actor_id == consultation.specialist_id
    assert event.detail["digest"] == body["digest"]


def test_a_wrong_password_is_422_and_signs_nothing(client, consultation, auth_header, clock):
    headers = auth_header(consultation.specialist)
    client.put(url(consultation), headers=headers, json=BODY)
    after_the_call(clock, consultation)
    for body in ({"password": "not-the-password"}, {"password": ""}, {}):
        response = client.post(url(consultation, "/sign"), headers=headers, json=body)
        assert response.status_code == 422, body
        assert "password" in response.get_json()["errors"]
    assert db.session.get(Opinion, consultation.id) is None
    assert (
        client.get(url(consultation), headers=auth_header(consultation.patient)).status_code == 404
    )
    assert len(actions("opinion.sign_failed")) == 1  # the two others never reached the check


def test_with_a_second_factor_signing_needs_the_code_too(client, consultation, auth_header, clock):
    secret, _codes = enrol_totp(consultation.specialist, clock)
    headers = auth_header(consultation.specialist)
    client.put(url(consultation), headers=headers, json=BODY)
    after_the_call(clock, consultation)
    sign = url(consultation, "/sign")
    missing = client.post(sign, headers=headers, json={"password": PASSWORD})
    assert missing.status_code == 422 and "otp" in missing.get_json()["errors"]
    wrong = client.post(sign, headers=headers, json={"password": PASSWORD, "otp": "000000"})
    assert wrong.status_code == 422 and "otp" in wrong.get_json()["errors"]
    assert db.session.get(Opinion, consultation.id) is None
    right = client.post(
        sign, headers=headers, json={"password": PASSWORD, "otp": code_at(secret, clock())}
    )
    assert right.status_code == 200, right.text
    assert actions("opinion.signed")[0].detail["factors"] == "password+totp"


def test_signing_before_the_call_is_refused(client, consultation, auth_header, clock):
    headers = auth_header(consultation.specialist)
    client.put(url(consultation), headers=headers, json=BODY)
    clock.advance(seconds=(consultation.end - clock()).total_seconds() - 60)  # a minute before
    response = client.post(url(consultation, "/sign"), headers=headers, json={"password": PASSWORD})
    assert response.status_code == 409
    assert "taken place" in response.get_json()["detail"]
    assert db.session.get(Opinion, consultation.id) is None


def test_opinion_before_call_allows_a_records_only_review(
    make_app, clock, consultation, auth_header
):
    client = make_app(CLOCK=clock, OPINION_BEFORE_CALL=True).test_client()
    headers = auth_header(consultation.specialist)
    client.put(url(consultation), headers=headers, json=BODY)
    assert clock() < consultation.start
    response = client.post(url(consultation, "/sign"), headers=headers, json={"password": PASSWORD})
    assert response.status_code == 200, response.text


def test_a_cancelled_consultation_cannot_be_signed_even_before_the_call(
    make_app, clock, consultation, auth_header
):
    client = make_app(CLOCK=clock, OPINION_BEFORE_CALL=True).test_client()
    headers = auth_header(consultation.specialist)
    client.put(url(consultation), headers=headers, json=BODY)
    booking.cancel(
        consultation.specialist, consultation.id, reason="ill", now=clock(), cutoff_hours=24
    )
    db.session.commit()
    response = client.post(url(consultation, "/sign"), headers=headers, json={"password": PASSWORD})
    assert response.status_code == 409


def test_nothing_to_sign_is_409(client, consultation, auth_header, clock):
    after_the_call(clock, consultation)
    response = client.post(
        url(consultation, "/sign"),
        headers=auth_header(consultation.specialist),
        json={"password": PASSWORD},
    )
    assert response.status_code == 409
    assert "no draft" in response.get_json()["detail"]


def test_only_the_specialist_signs(client, consultation, auth_header, clock, make_account):
    client.put(url(consultation), headers=auth_header(consultation.specialist), json=BODY)
    after_the_call(clock, consultation)
    sign = url(consultation, "/sign")
    patient = client.post(
        sign, headers=auth_header(consultation.patient), json={"password": PASSWORD}
    )
    assert patient.status_code == 403
    stranger = client.post(
        sign, headers=auth_header(make_account(role="specialist")), json={"password": PASSWORD}
    )
    assert stranger.status_code == 404


def test_a_signed_opinion_never_changes_and_an_addendum_is_listed_under_it(
    client, consultation, auth_header, clock, sign_opinion
):
    signed = sign_opinion(consultation)
    doctor, patient = auth_header(consultation.specialist), auth_header(consultation.patient)
    changed = client.put(url(consultation), headers=doctor, json={**BODY, "summary": "Other."})
    assert changed.status_code == 409
    assert "addendum" in changed.get_json()["detail"]
    again = client.post(url(consultation, "/sign"), headers=doctor, json={"password": PASSWORD})
    assert again.status_code == 409

    clock.advance(days=2)
    doctor, patient = auth_header(consultation.specialist), auth_header(consultation.patient)
    wrong = client.post(
        url(consultation, "/addenda"), headers=doctor, json={"text": "Fix.", "password": "nope"}
    )
    assert wrong.status_code == 422 and "password" in wrong.get_json()["errors"]
    empty = client.post(
        url(consultation, "/addenda"), headers=doctor, json={"text": "  ", "password": PASSWORD}
    )
    assert empty.status_code == 422 and "text" in empty.get_json()["errors"]
    by_patient = client.post(
        url(consultation, "/addenda"), headers=patient, json={"text": "Hi", "password": PASSWORD}
    )
    assert by_patient.status_code == 403
    added = client.post(
        url(consultation, "/addenda"),
        headers=doctor,
        json={"text": "The biopsy should come first.", "password": PASSWORD},
    )
    assert added.status_code == 201, added.text
    assert added.get_json()["number"] == 1

    read = client.get(url(consultation), headers=patient).get_json()
    for field in ("summary", "answers", "signed_at", "digest", "recommendations"):
        assert read[field] == signed[field]
    [addendum] = read["addenda"]
    assert addendum["text"] == "The biopsy should come first."
    assert addendum["signed_at"] == "2026-03-04T11:01:00Z"
    assert len(addendum["digest"]) == 64 and addendum["digest"] != signed["digest"]
    assert len(actions("opinion.addendum_signed")) == 1


def test_no_addendum_before_the_opinion_is_signed(client, consultation, auth_header):
    headers = auth_header(consultation.specialist)
    client.put(url(consultation), headers=headers, json=BODY)
    response = client.post(
        url(consultation, "/addenda"), headers=headers, json={"text": "x", "password": PASSWORD}
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"password": 5},
        {"password": PASSWORD, "otp": ["1"]},
        {"password": "x" * 1001},
        {"password": "nul\x00"},
    ],
)
def test_malformed_signatures_are_422(client, consultation, auth_header, clock, body):
    headers = auth_header(consultation.specialist)
    client.put(url(consultation), headers=headers, json=BODY)
    after_the_call(clock, consultation)
    response = client.post(url(consultation, "/sign"), headers=headers, json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert db.session.get(Opinion, consultation.id) is None


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    base = "/consultations/{consultation_id}"
    assert {"put", "get"} <= set(paths[f"{base}/opinion"])
    assert "post" in paths[f"{base}/opinion/sign"]
    assert "post" in paths[f"{base}/opinion/addenda"]
    assert {"post", "get"} <= set(paths[f"{base}/follow-up-questions"])
