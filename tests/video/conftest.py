"""Video fixtures: a consultation at a known time, fake providers."""

from __future__ import annotations

from datetime import datetime

import pytest

from telesecond.extensions import db
from telesecond.models import Account
from tests.video.fake_daily import FakeDaily
from tests.video.fake_twilio_rooms import TwilioVideoRooms
from tests.video.scenario import START


@pytest.fixture
def people(make_account, make_specialist):
    """A specialist (UTC hours every day), their patient, and an unrelated patient."""

    class People:
        doctor = make_specialist(
            full_name="Dr Dana Doctor", timezone="UTC", weekly=[(d, 0, 24 * 60) for d in range(7)]
        )
        patient = make_account(full_name="Petra Patient", timezone="Europe/Berlin")
        stranger = make_account(full_name="Sam Stranger")

    return People()


@pytest.fixture
def consult(people, book_consultation):
    """Book the patient with the doctor at ``start`` (default: Tuesday 10:00 UTC)."""

    def factory(start: datetime = START):
        # In the current app's session (a provider test's app may sit on top of ``app``).
        patient = db.session.get(Account, people.patient.id)
        return book_consultation(patient, people.doctor, start=start)

    return factory


@pytest.fixture
def fake_daily():
    """A fake Daily REST API on 127.0.0.1; fails the test if a handler crashed."""
    with FakeDaily() as fake:
        yield fake
    if fake.errors:
        pytest.fail(f"fake Daily handler errors: {fake.errors!r}", pytrace=False)


@pytest.fixture
def twilio_rooms(fake_twilio):
    """The fake Twilio, also serving the Rooms API."""
    return TwilioVideoRooms(fake_twilio)
