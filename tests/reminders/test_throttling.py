"""Providers that ask us to slow down (issue 18, point 3): Twilio 429 with Retry-After,
SMTP 4xx answers, and the SMS pace SMS_MAX_PER_SECOND. Real twilio client against the
fake Twilio server, real aiosmtpd."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import select

import config
from telesecond.adapters import registry
from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Reminder
from telesecond.services.reminders.dispatch import dispatch_due_reminders
from tests.reminders.scenario import BASE_URL, local
from tests.reminders.seeding import seed_due_sms


def sms_rows() -> list[Reminder]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Reminder).where(Reminder.channel == "sms").order_by(Reminder.id))
    )


def posts_per_number(fake_twilio) -> Counter:
    return Counter(r.form.get("To") for r in fake_twilio.requests if r.method == "POST")


def test_a_429_puts_the_sms_back_until_retry_after_without_counting_the_attempt(
    app, clock, fake_twilio
):
    seed_due_sms(3, now=clock())
    fake_twilio.throttle_next(1, retry_after=120)

    assert dispatch_due_reminders(clock=utcnow) == 0
    # One request was refused; the other two were not even tried during the pause.
    assert sum(posts_per_number(fake_twilio).values()) == 1
    assert fake_twilio.messages == []
    rows = sms_rows()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 0)}
    assert all(r.due_at >= clock() + timedelta(seconds=120) for r in rows)
    assert "20429" in rows[0].last_error

    clock.advance(seconds=119)
    assert dispatch_due_reminders(clock=utcnow) == 0  # Retry-After is honoured
    assert sum(posts_per_number(fake_twilio).values()) == 1

    clock.advance(seconds=2)
    assert dispatch_due_reminders(clock=utcnow) == 3
    # Nothing lost, nothing twice: each number got exactly one message.
    assert Counter(m["to"] for m in fake_twilio.messages) == Counter(
        r.recipient.phone for r in rows
    )
    assert {(r.status, r.attempts) for r in sms_rows()} == {("sent", 1)}


def test_retry_after_as_an_http_date_is_honoured(app, clock, fake_twilio):
    seed_due_sms(1, now=clock())
    fake_twilio.throttle_next(
        1, retry_after=format_datetime(clock() + timedelta(minutes=7), usegmt=True)
    )

    dispatch_due_reminders(clock=utcnow)

    (row,) = sms_rows()
    assert row.status == "pending" and row.attempts == 0
    assert row.due_at >= clock() + timedelta(minutes=7)
    clock.advance(minutes=7, seconds=1)
    assert dispatch_due_reminders(clock=utcnow) == 1
    assert len(fake_twilio.messages) == 1


def test_throttled_again_and_again_the_sms_is_neither_given_up_nor_sent_twice(
    app, clock, fake_twilio
):
    seed_due_sms(1, now=clock())
    max_attempts = app.config["REMINDER_MAX_ATTEMPTS"]
    fake_twilio.throttle_next(max_attempts + 2, retry_after=30)
    for _ in range(max_attempts + 2):
        assert dispatch_due_reminders(clock=utcnow) == 0
        (row,) = sms_rows()
        assert (row.status, row.attempts) == ("pending", 0)
        clock.now = row.due_at
    assert dispatch_due_reminders(clock=utcnow) == 1
    assert len(fake_twilio.messages) == 1
    assert sms_rows()[0].status == "sent"


def test_a_permanent_twilio_error_still_fails_at_once(app, clock, fake_twilio):
    seed_due_sms(1, now=clock())
    fake_twilio.fail_next(status=400, code=21211)

    dispatch_due_reminders(clock=utcnow)

    (row,) = sms_rows()
    assert (row.status, row.attempts) == ("failed", 1)
    clock.advance(hours=2)
    dispatch_due_reminders(clock=utcnow)
    assert sum(posts_per_number(fake_twilio).values()) == 1


def test_smtp_421_and_451_are_retried_later_and_each_email_arrives_once(
    app, clock, smtp_server, make_account, make_specialist, book_consultation
):
    patient = make_account(timezone="Europe/Berlin")
    # A week ahead: only the two confirmations are due now.
    book_consultation(patient, make_specialist(), start=local(2026, 3, 9, 11))
    smtp_server.answer_next("421 4.7.0 Too many messages, try later", "451 4.3.0 Try again")

    assert dispatch_due_reminders(clock=utcnow) == 0
    db.session.expire_all()
    rows = db.session.scalars(select(Reminder).where(Reminder.kind == "confirmation")).all()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 1)}
    assert sorted("reply 421" in r.last_error or "reply 451" in r.last_error for r in rows) == [
        True,
        True,
    ]
    assert all(r.due_at >= clock() + timedelta(minutes=1) for r in rows)  # backed off
    assert smtp_server.messages == []

    clock.advance(minutes=1, seconds=1)
    assert dispatch_due_reminders(clock=utcnow) == 2
    assert smtp_server.refused == 2
    recipients = Counter(r for m in smtp_server.messages for r in m.rcpt_tos)
    assert sorted(recipients.values()) == [1, 1]
    db.session.expire_all()
    assert {(r.status, r.attempts) for r in rows} == {("sent", 2)}


def test_a_permanent_smtp_refusal_fails_without_retrying(
    app, clock, smtp_server, make_account, make_specialist, book_consultation
):
    patient = make_account()
    book_consultation(patient, make_specialist(), start=local(2026, 3, 9, 11))
    smtp_server.answer_next("554 5.7.1 Rejected", "554 5.7.1 Rejected")

    dispatch_due_reminders(clock=utcnow)
    clock.advance(hours=2)
    dispatch_due_reminders(clock=utcnow)

    db.session.expire_all()
    rows = db.session.scalars(select(Reminder).where(Reminder.kind == "confirmation")).all()
    assert {(r.status, r.attempts) for r in rows} == {("failed", 1)}
    assert smtp_server.refused == 2 and smtp_server.messages == []


@pytest.fixture
def paced_app(make_app, clock, smtp_server, fake_twilio):
    app = make_app(
        CLOCK=clock,
        PUBLIC_BASE_URL=BASE_URL,
        SMS_MAX_PER_SECOND="5",
        **smtp_server.app_config(),
        **fake_twilio.app_config(),
    )
    with app.app_context():
        yield app
        registry.current().sms.close()


def test_sms_max_per_second_spaces_the_messages(paced_app, clock, fake_twilio):
    seed_due_sms(11, now=clock())

    assert dispatch_due_reminders(clock=utcnow) == 11

    times = sorted(r.received_at for r in fake_twilio.requests if r.method == "POST")
    assert len(times) == 11
    # 5 per second: never 7 in one second, and the ten after the first (which may be
    # late: the client connects) take at least 9 x 0.2 s.
    assert times[-1] - times[1] >= 9 * 0.2 * 0.95
    assert max(sum(1 for t in times if start <= t < start + 1) for start in times) <= 6
    assert len({m["to"] for m in fake_twilio.messages}) == 11


@pytest.mark.parametrize(("raw", "rate"), [("", None), ("10", 10.0), ("0.5", 0.5), (" 3 ", 3.0)])
def test_sms_max_per_second_is_read_at_start_up(tmp_path, raw, rate):
    values = config.finalize(config.from_env({"SMS_MAX_PER_SECOND": raw}), tmp_path)
    assert values["SMS_MAX_PER_SECOND"] == rate


@pytest.mark.parametrize("raw", ["0", "-2", "fast", "inf", "nan"])
def test_a_wrong_sms_max_per_second_stops_the_start(tmp_path, raw):
    with pytest.raises(config.ConfigError, match="SMS_MAX_PER_SECOND"):
        config.finalize(config.from_env({"SMS_MAX_PER_SECOND": raw}), tmp_path)
