"""Shared arrangements: a bookable specialist and a booked consultation."""

from __future__ import annotations

from datetime import datetime

import pytest

from telesecond.clock import utcnow
from telesecond.domain.intake import Intake
from telesecond.services.consultations import booking
from telesecond.services.scheduling import availability, specialists

PROFILE = {
    "specialties": ["Oncology"],
    "conditions": ["Breast cancer"],
    "languages": ["en", "de"],
    "licensed_regions": ["DE", "US-CA"],
    "bio": "Breast oncology.",
    "fee_cents": 20000,
    "currency": "EUR",
}


def intake(**changes) -> Intake:
    """A complete, valid intake; tests change only what matters to them."""
    values = {
        "patient_region": "DE",
        "reason": "Is surgery really the best first step?",
        "current_diagnosis": "Invasive ductal carcinoma, stage II",
        "proposed_treatment": "Mastectomy followed by chemotherapy",
        "questions": ["Would neoadjuvant chemotherapy be an option?", "Is a lumpectomy enough?"],
        "physician_name": "Dr Treating",
        "physician_contact": "treating@example.org",
        "share_with_physician": True,
        "telehealth_consent": True,
    }
    values.update(changes)
    return Intake(**values)


@pytest.fixture
def make_specialist(make_account):
    """A specialist open Monday to Friday 09:00-17:00 in their zone (default Europe/Berlin)."""

    def factory(
        *,
        timezone="Europe/Berlin",
        weekly=None,
        consultation=60,
        buffer=0,
        notice=0,
        horizon=60,
        profile=None,
        **account,
    ):
        person = make_account(role="specialist", timezone=timezone, **account)
        specialists.update_profile(person, **{**PROFILE, **(profile or {})}, now=utcnow())
        days = weekly if weekly is not None else [(d, 9 * 60, 17 * 60) for d in range(5)]
        specialists.set_availability(
            person,
            specialists.AvailabilityInput(
                timezone=timezone,
                weekly=days,
                consultation_minutes=consultation,
                buffer_minutes=buffer,
                min_notice_minutes=notice,
                horizon_days=horizon,
            ),
            now=utcnow(),
        )
        return person

    return factory


@pytest.fixture
def book_consultation(clock):
    """Book the ``n``-th free slot of a specialist for a patient."""

    def factory(patient, specialist, *, n: int = 0, start: datetime | None = None, **changes):
        if start is None:
            now = clock()
            slots = availability.free_slots(
                specialist.id, now, now.replace(day=now.day) + (availability.MAX_WINDOW), now=now
            )
            start = slots[n].start
        return booking.book(patient, specialist.id, start, intake(**changes), now=clock())

    return factory
