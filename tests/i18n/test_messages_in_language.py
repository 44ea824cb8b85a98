"""Emails, SMS and invites speak their recipient's language, whoever triggered them.

The reminder process has no request: ``dispatch_due_reminders`` runs here in an app
context only, as ``flask reminders run`` does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from telesecond.adapters import registry
from telesecond.clock import utcnow
from telesecond.services import languages, messages
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.factories import intake
from tests.web_forms import csrf_token

BASE_URL = "https://clinic.example"
PHONE = "+34612345678"
START = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)  # a Wednesday: 15:00 in Madrid


@pytest.fixture
def app(make_app, clock, smtp_server, fake_twilio):
    """Mail through aiosmtpd on loopback, SMS through the real twilio client to the fake."""
    app = make_app(
        CLOCK=clock,
        PUBLIC_BASE_URL=BASE_URL,
        **smtp_server.app_config(),
        **fake_twilio.app_config(),
    )
    with app.app_context():
        yield app
        registry.current().sms.close()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def invite_of(message) -> Calendar:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


@pytest.fixture
def spanish_patient(make_account, clock):
    return make_account(
        full_name="Lucía Fernández",
        language="es",
        timezone="Europe/Madrid",
        phone=PHONE,
        notify_by="email,sms",
        sms_consent_at=clock(),
    )


def test_a_spanish_patient_gets_the_booking_by_email_and_sms_in_spanish(
    clock, spanish_patient, make_specialist, book_consultation, smtp_server, fake_twilio
) -> None:
    doctor = make_specialist(full_name="Anna Berg", language="hi")
    consultation = book_consultation(spanish_patient, doctor, start=START)

    dispatch_due_reminders(clock=utcnow)

    # The two invitations; no catch-up reminder beside the patient's confirmation.
    received = smtp_server.wait_for(2)
    invites = {m.rcpt_tos[0]: m for m in received if "text/calendar" in str(m)}
    mine = invites[spanish_patient.email]
    subject = str(mine["Subject"]).strip()
    assert subject == "Su consulta de telesecond el mié 4 mar 2026, 15:00 CET"
    body = text_of(mine)
    assert "Hola, Lucía Fernández:" in body
    assert "Su consulta por vídeo con Dr Anna Berg está reservada:" in body
    assert "mié 4 mar 2026, 15:00 (CET, Europe/Madrid)" in body
    assert f"{BASE_URL}/consultations/{consultation.id}/join" in body
    assert '<html lang="es">' in html_of(mine)
    event = invite_of(mine).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Consulta por vídeo con Dr Anna Berg"
    assert str(event["DESCRIPTION"]).startswith("Entrar en la videollamada: ")
    assert "Los detalles de la consulta están en su cuenta de" in str(event["DESCRIPTION"])
    assert event["ORGANIZER"].params["CN"] == "Dr Anna Berg a través de telesecond"
    # The specialist reads the same booking in Hindi, in their own zone, titled with the
    # patient's name (their own would not tell their patients apart).
    theirs = invites[doctor.email]
    assert str(theirs["Subject"]).strip() == "बुध 4 मार्च 2026, 15:00 CET को आपका telesecond परामर्श"
    their_event = invite_of(theirs).walk("VEVENT")[0]
    assert str(their_event["SUMMARY"]) == "Lucía Fernández के साथ वीडियो परामर्श"
    for message in received:
        for secret in (intake().reason, intake().current_diagnosis, intake().proposed_treatment):
            assert secret.lower() not in text_of(message).lower()
            assert secret.lower() not in str(message["Subject"]).lower()

    # The confirmation by SMS too, then the day before, the SMS reminder, in Spanish.
    clock.now = START - timedelta(hours=24)
    dispatch_due_reminders(clock=utcnow)
    confirmation, sms = fake_twilio.messages_to(PHONE)
    assert "reservada" in confirmation["body"]
    assert sms["body"] == (
        "telesecond: recuerde su videollamada el mié 4 mar 15:00 CET. "
        f"Ver: {BASE_URL}/consultations/{consultation.id} Baja: responda STOP"
    )


def test_a_language_changed_after_booking_is_the_one_messages_use(
    app, clock, spanish_patient, make_specialist, book_consultation, smtp_server, auth_header
) -> None:
    consultation = book_consultation(spanish_patient, make_specialist(), start=START)
    client = app.test_client()
    answer = client.patch(
        "/api/v1/me", json={"language": "en-US"}, headers=auth_header(spanish_patient)
    )
    assert answer.status_code == 200

    dispatch_due_reminders(clock=utcnow)

    received = smtp_server.wait_for(2)
    mine = [m for m in received if m.rcpt_tos[0] == spanish_patient.email]
    subjects = sorted(str(m["Subject"]).strip() for m in mine)
    assert subjects == ["Your telesecond consultation on Wed, Mar 4, 2026, 3:00 PM CET"]
    assert all(f"/consultations/{consultation.id}" in text_of(m) for m in mine)


def test_account_emails_sent_during_someone_elses_request_use_the_recipients_language(
    app, make_account, smtp_server
) -> None:
    hindi = make_account(email="asha@example.org", full_name="Asha Rao", language="hi")
    client = app.test_client()
    page = client.get("/forgot-password", headers={"Accept-Language": "es"})
    client.post(
        "/forgot-password",
        data={"email": hindi.email, "csrf_token": csrf_token(page.text)},
        headers={"Accept-Language": "es"},
    )

    (email,) = smtp_server.wait_for(1)
    assert str(email["Subject"]).strip() == "अपना telesecond पासवर्ड रीसेट करें"
    assert "नमस्ते Asha Rao," in text_of(email)
    assert '<html lang="hi">' in html_of(email)


@pytest.mark.parametrize(
    ("start", "local"),
    [
        # Madrid leaves winter time on Sun 29 Mar 2026 and goes back on Sun 25 Oct.
        (datetime(2026, 3, 28, 9, 0, tzinfo=UTC), "sáb 28 mar 2026, 10:00 (CET, Europe/Madrid)"),
        (datetime(2026, 3, 30, 9, 0, tzinfo=UTC), "lun 30 mar 2026, 11:00 (CEST, Europe/Madrid)"),
        (datetime(2026, 10, 24, 9, 0, tzinfo=UTC), "sáb 24 oct 2026, 11:00 (CEST, Europe/Madrid)"),
        (datetime(2026, 10, 26, 9, 0, tzinfo=UTC), "lun 26 oct 2026, 10:00 (CET, Europe/Madrid)"),
    ],
)
def test_spanish_times_follow_the_zone_across_dst(app, spanish_patient, start, local) -> None:
    with languages.speaking(spanish_patient):
        assert messages.long_time(start, ZoneInfo("Europe/Madrid")) == local


def test_a_calendar_feed_speaks_its_owners_language_whoever_fetches_it(
    app, make_account, make_specialist, book_consultation, auth_header
) -> None:
    patient = make_account(language="hi", timezone="Asia/Kolkata")
    book_consultation(patient, make_specialist(full_name="Anna Berg"), start=START)
    client = app.test_client()
    url = client.get("/api/v1/me/calendar-feed", headers=auth_header(patient)).get_json()["url"]

    feed = client.get(url.removeprefix(BASE_URL), headers={"Accept-Language": "es"})

    assert feed.status_code == 200
    (event,) = Calendar.from_ical(feed.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Dr Anna Berg के साथ वीडियो परामर्श"
