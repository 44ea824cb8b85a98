"""Reminder and agenda emails as received over SMTP; mail server trouble classified."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.adapters.mail import MailError, SmtpMail
from telesecond.extensions import db
from telesecond.models.reminder import Reminder
from telesecond.services.consultations import booking
from telesecond.services.reminders.delivery import backoff, deliver
from tests.factories import intake
from tests.reminders.scenario import BASE_URL

START = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def bodies(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


@pytest.fixture
def booked(app, make_account, make_specialist, book_consultation):
    doctor = make_specialist(full_name="Anna Berg", timezone="Europe/Berlin")
    patient = make_account(full_name="Sam O'Neil <Sam>", timezone="Asia/Tokyo")
    return patient, doctor, book_consultation(patient, doctor, start=START)


def test_reminder_email_has_text_and_html_with_local_time_and_both_links(
    booked, make_reminder, smtp_server, clock
) -> None:
    patient, _, consultation = booked

    outcome = deliver(make_reminder(patient, consultation, slot="72h"), now=clock())

    assert outcome.status == "sent"
    (email,) = smtp_server.wait_for(1)
    assert email["Message-ID"] == outcome.provider_ref
    assert email.get_content_type() == "multipart/alternative"
    assert str(email["Subject"]).strip() == (
        "Reminder: your telesecond consultation on Wed 4 Mar 2026, 23:00 JST"
    )
    text, html = bodies(email)
    for body in (text, html):
        assert "Wed 4 Mar 2026, 23:00 (JST, Asia/Tokyo)" in body
        assert f"{BASE_URL}/consultations/{consultation.id}/join" in body
        assert f"{BASE_URL}/consultations/{consultation.id}" in body
        for secret in (intake().current_diagnosis, intake().reason, "carcinoma"):
            assert secret.lower() not in body.lower()
    assert "Sam O&#39;Neil &lt;Sam&gt;" in html  # names are escaped in HTML
    assert "Hello Sam O'Neil <Sam>," in text


def test_the_specialists_reminder_names_the_patient_in_the_body_only(
    booked, make_reminder, smtp_server, clock
) -> None:
    _, doctor, consultation = booked

    deliver(make_reminder(doctor, consultation, slot="15m"), now=clock())

    (email,) = smtp_server.wait_for(1)
    subject = str(email["Subject"]).strip()
    assert subject == "Reminder: your telesecond consultation on Wed 4 Mar 2026, 15:00 CET"
    assert "O'Neil" not in subject
    assert "Sam O'Neil <Sam>" in bodies(email)[0]


def test_agenda_lists_that_local_days_consultations_only(
    app, booked, make_account, make_reminder, book_consultation, smtp_server, clock
) -> None:
    patient, doctor, first = booked
    other = make_account(full_name="Lee Second")
    book_consultation(other, doctor, start=START + timedelta(hours=1))
    gone = make_account(full_name="Gone Cancelled")
    cancelled = book_consultation(gone, doctor, start=START - timedelta(hours=1))
    booking.cancel(gone, cancelled.id, reason="", now=clock(), cutoff_hours=0)
    tomorrow = make_account(full_name="Tomorrow Person")
    book_consultation(tomorrow, doctor, start=START + timedelta(days=1))
    db.session.commit()

    # The outbox planned the agenda row when the first consultation was booked.
    row = db.session.scalar(
        select(Reminder).where(
            Reminder.recipient_id == doctor.id,
            Reminder.kind == "agenda",
            Reminder.slot == "2026-03-04",
        )
    )
    outcome = deliver(row, now=clock())

    assert outcome.status == "sent"
    (email,) = smtp_server.wait_for(1)
    assert str(email["Subject"]).strip() == (
        "Your agenda for Wednesday 4 March 2026: 2 consultations"
    )
    text, html = bodies(email)
    assert "15:00-16:00  Sam O'Neil <Sam>" in text
    assert "16:00-17:00  Lee Second" in text
    for absent in ("Gone Cancelled", "Tomorrow Person"):
        assert absent not in text and absent not in html
    assert f"{BASE_URL}/consultations" in text
    for secret in (intake().current_diagnosis, intake().reason, "carcinoma"):
        assert secret.lower() not in (text + html).lower()


class RefusingMail:
    """Our MailSender interface, refusing every message the way SmtpMail reports a 550."""

    def send(self, message) -> None:
        raise MailError(
            "SMTP server refused the message (reply 550)", transient=False, smtp_code=550
        )


def test_an_unreachable_mail_server_retries_and_a_refusal_fails(
    app, booked, make_reminder, clock
) -> None:
    patient, _, consultation = booked
    # A port nobody listens on: the connection is refused, so trying later may work.
    registry.replace(app, mail=SmtpMail("127.0.0.1", 9, timeout=2))
    row = make_reminder(patient, consultation, slot="72h", attempts=3)

    outcome = deliver(row, now=clock())

    assert outcome.status == "retry"
    assert outcome.retry_in == backoff(3) == timedelta(minutes=4)
    assert patient.email not in outcome.error

    registry.replace(app, mail=RefusingMail())
    refused = deliver(make_reminder(patient, consultation, slot="24h"), now=clock())
    assert (refused.status, refused.retry_in) == ("failed", None)
    assert "550" in refused.error


def test_an_agenda_whose_consultations_were_all_cancelled_is_skipped(
    booked, smtp_server, clock
) -> None:
    patient, doctor, consultation = booked
    row = db.session.scalar(
        select(Reminder).where(Reminder.recipient_id == doctor.id, Reminder.kind == "agenda")
    )
    booking.cancel(patient, consultation.id, reason="", now=clock(), cutoff_hours=0)
    db.session.commit()

    assert deliver(row, now=clock()).status == "skipped"
    assert smtp_server.messages == []
