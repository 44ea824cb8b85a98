"""Consultation fixtures: a New York specialist to book and a patient signed in to book."""

from __future__ import annotations

import pytest

from telesecond.models import Account
from tests.consultations.scenario import MONDAY_HOURS, NEW_YORK


@pytest.fixture
def make_new_york_specialist(make_specialist):
    """A specialist in New York, licensed in DE and US-CA, Mondays 09-12 and 13-15 local."""

    def factory(**account) -> Account:
        return make_specialist(
            timezone=NEW_YORK,
            weekly=MONDAY_HOURS,
            consultation=50,
            buffer=10,
            notice=60,
            horizon=30,
            profile={"languages": ["en"], "bio": "", "fee_cents": 25000},
            **{"full_name": "Dr Ada Vance", **account},
        )

    return factory


@pytest.fixture
def signed_in_patient(make_account, sign_in) -> Account:
    """A patient in Berlin, signed in on ``client``."""
    account = make_account(full_name="Petra Paulsen")
    sign_in(account)
    return account
