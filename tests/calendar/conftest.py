"""A New York specialist, a Berlin patient, and their consultation booked through the service."""

from __future__ import annotations

from datetime import datetime

import pytest

from telesecond.models import Consultation
from tests.calendar.scenario import BERLIN, HOURS, NEW_YORK, START


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
def book_people(people, book_consultation):
    """Book the patient (or another) with the specialist (or another) at ``start``."""

    def factory(start: datetime = START, patient=None, doctor=None) -> Consultation:
        return book_consultation(patient or people.patient, doctor or people.doctor, start=start)

    return factory
