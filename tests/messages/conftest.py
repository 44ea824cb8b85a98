"""Fixtures for the message tests: outbox rows made directly, apps wired to SMTP/Twilio."""

from __future__ import annotations

import pytest

from telesecond.adapters import registry
from telesecond.extensions import db
from telesecond.models.reminder import Reminder

BASE_URL = "https://clinic.example"


@pytest.fixture
def app(make_app, clock, smtp_server, fake_twilio):
    """The app sending mail to the SMTP fixture and SMS to the fake Twilio."""
    app = make_app(
        CLOCK=clock,
        PUBLIC_BASE_URL=BASE_URL,
        **smtp_server.app_config(),
        **fake_twilio.app_config(),
    )
    with app.app_context():
        yield app
        registry.current().sms.close()


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
