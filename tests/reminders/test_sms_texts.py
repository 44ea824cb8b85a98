"""SMS texts: one GSM-7 segment in the worst case, the right link, no health information."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import available_timezones

import pytest

from telesecond.domain.sms_segments import gsm7_length
from telesecond.extensions import db
from telesecond.services import messages
from telesecond.services.messages import SMS_LIMIT, sms_reply, sms_text
from tests.factories import intake

LONGEST_ZONE = max(available_timezones(), key=len)
LONG_NAME = "Maximilian-Alexander Wolfgang Bartholomäus von und zu Hohenzollern-Sigmaringen"
LONG_ORG = "Second Opinion Telemedicine Network of Northern Europe"
# The longest base URL every text is guaranteed to fit with (longer ones shorten the name).
LONG_BASE = "https://secondopinion.clinic-example.org"
KINDS = ("confirmation", "reminder", "rescheduled", "cancelled")


# The longest zone name, and zones with the longest offsets ("UTC+13:45", "UTC+10:30").
ZONES = (LONGEST_ZONE, "Pacific/Chatham", "Australia/Lord_Howe", "America/St_Johns")


@pytest.fixture(params=ZONES)
def long_case(request, app, clock, make_account, make_specialist, book_consultation):
    """The worst case: long names and org, a long base URL, a big id, long zones."""
    app.config.update(ORGANISATION_NAME=LONG_ORG, PUBLIC_BASE_URL=LONG_BASE)
    doctor = make_specialist(full_name=LONG_NAME, timezone=request.param)
    patient = make_account(full_name=LONG_NAME, timezone=request.param, phone="+4915112345678")
    consultation = book_consultation(patient, doctor, n=3)
    return patient, doctor, consultation


def test_gsm7_length_counts_extension_characters_twice_and_refuses_others() -> None:
    assert gsm7_length("Reply STOP") == 10
    assert gsm7_length("€[]") == 6
    assert gsm7_length("Zoë") is None  # ë is not in the default alphabet


def test_every_consultation_sms_fits_one_segment_in_the_worst_case(long_case, clock) -> None:
    patient, doctor, consultation = long_case
    cases = [(k, h, r) for k in KINDS for h in (0.5, 24) for r in (patient, doctor)]
    for kind, hours_before, recipient in cases:
        now = consultation.start - timedelta(hours=hours_before)
        with db.session.no_autoflush:
            consultation.id = 9_999_999  # ids grow: a seven-digit id must still fit
            text = sms_text(kind, consultation, recipient, now=now)
        length = gsm7_length(text)
        assert length is not None, text
        assert length <= SMS_LIMIT, (len(text), text)
        assert text.endswith("Reply STOP to opt out")
        assert text.startswith(LONG_ORG[: messages.SMS_ORGANISATION_MIN])
    db.session.rollback()


def test_agenda_and_keyword_replies_fit_one_segment(long_case, clock) -> None:
    patient, doctor, consultation = long_case
    app_texts = [
        sms_text(
            "agenda", None, doctor, now=clock(), agenda=[consultation] * 12, day=clock().date()
        ),
        sms_reply("help"),
        sms_reply("stopped"),
        sms_reply("started"),
    ]
    for text in app_texts:
        assert (gsm7_length(text) or 999) <= SMS_LIMIT, text
    assert "12 video calls" in app_texts[0]


def test_reminder_sms_names_the_service_the_local_time_and_carries_no_health_data(
    app, clock, make_account, make_specialist, book_consultation
) -> None:
    doctor = make_specialist()
    patient = make_account(timezone="America/New_York")
    consultation = book_consultation(patient, doctor, start=datetime(2026, 3, 4, 14, 0, tzinfo=UTC))
    text = sms_text("reminder", consultation, patient, now=clock())

    assert text.startswith("telesecond:")
    assert "Wed 4 Mar 09:00 EST" in text  # 14:00 UTC seen from New York
    assert "Reply STOP to opt out" in text
    case = intake()
    for secret in (case.reason, case.current_diagnosis, case.proposed_treatment, "carcinoma"):
        assert secret.lower() not in text.lower()


def test_last_reminder_carries_the_join_link_earlier_ones_the_manage_link(
    app, clock, make_account, make_specialist, book_consultation
) -> None:
    doctor = make_specialist()
    patient = make_account()
    consultation = book_consultation(patient, doctor, n=20)
    join = f"/consultations/{consultation.id}/join"

    hour_before = sms_text(
        "reminder", consultation, patient, now=consultation.start - timedelta(hours=1)
    )
    day_before = sms_text(
        "reminder", consultation, patient, now=consultation.start - timedelta(hours=24)
    )

    assert join in hour_before
    assert join not in day_before
    assert f"/consultations/{consultation.id} " in day_before


def test_a_name_outside_gsm7_cannot_force_a_unicode_sms(
    app, clock, make_account, make_specialist, book_consultation
) -> None:
    app.config["ORGANISATION_NAME"] = "Klinik Łódź 医院"
    doctor = make_specialist()
    patient = make_account()
    consultation = book_consultation(patient, doctor, n=4)
    text = sms_text("confirmation", consultation, patient, now=clock())
    assert gsm7_length(text) is not None
    assert text.startswith("Klinik ??d? ??:")


SNAPSHOTS = {
    ("confirmation", 48): "telesecond: video call booked for Wed 4 Mar 15:00 CET. "
    "Manage: https://clinic.example/consultations/{id} Reply STOP to opt out",
    ("rescheduled", 48): "telesecond: video call moved to Wed 4 Mar 15:00 CET. "
    "Manage: https://clinic.example/consultations/{id} Reply STOP to opt out",
    ("cancelled", 48): "telesecond: video call on Wed 4 Mar 15:00 CET cancelled. "
    "Manage: https://clinic.example/consultations/{id} Reply STOP to opt out",
    ("reminder", 24): "telesecond: reminder, video call Wed 4 Mar 15:00 CET. "
    "Manage: https://clinic.example/consultations/{id} Reply STOP to opt out",
    ("reminder", 1): "telesecond: your video call is Wed 4 Mar 15:00 CET. "
    "Join: https://clinic.example/consultations/{id}/join Reply STOP to opt out",
}


@pytest.mark.parametrize(("kind", "hours"), list(SNAPSHOTS))
def test_sms_texts_read_as_written(
    app, make_account, make_specialist, book_consultation, kind, hours
) -> None:
    start = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
    consultation = book_consultation(make_account(), make_specialist(), start=start)

    text = sms_text(kind, consultation, consultation.patient, now=start - timedelta(hours=hours))

    assert text == SNAPSHOTS[kind, hours].format(id=consultation.id)
