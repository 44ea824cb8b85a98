"""Reminder tests: the app sends through the SMTP fixture and the fake Twilio server."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from telesecond.extensions import db
from telesecond.services.consultations import booking
from tests.factories import intake

BERLIN = ZoneInfo("Europe/Berlin")
PUBLIC = "https://telesecond.test"


@pytest.fixture
def app(make_app, clock, smtp_server, fake_twilio):
    """The app with real SMTP and the real twilio client against the fake server."""
    app = make_app(
        CLOCK=clock,
        PUBLIC_BASE_URL=PUBLIC,
        **smtp_server.app_config(),
        **fake_twilio.app_config(),
    )
    with app.app_context():
        yield app


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


def local(year, month, day, hour, minute=0) -> datetime:
    """A Berlin wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def book(clock):
    """Book ``patient`` with ``specialist`` at ``start`` (as the booking service does)."""

    def factory(patient, specialist, start):
        consultation = booking.book(patient, specialist.id, start, intake(), now=clock())
        db.session.commit()
        return consultation

    return factory
