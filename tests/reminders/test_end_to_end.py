"""Booking → outbox → dispatcher → deliver → SMTP server and fake Twilio, then receipts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from twilio.request_validator import RequestValidator

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models.reminder import Reminder
from telesecond.services.consultations import booking
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.reminders.scenario import BASE_URL, PHONE
from tests.support.fake_twilio import TEST_AUTH_TOKEN

START = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def methods(email) -> list[str]:
    """The iTIP methods of the email's text/calendar parts."""
    return [p.get_param("method") for p in email.walk() if p.get_content_type() == "text/calendar"]


def test_a_booking_sends_invites_then_the_join_link_sms_then_a_cancel(
    app, clock, make_account, make_specialist, book_consultation, smtp_server, fake_twilio
) -> None:
    doctor = make_specialist(full_name="Anna Berg")
    patient = make_account(phone=PHONE, notify_by="email,sms", sms_consent_at=clock())
    consultation = book_consultation(patient, doctor, start=START)

    dispatch_due_reminders(clock=utcnow)

    # The invites to both, at once, and the patient's confirmation by text. The 72 h
    # reminder's time has passed, but no "Reminder" goes beside the invite that says when.
    received = smtp_server.wait_for(2)
    invites = {m.rcpt_tos[0]: methods(m) for m in received if methods(m)}
    assert invites == {patient.email: ["REQUEST"], doctor.email: ["REQUEST"]}
    assert len(smtp_server.messages) == 2
    (confirmation,) = fake_twilio.messages_to(PHONE)
    assert "booked for" in confirmation["body"]

    # A day before, an SMS with the manage link; an hour before, the join link; each once.
    join_url = f"{BASE_URL}/consultations/{consultation.id}/join"
    clock.now = START - timedelta(hours=24)
    dispatch_due_reminders(clock=utcnow)
    (_, day_before) = fake_twilio.messages_to(PHONE)
    assert join_url not in day_before["body"]
    assert f"{BASE_URL}/consultations/{consultation.id} " in day_before["body"]
    clock.now = START - timedelta(hours=1)
    dispatch_due_reminders(clock=utcnow)
    dispatch_due_reminders(clock=utcnow)
    texts = fake_twilio.messages_to(PHONE)
    assert len(texts) == 3
    join = [m for m in texts if join_url in m["body"]]
    assert len(join) == 1
    assert join[0]["validity_period"] <= 3600

    # Twilio reports it delivered; the row follows.
    form = {"MessageSid": join[0]["sid"], "MessageStatus": "delivered"}
    url = BASE_URL + "/webhooks/twilio/sms-status"
    headers = {"X-Twilio-Signature": RequestValidator(TEST_AUTH_TOKEN).compute_signature(url, form)}
    answer = app.test_client().post("/webhooks/twilio/sms-status", data=form, headers=headers)
    assert answer.status_code == 200
    db.session.expire_all()
    row = db.session.scalar(select(Reminder).where(Reminder.provider_ref == join[0]["sid"]))
    assert row.status == "delivered"

    # Cancelling sends CANCEL to both.
    before = len(smtp_server.messages)
    booking.cancel(patient, consultation.id, reason="", now=clock(), cutoff_hours=0)
    db.session.commit()
    dispatch_due_reminders(clock=utcnow)
    cancels = smtp_server.wait_for(before + 2)[before:]
    assert {m.rcpt_tos[0]: methods(m) for m in cancels} == {
        patient.email: ["CANCEL"],
        doctor.email: ["CANCEL"],
    }
