"""The patient hears that the opinion (or an addendum) is ready: email and SMS through the
outbox, following their channels, consent, caps and quiet hours, with nothing clinical."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Reminder
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.credentials import PASSWORD
from tests.opinions.conftest import after_the_call
from tests.opinions.scenario import BODY, DIAGNOSIS, QUESTIONS, SUMMARY
from tests.reminders.scenario import BASE_URL, PHONE, local

# Words of this case that must never be in a notice: diagnosis, questions, opinion,
# the treatment, and the specialist (whose name tells what the patient has).
CLINICAL = [
    DIAGNOSIS,
    "carcinoma",
    "breast",
    "surgery",
    "radiotherapy",
    "mastectomy",
    "biopsy",
    "hormone",
    "refines",
    "tumour",
    SUMMARY,
    *QUESTIONS,
    "Brandt",
]


@pytest.fixture
def app(make_app, clock, smtp_server, fake_twilio):
    """The app with real SMTP and the real twilio client against the fake server."""
    app = make_app(
        CLOCK=clock,
        PUBLIC_BASE_URL=BASE_URL,
        **smtp_server.app_config(),
        **fake_twilio.app_config(),
    )
    with app.app_context():
        yield app
        registry.current().sms.close()


@pytest.fixture
def sms_consultation(book_for_opinion, make_account, clock):
    """A consultation of a Berlin patient who chose email and SMS and consented to SMS."""
    patient = make_account(
        full_name="Maria Keller",
        notify_by="email,sms",
        phone=PHONE,
        sms_consent_at=clock(),
    )
    return book_for_opinion(patient=patient)


def assert_nothing_clinical(text: str) -> None:
    for word in CLINICAL:
        assert word.lower() not in text.lower(), word


def notices(smtp_server, address: str, subject: str) -> list:
    return [m for m in smtp_server.messages_to(address) if m["Subject"] == subject]


def test_the_ready_notice_reaches_email_and_sms_without_clinical_words(
    sms_consultation, sign_opinion, smtp_server, fake_twilio, client, auth_header, clock
):
    consultation = sms_consultation
    patient = consultation.patient
    dispatch_due_reminders(clock=utcnow)  # the booking's texts (one SMS: the join link)
    clock.advance(days=1)  # the caps allow one SMS a day: sign the next day
    sign_opinion(consultation)
    dispatch_due_reminders(clock=utcnow)

    smtp_server.wait_for(1)
    [email] = notices(smtp_server, patient.email, "Your written opinion is ready")
    text = email.get_body(preferencelist=("plain",)).get_content()
    html = email.get_body(preferencelist=("html",)).get_content()
    link = f"{BASE_URL}/consultations/{consultation.id}/opinion"
    assert link in text and link in html
    assert "Sign in" in text
    for part in (email["Subject"], text, html):
        assert_nothing_clinical(part)

    [sms] = [m for m in fake_twilio.messages_to(PHONE) if "opinion" in m["body"]]
    assert "your written opinion is ready" in sms["body"]
    assert link in sms["body"]
    assert_nothing_clinical(sms["body"])
    assert len(sms["body"]) <= 160

    # An addendum the same day: announced by email; the SMS cap (1 a day) holds it back.
    client.post(
        f"/api/v1/consultations/{consultation.id}/opinion/addenda",
        headers=auth_header(consultation.specialist),
        json={"text": "Ask about a biopsy first.", "password": PASSWORD},
    )
    dispatch_due_reminders(clock=utcnow)
    [added] = notices(smtp_server, patient.email, "Your written opinion has an addendum")
    assert_nothing_clinical(added.get_body(preferencelist=("plain",)).get_content())
    assert [m for m in fake_twilio.messages_to(PHONE) if "addendum" in m["body"]] == []

    # The next day's addendum gets its SMS too.
    clock.advance(days=1)
    client.post(
        f"/api/v1/consultations/{consultation.id}/opinion/addenda",
        headers=auth_header(consultation.specialist),
        json={"text": "And a scan.", "password": PASSWORD},
    )
    dispatch_due_reminders(clock=utcnow)
    [later] = [m for m in fake_twilio.messages_to(PHONE) if "addendum" in m["body"]]
    assert_nothing_clinical(later["body"])


def test_an_email_only_patient_gets_no_sms(
    book_for_opinion, make_account, sign_opinion, smtp_server, fake_twilio, clock
):
    # A phone and consent, but they chose email only.
    patient = make_account(notify_by="email", phone=PHONE, sms_consent_at=clock())
    consultation = book_for_opinion(patient=patient)
    sign_opinion(consultation)
    dispatch_due_reminders(clock=utcnow)
    smtp_server.wait_for(1)
    assert len(notices(smtp_server, patient.email, "Your written opinion is ready")) == 1
    assert fake_twilio.messages_to(PHONE) == []


def test_a_signature_in_the_patients_night_is_announced_in_the_morning(
    sms_consultation, sign_opinion, smtp_server, fake_twilio, clock
):
    consultation = sms_consultation
    clock.advance(seconds=(local(2026, 3, 2, 22, 30) - clock()).total_seconds())
    after_the_call(clock, consultation)
    sign_opinion(consultation)
    rows = db.session.scalars(select(Reminder).where(Reminder.kind == "opinion_ready")).all()
    assert {(r.channel, r.due_at) for r in rows} == {
        ("email", local(2026, 3, 3, 8)),
        ("sms", local(2026, 3, 3, 8)),
    }
    dispatch_due_reminders(clock=utcnow)
    assert [m for m in fake_twilio.messages_to(PHONE) if "opinion" in m["body"]] == []
    clock.advance(seconds=(local(2026, 3, 3, 8) - clock()).total_seconds())
    dispatch_due_reminders(clock=utcnow)
    assert len([m for m in fake_twilio.messages_to(PHONE) if "opinion" in m["body"]]) == 1


def test_follow_up_questions_three_then_refused_and_the_specialist_is_told(
    sms_consultation, sign_opinion, smtp_server, client, auth_header, clock
):
    consultation = sms_consultation
    sign_opinion(consultation)
    ask = f"/api/v1/consultations/{consultation.id}/follow-up-questions"
    patient, doctor = auth_header(consultation.patient), auth_header(consultation.specialist)
    asked = []
    for n in range(3):
        clock.advance(hours=1)
        response = client.post(ask, headers=patient, json={"question": f"Is surgery needed {n}?"})
        assert response.status_code == 201, response.text
        asked.append(response.get_json()["id"])
    fourth = client.post(ask, headers=patient, json={"question": "One more?"})
    assert fourth.status_code == 409
    assert "3 follow-up questions" in fourth.get_json()["detail"]
    assert client.post(ask, headers=doctor, json={"question": "Me?"}).status_code == 403

    dispatch_due_reminders(clock=utcnow)
    smtp_server.wait_for(1)
    alerts = notices(
        smtp_server, consultation.specialist.email, "A patient asked a follow-up question"
    )
    assert len(alerts) == 3
    for alert in alerts:
        body = alert.get_body(preferencelist=("plain",)).get_content()
        assert "surgery" not in body.lower() and DIAGNOSIS not in body
        assert f"{BASE_URL}/consultations/{consultation.id}/opinion" in body

    answered = client.post(
        f"/api/v1/consultations/{consultation.id}/opinion/addenda",
        headers=doctor,
        json={"text": "No.", "password": PASSWORD, "question_ids": asked[:2]},
    )
    assert answered.status_code == 201
    listed = client.get(ask, headers=patient).get_json()["items"]
    assert [q["answered_in"] for q in listed] == [1, 1, None]
    opinion = client.get(
        f"/api/v1/consultations/{consultation.id}/opinion", headers=patient
    ).get_json()
    assert [q["id"] for q in opinion["follow_up_questions"]] == asked
    # An answered question cannot be answered again.
    again = client.post(
        f"/api/v1/consultations/{consultation.id}/opinion/addenda",
        headers=doctor,
        json={"text": "Still no.", "password": PASSWORD, "question_ids": [asked[0]]},
    )
    assert again.status_code == 422


def test_follow_ups_close_after_the_window_and_need_a_signed_opinion(
    consultation, sign_opinion, client, auth_header, clock
):
    ask = f"/api/v1/consultations/{consultation.id}/follow-up-questions"
    client.put(
        f"/api/v1/consultations/{consultation.id}/opinion",
        headers=auth_header(consultation.specialist),
        json=BODY,
    )
    early = client.post(ask, headers=auth_header(consultation.patient), json={"question": "Q?"})
    assert early.status_code == 409
    sign_opinion(consultation)
    for bad in ({"question": "  "}, {"question": 3}, {}, {"question": "x" * 2001}):
        response = client.post(ask, headers=auth_header(consultation.patient), json=bad)
        assert response.status_code == 422, bad
    clock.advance(days=30, seconds=-1)
    inside = client.post(ask, headers=auth_header(consultation.patient), json={"question": "Q?"})
    assert inside.status_code == 201
    clock.advance(seconds=1)
    late = client.post(ask, headers=auth_header(consultation.patient), json={"question": "Q?"})
    assert late.status_code == 409
    assert "30 days" in late.get_json()["detail"]


def test_the_limits_are_settings(make_app, clock, consultation, auth_header, sign_opinion):
    client = make_app(CLOCK=clock, FOLLOW_UP_QUESTIONS=1, FOLLOW_UP_DAYS=2).test_client()
    sign_opinion(consultation, via=client)
    ask = f"/api/v1/consultations/{consultation.id}/follow-up-questions"
    headers = auth_header(consultation.patient)
    assert client.post(ask, headers=headers, json={"question": "A?"}).status_code == 201
    assert client.post(ask, headers=headers, json={"question": "B?"}).status_code == 409
