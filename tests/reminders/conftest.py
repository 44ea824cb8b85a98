"""Reminder and message tests: the app sends through the SMTP fixture and the fake Twilio server."""

from __future__ import annotations

import pytest

from telesecond.adapters import registry
from tests.reminders.scenario import BASE_URL, PHONE


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
        registry.current().sms.close()


@pytest.fixture
def sms_patient(make_account, clock):
    """A patient in Berlin who chose email and SMS and consented to SMS."""
    return make_account(
        timezone="Europe/Berlin", notify_by="email,sms", phone=PHONE, sms_consent_at=clock()
    )
