"""Reminder and message tests: the app sends through the SMTP fixture and the fake Twilio server."""

from __future__ import annotations

import pytest

from telesecond.extensions import db
from telesecond.models.reminder import Reminder
from telesecond.services.consultations import booking
from tests.factories import intake
from tests.reminders.scenario import BASE_URL


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
        sender = app.extensions.get("sms")
        if sender is not None:
            sender.close()


@pytest.fixture
def patient(make_account, clock):
    """A patient in Berlin who chose email and SMS and consented to SMS."""
    return make_account(
        timezone="Europe/Berlin",
        notify_by="email,sms",
        phone="+4915112345678",
        sms_consent_at=clock(),
    )


@pytest.fixture
def specialist(make_specialist):
    return make_specialist(timezone="Europe/Berlin")


@pytest.fixture
def book(clock):
    """Book ``patient`` with ``specialist`` at ``start`` (as the booking service does)."""

    def factory(patient, specialist, start):
        consultation = booking.book(patient, specialist.id, start, intake(), now=clock())
        db.session.commit()
        return consultation

    return factory


@pytest.fixture
def make_reminder(clock):
    """Add an outbox row for ``recipient`` (and ``consultation``); due now unless told."""

    def factory(recipient, consultation=None, *, kind="reminder", channel="email", **fields):
        values = {
            "consultation_id": consultation.id if consultation is not None else None,
            "recipient_id": recipient.id,
            "kind": kind,
            "channel": channel,
            "slot": "",
            "due_at": clock(),
            "status": "sending",
            "attempts": 0,
            "created_at": clock(),
            "updated_at": clock(),
        }
        values.update(fields)
        row = Reminder(**values)
        db.session.add(row)
        db.session.commit()
        return row

    return factory
