"""Opinion fixtures: a consultation in Berlin, booked with the intake the opinion answers."""

from __future__ import annotations

from copy import deepcopy

import pytest

from telesecond.models import Consultation
from tests.opinions.scenario import INTAKE

# Licensed in DE only, weekday hours in Berlin, an hour's notice.
PROFILE = {"languages": ["en"], "licensed_regions": ["DE"], "bio": ""}


@pytest.fixture
def book_for_opinion(make_specialist, make_account, book_consultation):
    """Book the first free slot of a new (or given) specialist for a new (or given) patient."""

    def factory(*, patient=None, specialist=None, **intake) -> Consultation:
        specialist = specialist or make_specialist(
            full_name="Dr Lena Brandt", notice=60, profile=PROFILE
        )
        patient = patient or make_account(full_name="Maria Keller")
        return book_consultation(patient, specialist, **{**deepcopy(INTAKE), **intake})

    return factory


@pytest.fixture
def consultation(book_for_opinion) -> Consultation:
    """A confirmed consultation whose specialist has yet to write the opinion."""
    return book_for_opinion()
