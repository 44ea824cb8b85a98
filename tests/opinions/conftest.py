"""Opinion fixtures: a consultation in Berlin, booked with the intake the opinion answers."""

from __future__ import annotations

from copy import deepcopy
from datetime import timedelta

import pytest

from telesecond.models import Consultation
from tests.credentials import PASSWORD
from tests.opinions.scenario import BODY, INTAKE

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


def after_the_call(clock, consultation: Consultation) -> None:
    """Move the clock to a minute after the consultation's end (if it is not past it)."""
    if clock() < consultation.end + timedelta(minutes=1):
        clock.advance(seconds=(consultation.end - clock()).total_seconds() + 60)


@pytest.fixture
def sign_opinion(client, auth_header, clock):
    """Save ``body`` as the draft, move past the call and sign it with the password.

    Returns the signed opinion's JSON; ``client`` may be another app's client.
    """

    def sign(consultation: Consultation, body: dict = BODY, *, via=None) -> dict:
        http = via or client
        headers = auth_header(consultation.specialist)
        url = f"/api/v1/consultations/{consultation.id}/opinion"
        saved = http.put(url, headers=headers, json=body)
        assert saved.status_code == 200, saved.text
        after_the_call(clock, consultation)
        signed = http.post(f"{url}/sign", headers=headers, json={"password": PASSWORD})
        assert signed.status_code == 200, signed.text
        return signed.get_json()

    return sign
