"""Every SMS, in every shipped language, keeps the limit with long realistic values.

The limit (services/messages.py): 160 characters in every language, so one segment in
GSM-7 and at most three in UCS-2. English and Spanish texts go as GSM-7 (one segment)
unless a date needs a letter outside it (Spanish "sáb"); Hindi always goes as UCS-2.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from telesecond.domain.sms_segments import sms_size
from telesecond.extensions import db
from telesecond.services import messages
from telesecond.services.messages import SMS_LIMIT, sms_reply, sms_text
from tests.factories import intake

LONG_NAME = "Maximilian-Alexander Wolfgang Bartholomäus von und zu Hohenzollern-Sigmaringen"
LONG_ORG = "Second Opinion Telemedicine Network of Northern Europe"
LONG_BASE = "https://secondopinion.clinic-example.org"
KINDS = ("confirmation", "reminder", "rescheduled", "cancelled")
LANGUAGES = ("en", "en-US", "es", "hi")
ZONES = ("America/Argentina/ComodRivadavia", "Pacific/Chatham", "America/St_Johns")
# The 28th of each month of 2026: every month's name, every day of the week, two digits.
DATES = [datetime(2026, month, 28, 23, 45, tzinfo=UTC) for month in range(1, 13)]


def fits(text: str) -> bool:
    size = sms_size(text)
    one_segment = size.encoding == "GSM-7" and size.segments == 1
    return size.units <= SMS_LIMIT and (one_segment or size.segments <= 3)


@pytest.fixture(params=ZONES)
def long_case(request, app, make_account, make_specialist, book_consultation):
    app.config.update(ORGANISATION_NAME=LONG_ORG, PUBLIC_BASE_URL=LONG_BASE)
    doctor = make_specialist(full_name=LONG_NAME, timezone=request.param)
    patient = make_account(full_name=LONG_NAME, timezone=request.param, phone="+4915112345678")
    return patient, doctor, book_consultation(patient, doctor, n=3)


def test_every_consultation_sms_in_every_language_keeps_the_limit(long_case) -> None:
    patient, _, consultation = long_case
    with db.session.no_autoflush:
        consultation.id = 9_999_999  # ids grow: a seven-digit id must still fit
        for language in LANGUAGES:
            patient.language = language
            for start in DATES:
                consultation.start, consultation.end = start, start + timedelta(hours=1)
                for kind in KINDS:
                    for hours_before in (0.5, 24):
                        now = start - timedelta(hours=hours_before)
                        text = sms_text(kind, consultation, patient, now=now)
                        assert fits(text), (language, len(text), sms_size(text), text)
                        assert "STOP" in text
                        org = LONG_ORG[: messages.SMS_ORGANISATION_MIN]
                        assert text.startswith(org), text
    db.session.rollback()


def test_agenda_and_keyword_replies_keep_the_limit_in_every_language(long_case, clock) -> None:
    _, doctor, consultation = long_case
    with db.session.no_autoflush:
        for language in LANGUAGES:
            doctor.language = language
            for day in DATES:
                agenda = sms_text(
                    "agenda", None, doctor, now=clock(), agenda=[consultation] * 12, day=day.date()
                )
                assert fits(agenda), (language, agenda)
            for name in ("help", "stopped", "started"):
                text = sms_reply(name, doctor)
                assert fits(text), (language, text)
    db.session.rollback()


def test_a_hindi_sms_goes_as_ucs2_and_names_no_health_information(
    app, make_account, make_specialist, book_consultation
) -> None:
    start = datetime(2026, 3, 7, 9, 30, tzinfo=UTC)  # a Saturday, 15:00 in Kolkata
    doctor = make_specialist(timezone="Asia/Kolkata", weekly=[(5, 9 * 60, 17 * 60)], horizon=30)
    patient = make_account(timezone="Asia/Kolkata", language="hi")
    consultation = book_consultation(patient, doctor, start=start)

    text = sms_text("reminder", consultation, patient, now=start - timedelta(hours=24))

    size = sms_size(text)
    assert size.encoding == "UCS-2"
    assert size.segments <= 3 and size.units <= SMS_LIMIT
    assert "वीडियो कॉल" in text
    assert "शनि 7 मार्च 15:00 IST" in text  # a 24-hour clock
    assert text.endswith("बंद करने हेतु STOP भेजें")
    for secret in (intake().reason, intake().current_diagnosis, intake().proposed_treatment):
        assert secret.lower() not in text.lower()


def test_a_spanish_sms_is_gsm7_on_weekdays(
    app, make_account, make_specialist, book_consultation
) -> None:
    start = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)  # a Wednesday
    consultation = book_consultation(make_account(language="es"), make_specialist(), start=start)

    # Booked two days ahead: the text links the consultation's page, not yet the call.
    text = sms_text(
        "confirmation", consultation, consultation.patient, now=start - timedelta(days=2)
    )

    assert text == (
        "telesecond: videollamada el mié 4 mar 15:00 CET reservada. "
        f"Ver: http://localhost/consultations/{consultation.id} Baja: responda STOP"
    )
    assert sms_size(text).encoding == "GSM-7"


def test_us_english_sms_uses_a_12_hour_clock(
    app, make_account, make_specialist, book_consultation
) -> None:
    start = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
    patient = make_account(language="en-US", timezone="America/New_York")
    consultation = book_consultation(patient, make_specialist(), start=start)

    text = sms_text("confirmation", consultation, patient, now=start)

    assert "for Wed Mar 4 9:00 AM EST." in text
