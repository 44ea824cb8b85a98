"""A New York specialist, a Berlin patient, a booked consultation and signed-in clients."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telesecond.extensions import db
from telesecond.models import Consultation
from telesecond.services.consultations import booking
from tests.consultations.test_booking_pages import login
from tests.factories import intake

NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"
# Every day, 01:00-05:00 and 09:00-17:00 local, one-hour consultations, a year ahead.
HOURS = [(d, 60, 300) for d in range(7)] + [(d, 540, 1020) for d in range(7)]
# Wednesday 2026-03-11 10:00 New York (EDT) = 14:00 UTC, well past any cut-off.
START = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)


@pytest.fixture
def people(make_specialist, make_account):
    """The specialist (New York), the patient (Berlin) and someone unrelated."""

    class People:
        doctor = make_specialist(
            timezone=NEW_YORK, weekly=HOURS, consultation=60, horizon=365, full_name="Ada Vance"
        )
        patient = make_account(full_name="Petra Paulsen", timezone=BERLIN)
        stranger = make_account(full_name="Sam Stranger", timezone=BERLIN)

    return People()


@pytest.fixture
def book(people, clock):
    """Book a consultation for the patient with the specialist through the service."""

    def factory(start: datetime = START, patient=None, doctor=None) -> Consultation:
        return booking.book(
            patient or people.patient, (doctor or people.doctor).id, start, intake(), now=clock()
        )

    return factory


@pytest.fixture
def signed_in(app):
    """A test client signed in as the given account."""

    def factory(account):
        client = app.test_client()
        login(client, account)
        return client

    return factory


def fresh(consultation_id: int) -> Consultation:
    db.session.expire_all()
    return db.session.get(Consultation, consultation_id)


# Text of the intake that must never appear in a calendar, link or feed.
HEALTH_WORDS = ("carcinoma", "Mastectomy", "surgery", "neoadjuvant", "lumpectomy", "Treating")
