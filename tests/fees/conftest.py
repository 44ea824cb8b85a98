"""Fixtures of the fee tests: an admin, a specialist with a fee, mail through aiosmtpd."""

from __future__ import annotations

from datetime import timedelta

import pytest

from telesecond.extensions import db
from telesecond.models import SponsorCode
from tests.consultations.conftest import (  # noqa: F401 (the booking tests' own fixtures)
    make_new_york_specialist,
    signed_in_patient,
)


@pytest.fixture
def admin(make_account):
    """An admin account."""
    return make_account(role="admin", full_name="Alex Admin")


@pytest.fixture
def doctor(make_specialist):
    """A bookable specialist whose fee is 200.00 EUR."""
    return make_specialist(full_name="Dr Mira Hale", profile={"fee_cents": 20000})


@pytest.fixture
def mail_app(app, make_app, clock, smtp_server):
    """The app on the frozen clock, sending its mail to the loopback aiosmtpd server."""
    app = make_app(CLOCK=clock, **smtp_server.app_config())
    with app.app_context():
        yield app


@pytest.fixture
def make_code(admin, clock):
    """A sponsor code stored directly; tests say only what matters to them."""

    def factory(code="ACME-2027", **fields) -> SponsorCode:
        values = {
            "code": code,
            "sponsor_name": "Acme Insurance",
            "percent_off": 50,
            "max_uses": 5,
            "uses": 0,
            "expires_at": clock() + timedelta(days=30),
            "created_by_id": admin.id,
            "created_at": clock(),
            **fields,
        }
        row = SponsorCode(**values)
        db.session.add(row)
        db.session.commit()
        return row

    return factory
