"""The opinion notices and a guest's invitation speak their recipient's language, and a
sign-up with a taken address answers with a sentence in the page's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telesecond.services import messages
from telesecond.services.video import guests
from tests.factories import intake
from tests.web_forms import csrf_token

START = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)  # Wednesday: 15:00 in Madrid


@pytest.fixture
def app(make_app, clock, smtp_server):
    app = make_app(
        CLOCK=clock, PUBLIC_BASE_URL="https://clinic.example", **smtp_server.app_config()
    )
    with app.app_context():
        yield app


@pytest.fixture
def booked(make_account, make_specialist, book_consultation):
    patient = make_account(full_name="Lucía Fernández", language="es", timezone="Europe/Madrid")
    doctor = make_specialist(full_name="Dr Asha Rao", language="hi")
    return book_consultation(patient, doctor, start=START)


def test_opinion_notices_are_written_in_each_recipients_language(app, booked) -> None:
    # Built during an English request, as a specialist's signing would be.
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        ready = messages.opinion_email("opinion_ready", booked, booked.patient, slot="opinion")
        addendum = messages.opinion_email(
            "opinion_ready", booked, booked.patient, slot="addendum-1"
        )
        follow_up = messages.opinion_email("follow_up", booked, booked.specialist, slot="q1")

    assert ready.subject == "Su opinión escrita está lista"
    assert ready.text.startswith("Hola, Lucía Fernández:")
    assert "Por su privacidad, este correo no la incluye." in ready.text
    assert f"/consultations/{booked.id}/opinion" in ready.text
    assert '<html lang="es">' in ready.html
    assert addendum.subject == "Su opinión escrita tiene un anexo"
    assert follow_up.subject == "एक मरीज़ ने अनुवर्ती प्रश्न पूछा"
    assert "Lucía Fernández ने आपकी हस्ताक्षरित लिखित राय" in follow_up.text
    assert '<html lang="hi">' in follow_up.html
    for email in (ready, addendum, follow_up):
        for secret in (intake().reason, intake().current_diagnosis, intake().questions[0]):
            assert secret.lower() not in (email.subject + email.text + email.html).lower()


def test_an_english_patient_still_reads_english_notices(app, make_account, booked) -> None:
    booked.patient.language = None
    email = messages.opinion_email("opinion_ready", booked, booked.patient, slot="opinion")
    assert email.subject == "Your written opinion is ready"
    assert "For your privacy this email does not include it." in email.text


def test_a_guests_invitation_is_written_in_the_inviting_patients_language(
    app, clock, booked, smtp_server
) -> None:
    invitation = guests.invite(
        booked.patient, booked.id, name="Carmen Ruiz", email="carmen@example.org", now=clock()
    )

    assert invitation.emailed
    (email,) = smtp_server.wait_for(1)
    assert str(email["Subject"]).strip() == "telesecond: una invitación a unirse a una videollamada"
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Hola, Carmen Ruiz:")
    assert "Lucía Fernández le ha invitado a unirse a su videollamada con Dr Asha Rao" in text
    assert "mié 04 mar 2026, 15:00 (Europe/Madrid)" in text
    assert "es decir, mié 04 mar 2026, 14:00 UTC" in text
    assert intake().current_diagnosis.lower() not in text.lower()


def test_a_taken_address_at_sign_up_answers_with_a_sentence_not_a_code(
    app, make_account, smtp_server
) -> None:
    taken = make_account(email="lucia@example.org", language="es")
    client = app.test_client()
    headers = {"Accept-Language": "es"}
    page = client.get("/register", headers=headers)

    answer = client.post(
        "/register",
        data={
            "csrf_token": csrf_token(page.text),
            "full_name": "Lucía Otra",
            "email": taken.email,
            "password": "a long and unusual passphrase 1953",
            "role": "patient",
            "timezone": "Europe/Madrid",
        },
        headers=headers,
    )

    assert answer.status_code == 200  # the same answer as for a new address
    assert "Revise su correo electrónico" in answer.text
    assert "taken" not in answer.text
    (email,) = smtp_server.wait_for(1)  # its owner hears of it, in her language
    assert str(email["Subject"]).strip() == "Sobre su cuenta de telesecond"
