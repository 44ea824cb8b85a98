"""SMS through the real twilio client against the fake Twilio API: each outcome class."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.adapters.registry import build_sms_sender
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.models.reminder import Reminder
from telesecond.services.reminders.delivery import backoff, deliver
from tests.factories import intake
from tests.reminders.scenario import BASE_URL, PHONE
from tests.support.fake_twilio import TEST_MESSAGING_SERVICE_SID


def swap_sms(app, settings) -> None:
    """Give the app an SMS sender built from ``settings``, closing the one it had."""
    registry.current().sms.close()
    registry.replace(app, sms=build_sms_sender(settings))


@pytest.fixture
def case(app, clock, make_account, make_specialist, book_consultation):
    doctor = make_specialist()
    patient = make_account(phone=PHONE, notify_by="email,sms", sms_consent_at=clock())
    consultation = book_consultation(patient, doctor, n=20)  # a few days ahead
    return patient, consultation


def test_reminder_sms_goes_through_the_messaging_service_with_callback_and_validity(
    case, make_reminder, fake_twilio, clock
) -> None:
    patient, consultation = case
    row = make_reminder(patient, consultation, channel="sms", slot="24h")

    outcome = deliver(row, now=clock())

    (sent,) = fake_twilio.messages
    assert outcome.status == "sent"
    assert outcome.provider_ref == sent["sid"]
    assert sent["to"] == PHONE
    assert sent["messaging_service_sid"] == TEST_MESSAGING_SERVICE_SID
    assert sent["status_callback"] == f"{BASE_URL}/webhooks/twilio/sms-status"
    # A late SMS expires before the consultation starts (capped at Twilio's 10 h maximum).
    until_start = int((consultation.start - clock()).total_seconds())
    assert sent["validity_period"] == min(until_start, 36_000)
    assert "Reply STOP to opt out" in sent["body"]
    for secret in (intake().current_diagnosis, intake().reason):
        assert secret not in sent["body"]


def test_an_hour_before_the_sms_expires_within_the_hour_and_has_the_join_link(
    case, make_reminder, fake_twilio, clock
) -> None:
    patient, consultation = case
    now = consultation.start - timedelta(minutes=50)

    deliver(make_reminder(patient, consultation, channel="sms", slot="1h"), now=now)

    (sent,) = fake_twilio.messages
    assert sent["validity_period"] == 50 * 60
    assert f"{BASE_URL}/consultations/{consultation.id}/join" in sent["body"]


def test_from_number_is_used_without_a_messaging_service(
    app, case, make_reminder, fake_twilio, clock
) -> None:
    patient, consultation = case
    app.config.update(
        fake_twilio.app_config(messaging_service_sid=None, from_number="+15005550006")
    )
    swap_sms(app, app.config)

    deliver(make_reminder(patient, consultation, channel="sms"), now=clock())

    (sent,) = fake_twilio.messages
    assert sent["from"] == "+15005550006"
    assert sent["messaging_service_sid"] is None


@pytest.mark.parametrize("code", [21211, 21614, 30004, 30005, 30006])
def test_permanent_errors_fail_without_retry(case, make_reminder, fake_twilio, clock, code):
    patient, consultation = case
    fake_twilio.fail_next(400, code)

    outcome = deliver(make_reminder(patient, consultation, channel="sms"), now=clock())

    assert outcome.status == "failed"
    assert outcome.retry_in is None
    assert str(code) in outcome.error
    assert PHONE not in outcome.error
    db.session.refresh(patient)
    assert not patient.sms_opted_out  # only 21610 means the person opted out


@pytest.mark.parametrize(
    ("status", "code"), [(429, 20429), (500, None), (503, 20500), (400, 30001), (400, 30003)]
)
def test_transient_errors_retry_with_growing_backoff(
    case, make_reminder, fake_twilio, clock, status, code
):
    patient, consultation = case
    fake_twilio.fail_next(status, code)
    row = make_reminder(patient, consultation, channel="sms", attempts=2)

    outcome = deliver(row, now=clock())

    assert outcome.status == "retry"
    assert outcome.retry_in == backoff(2) == timedelta(minutes=2)
    assert fake_twilio.messages == []
    # The next try goes out.
    assert deliver(row, now=clock() + outcome.retry_in).status == "sent"
    assert len(fake_twilio.messages) == 1


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n) for n in range(1, 5)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(0) == timedelta(minutes=1)
    assert backoff(50) == timedelta(hours=1)


def test_no_answer_after_the_request_went_out_is_unknown_and_not_resent(
    app, case, make_reminder, fake_twilio, clock
) -> None:
    patient, consultation = case
    swap_sms(app, {**app.config, "TWILIO_TIMEOUT": "0.3"})
    fake_twilio.delay_next(1.5)

    outcome = deliver(make_reminder(patient, consultation, channel="sms"), now=clock())

    assert outcome.status == "unknown"
    assert outcome.retry_in is None
    assert len(fake_twilio.wait_for(1)) == 1  # the fake did take it: resending would duplicate


def test_twilio_21610_opts_the_patient_out_and_queues_the_same_message_by_email(
    app, case, make_reminder, fake_twilio, smtp_server, auth_header, clock
) -> None:
    patient, consultation = case
    fake_twilio.fail_for_number(PHONE, code=21610)
    row = make_reminder(patient, consultation, channel="sms", slot="24h")

    outcome = deliver(row, now=clock())
    db.session.commit()  # the dispatcher's commit carries the changes deliver made

    assert outcome.status == "failed"
    assert db.session.get(Account, patient.id).sms_opted_out_at == clock()
    fallback = db.session.scalar(
        select(Reminder).where(
            Reminder.channel == "email", Reminder.kind == "reminder", Reminder.slot == "24h"
        )
    )
    assert (fallback.kind, fallback.slot, fallback.status) == ("reminder", "24h", "pending")
    assert fallback.consultation_id == consultation.id
    assert fallback.due_at == clock()
    me = app.test_client().get("/api/v1/me", headers=auth_header(patient)).get_json()
    assert me["sms_opted_out"] is True

    # The email goes out; a further SMS is skipped without reaching Twilio.
    assert deliver(fallback, now=clock()).status == "sent"
    assert smtp_server.wait_for(1)[0].rcpt_tos == (patient.email,)
    later = make_reminder(patient, consultation, channel="sms", slot="1h")
    assert deliver(later, now=clock()).status == "skipped"
    assert len(fake_twilio.requests) == 1


def test_21610_does_not_duplicate_an_email_row_that_exists(
    case, make_reminder, fake_twilio, clock
) -> None:
    patient, consultation = case
    make_reminder(patient, consultation, channel="email", slot="24h", status="pending")
    fake_twilio.fail_next(400, 21610)

    deliver(make_reminder(patient, consultation, channel="sms", slot="24h"), now=clock())
    db.session.commit()

    rows = db.session.query(Reminder).filter_by(channel="email", kind="reminder", slot="24h")
    assert rows.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"sms_consent_at": None},
        {"phone": None},
        {"sms_opted_out_at": "now"},
    ],
)
def test_sms_without_consent_number_or_after_opt_out_is_skipped(
    case, make_reminder, fake_twilio, clock, change
) -> None:
    patient, consultation = case
    for field, value in change.items():
        setattr(patient, field, clock() if value == "now" else value)
    db.session.commit()

    outcome = deliver(make_reminder(patient, consultation, channel="sms"), now=clock())

    assert outcome.status == "skipped"
    assert fake_twilio.requests == []


def test_a_reminder_after_the_start_is_skipped(case, make_reminder, fake_twilio, clock) -> None:
    patient, consultation = case
    row = make_reminder(patient, consultation, channel="sms")

    outcome = deliver(row, now=consultation.start + timedelta(minutes=1))

    assert outcome.status == "skipped"
    assert fake_twilio.requests == []


def test_without_a_public_address_no_status_callback_is_requested(
    app, case, make_reminder, fake_twilio, clock
) -> None:
    patient, consultation = case
    app.config["PUBLIC_BASE_URL"] = ""  # the reminder process outside any request

    assert deliver(make_reminder(patient, consultation, channel="sms"), now=clock()).status == (
        "sent"
    )

    (sent,) = fake_twilio.messages
    assert sent["status_callback"] is None
    assert "StatusCallback" not in sent["form"]
