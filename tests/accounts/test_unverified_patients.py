"""Until the address is verified a patient books nothing and gets no email reminder."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.adapters.mail import ConsoleMail
from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Consultation, Hold, Reminder
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.accounts.conftest import last_to, link_in
from tests.consultations.booking_requests import MON_11, book
from tests.web_forms import login


def test_an_unverified_patient_cannot_hold_or_book_until_verified(
    mail_client, smtp_server, make_account, make_specialist, auth_header
):
    doctor = make_specialist()
    patient = make_account(email="new@example.org", email_verified=False)
    headers = auth_header(patient)
    hold = mail_client.post(
        "/api/v1/holds", headers=headers, json={"specialist_id": doctor.id, "start": MON_11}
    )
    assert hold.status_code == 403
    assert hold.mimetype == "application/problem+json"
    assert "Verify your email address first" in hold.get_json()["detail"]
    booked = book(mail_client, headers, doctor.id, MON_11)
    assert booked.status_code == 403
    assert "Verify your email address first" in booked.get_json()["detail"]
    assert db.session.scalars(select(Hold)).all() == []
    assert db.session.scalars(select(Consultation)).all() == []

    assert mail_client.post("/api/v1/me/email-verification", headers=headers).status_code == 202
    token = link_in(last_to(smtp_server, patient.email), "/verify-email")
    assert mail_client.post("/api/v1/email-verifications", json={"token": token}).status_code == 204
    assert book(mail_client, headers, doctor.id, MON_11).status_code == 201


def test_the_booking_page_says_verify_first(mail_app, make_account, make_specialist):
    doctor = make_specialist()
    patient = make_account(email_verified=False)
    browser = mail_app.test_client()
    login(browser, patient)
    page = browser.get(f"/book/{doctor.id}?start={MON_11}")
    assert page.status_code == 403
    assert "Verify your email first" in page.text
    assert 'href="/account"' in page.text
    assert "Tell " not in page.text  # no intake form
    assert db.session.scalars(select(Hold)).all() == []
    posted = browser.post(f"/book/{doctor.id}", data={"start": MON_11})
    assert posted.status_code in (400, 403)  # the CSRF check or the verification refuses it
    assert db.session.scalars(select(Consultation)).all() == []


def test_verification_can_be_switched_off_outside_production(
    make_app, clock, make_account, make_specialist, auth_header
):
    app = make_app(CLOCK=clock, EMAIL_VERIFICATION_REQUIRED=False)
    client = app.test_client()
    doctor = make_specialist()
    headers = auth_header(make_account(email_verified=False))
    assert book(client, headers, doctor.id, MON_11).status_code == 201


def test_no_email_goes_to_an_unverified_address(
    app, make_account, make_specialist, book_consultation, clock
):
    """The specialist's confirmation is skipped (unverified); later the patient's too."""
    mail = registry.replace(app, mail=ConsoleMail(io.StringIO())).mail
    doctor = make_specialist(email="unverified.doctor@example.org", email_verified=False)
    patient = make_account(email="patient@example.org")
    consultation = book_consultation(patient, doctor, n=30)
    dispatch_due_reminders(clock=utcnow)
    assert [m["To"].addresses[0].addr_spec for m in mail.sent] == ["patient@example.org"]
    skipped = db.session.scalars(
        select(Reminder).where(Reminder.recipient_id == doctor.id, Reminder.kind == "confirmation")
    ).one()
    assert (skipped.status, skipped.last_error) == ("skipped", "email address not verified")

    patient.email_verified_at = None  # e.g. an account from before verification existed
    db.session.commit()
    clock.now = consultation.start - timedelta(hours=2)
    dispatch_due_reminders(clock=utcnow)
    reminders = db.session.scalars(
        select(Reminder).where(Reminder.recipient_id == patient.id, Reminder.kind == "reminder")
    ).all()
    assert reminders
    assert {(r.status, r.last_error) for r in reminders} == {
        ("skipped", "email address not verified")
    }
    assert len(mail.sent) == 1
