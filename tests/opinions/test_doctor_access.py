"""The patient's own doctor: named at booking or later, a link that a code or a birth date
may guard, and what the patient sees and withdraws from their consultation page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, Consultation, PhysicianLink
from telesecond.services.opinions import physician_links
from tests.documents.pdf_reading import all_text, squeezed
from tests.opinions.scenario import SUMMARY, write_signed
from tests.web_forms import csrf_token

DOCTOR = "hausarzt@praxis.example"
CODE = re.compile(r"^\s+([A-Z2-9]{4}-[A-Z2-9]{4})\s*$", re.M)


def app_with(make_app, clock, smtp_server, **settings):
    """Opinions here are signed before the call: these tests are about the doctor's link."""
    return make_app(CLOCK=clock, OPINION_BEFORE_CALL=True, **smtp_server.app_config(), **settings)


@pytest.fixture
def check(request):
    """The clinic's PHYSICIAN_LINK_CHECK for the test (parametrized indirectly)."""
    return getattr(request, "param", "none")


@pytest.fixture
def app(make_app, clock, smtp_server, check):
    app = app_with(make_app, clock, smtp_server, PHYSICIAN_LINK_CHECK=check)
    with app.app_context():
        yield app


@pytest.fixture
def written(consultation, clock):
    """The consultation, with its opinion signed (records-only, before the call).

    The patient did not ask for a copy at booking (none goes out at signing); they share
    the opinion with their doctor afterwards.
    """
    write_signed(consultation, now=clock(), copy_to_doctor=False)
    return consultation


def link_api(c) -> str:
    return f"/api/v1/consultations/{c.id}/physician-link"


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


def actions(name: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == name)))


def test_the_api_takes_the_doctors_name_and_practice_at_booking(
    client, auth_header, make_specialist, make_account, clock
):
    specialist = make_specialist(full_name="Dr Lena Brandt", notice=60)
    patient = make_account(full_name="Maria Keller")
    slots = client.get(
        f"/api/v1/specialists/{specialist.id}/slots",
        query_string={"start": "2026-03-02T09:00:00Z", "end": "2026-03-09T09:00:00Z"},
    )
    slot = slots.get_json()["items"][0]
    answer = client.post(
        "/api/v1/consultations",
        headers=auth_header(patient),
        json={
            "specialist_id": specialist.id,
            "start": slot["start"],
            "patient_region": "DE",
            "reason": "Sure before surgery",
            "current_diagnosis": "Something",
            "proposed_treatment": "Surgery",
            "questions": ["Is it needed?"],
            "physician_name": "  Dr Jonas   Hartmann ",
            "physician_practice": "Praxis am Markt",
            "physician_contact": "GP@Praxis.example",
            "share_with_physician": True,
            "telehealth_consent": True,
        },
    )
    assert answer.status_code == 201, answer.text
    body = answer.get_json()
    assert body["physician_name"] == "Dr Jonas Hartmann"
    assert body["physician_practice"] == "Praxis am Markt"
    assert body["physician_contact"] == "gp@praxis.example"
    assert body["share_with_physician"] is True


def test_the_patient_names_the_doctor_later_on_the_page(client, consultation, submit, sign_in):
    sign_in(consultation.patient)
    url = f"/consultations/{consultation.id}/doctor"
    bad = submit(url, {"physician_contact": "not an address", "share_with_physician": "y"})
    assert bad.status_code == 422
    assert "Give your doctor&#39;s email address." in bad.text
    assert "There is a problem with this form" in bad.text
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).physician_contact != "not an address"

    saved = submit(
        url,
        {
            "physician_name": "Dr Eva Roth",
            "physician_practice": "Praxis Nord",
            "physician_contact": "roth@praxis.example",
            "patient_birth_date": "1970-05-17",
        },
    )
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/consultations/{consultation.id}#doctor")
    db.session.expire_all()
    stored = db.session.get(Consultation, consultation.id)
    assert (stored.physician_name, stored.physician_practice, stored.physician_contact) == (
        "Dr Eva Roth",
        "Praxis Nord",
        "roth@praxis.example",
    )
    assert stored.share_with_physician is False
    assert stored.patient_birth_date.isoformat() == "1970-05-17"
    page = client.get(f"/consultations/{consultation.id}")
    assert "Dr Eva Roth, Praxis Nord, roth@praxis.example" in page.text


def test_only_the_patient_changes_the_doctor(client, consultation, sign_in):
    sign_in(consultation.specialist)
    assert client.get(f"/consultations/{consultation.id}/doctor").status_code == 403


def test_the_link_opens_once_sent_and_each_view_is_audited(
    client, written, auth_header, smtp_server
):
    answer = client.post(
        link_api(written), headers=auth_header(written.patient), json={"physician_email": DOCTOR}
    )
    assert answer.status_code == 201
    [message] = smtp_server.wait_for(1)
    url = answer.get_json()["url"]
    assert url in message.get_body(preferencelist=("plain",)).get_content()
    for _ in range(3):
        page = client.get(path_of(url))
        assert page.status_code == 200 and SUMMARY in page.text
    assert len(actions("opinion.viewed_by_physician_link")) == 3
    # The signed PDF behind the same link, audited like the page.
    assert f"{path_of(url)}.pdf" in page.text
    pdf = client.get(f"{path_of(url)}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert squeezed(SUMMARY) in all_text(pdf.data)
    assert len(actions("opinion.viewed_by_physician_link")) == 4


@pytest.mark.parametrize("check", ["code"], indirect=True)
def test_the_code_comes_in_a_second_email_and_opens_the_page(
    client, written, auth_header, smtp_server, clock
):
    answer = client.post(
        link_api(written), headers=auth_header(written.patient), json={"physician_email": DOCTOR}
    )
    assert answer.status_code == 201, answer.text
    link_mail, code_mail = smtp_server.wait_for(2)
    url = answer.get_json()["url"]
    code_text = code_mail.get_body(preferencelist=("plain",)).get_content()
    assert url not in code_text  # one intercepted email is not enough
    assert "Maria" not in code_text and "Keller" not in code_text
    assert "access code" in link_mail.get_body(preferencelist=("plain",)).get_content()
    [code] = CODE.findall(code_text)

    gate = client.get(path_of(url))
    assert gate.status_code == 200
    assert SUMMARY not in gate.text
    # Nor the PDF, before the code is given.
    assert not client.get(f"{path_of(url)}.pdf").data.startswith(b"%PDF")
    assert "Access code" in gate.text
    assert actions("opinion.viewed_by_physician_link") == []

    wrong = client.post(
        path_of(url), data={"answer": "AAAA-AAAA", "csrf_token": csrf_token(gate.text)}
    )
    assert wrong.status_code == 422
    assert "4 tries left" in wrong.text
    assert SUMMARY not in wrong.text
    [failed] = actions("opinion.physician_link_check_failed")
    assert failed.target_id == str(written.id)

    right = client.post(
        path_of(url),
        data={"answer": code.lower().replace("-", " "), "csrf_token": csrf_token(wrong.text)},
    )
    assert right.status_code == 302
    page = client.get(path_of(url))
    assert page.status_code == 200 and SUMMARY in page.text
    assert len(actions("opinion.viewed_by_physician_link")) == 1


@pytest.mark.parametrize("check", ["code"], indirect=True)
def test_wrong_codes_lock_the_link(client, written, auth_header, smtp_server):
    url = client.post(
        link_api(written), headers=auth_header(written.patient), json={"physician_email": DOCTOR}
    ).get_json()["url"]
    smtp_server.wait_for(2)
    token = csrf_token(client.get(path_of(url)).text)
    for _ in range(4):
        answer = client.post(path_of(url), data={"answer": "WRONG-ONE", "csrf_token": token})
        assert answer.status_code == 422
    last = client.post(path_of(url), data={"answer": "WRONG-ONE", "csrf_token": token})
    assert last.status_code == 404
    assert "locked" in last.text
    assert len(actions("opinion.physician_link_check_failed")) == 5
    assert len(actions("opinion.physician_link_locked")) == 1
    assert client.get(path_of(url)).status_code == 404


@pytest.mark.parametrize("check", ["code"], indirect=True)
def test_a_code_needs_the_doctors_address(client, written, auth_header):
    written.physician_contact = ""
    db.session.commit()
    answer = client.post(link_api(written), headers=auth_header(written.patient))
    assert answer.status_code == 422
    assert "physician_email" in answer.get_json()["errors"]
    assert db.session.scalars(select(PhysicianLink)).all() == []


@pytest.mark.parametrize("check", ["birth_date"], indirect=True)
def test_the_birth_date_check(client, written, auth_header):
    patient = auth_header(written.patient)
    refused = client.post(link_api(written), headers=patient)
    assert refused.status_code == 409
    assert "date of birth" in refused.get_json()["detail"]

    written.patient_birth_date = date(1970, 5, 17)
    db.session.commit()
    url = client.post(link_api(written), headers=patient).get_json()["url"]
    gate = client.get(path_of(url))
    assert "The patient's date of birth" in gate.text and SUMMARY not in gate.text
    token = csrf_token(gate.text)
    wrong = client.post(path_of(url), data={"answer": "1970-05-18", "csrf_token": token})
    assert wrong.status_code == 422
    right = client.post(path_of(url), data={"answer": "1970-05-17", "csrf_token": token})
    assert right.status_code == 302
    assert SUMMARY in client.get(path_of(url)).text


def test_the_link_fails_after_expiry_and_after_withdrawal(
    client, written, auth_header, clock, sign_in
):
    url = client.post(link_api(written), headers=auth_header(written.patient)).get_json()["url"]
    clock.advance(days=13, hours=23)
    assert client.get(path_of(url)).status_code == 200
    clock.advance(hours=1)  # PHYSICIAN_LINK_DAYS: 14
    assert client.get(path_of(url)).status_code == 404

    url = client.post(link_api(written), headers=auth_header(written.patient)).get_json()["url"]
    assert client.get(path_of(url)).status_code == 200
    sign_in(written.patient)
    page = client.get(f"/consultations/{written.id}")
    assert "Opened by your doctor" in page.text
    assert "Withdraw the link" in page.text
    gone = client.post(
        f"/consultations/{written.id}/doctor/withdraw", data={"csrf_token": csrf_token(page.text)}
    )
    assert gone.status_code == 302
    assert client.get(path_of(url)).status_code == 404
    assert len(actions("opinion.physician_link_revoked")) == 1
    page = client.get(f"/consultations/{written.id}")
    assert "No longer works" in page.text
    assert "Withdraw the link" not in page.text


def test_the_clinic_sets_how_long_links_live(make_app, clock, smtp_server, book_for_opinion):
    app = app_with(make_app, clock, smtp_server, PHYSICIAN_LINK_DAYS=3)
    with app.app_context():
        consultation = book_for_opinion()
        client = app.test_client()
        write_signed(consultation, now=clock(), copy_to_doctor=False)
        shared = physician_links.create(
            consultation.patient, consultation.id, physician_email=None, now=clock()
        )
        assert shared.expires_at == clock() + timedelta(days=3)
        clock.advance(days=3)
        assert client.get(path_of(shared.url)).status_code == 404


def test_settings_are_checked_at_start(make_app):
    from config import ConfigError

    with pytest.raises(ConfigError):
        make_app(PHYSICIAN_LINK_CHECK="password")
