"""Factories: accounts, tokens, bookable specialists, consultations and outbox rows.

Each is a fixture returning a callable with defaults, so a test states only what matters.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest

from telesecond.clock import utcnow
from telesecond.domain.intake import Intake
from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import Account, ApiToken
from telesecond.models.reminder import Reminder
from telesecond.services.accounts.credentials import hash_password
from telesecond.services.admin import seeding
from telesecond.services.consultations import booking
from telesecond.services.scheduling import availability, specialists
from tests.credentials import PASSWORD

_PASSWORD_HASH = hash_password(PASSWORD)

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
def make_account(app, clock):
    """Create an account; only what matters to the test needs saying."""
    counter = iter(range(1, 10_000))

    def factory(role="patient", *, email_verified: bool = True, **fields) -> Account:
        n = next(counter)
        values = {
            "email": f"{role}{n}@example.org",
            "full_name": f"{role.title()} Number{n}",
            "timezone": "Europe/Berlin",
            "notify_by": "email",
            "created_at": clock(),
            "password_hash": _PASSWORD_HASH,
            "role": role,
            # Verified unless the test is about unverified addresses (email_verified=False).
            "email_verified_at": clock() if email_verified else None,
        }
        values.update(fields)
        account = Account(**values)
        db.session.add(account)
        db.session.commit()
        return account

    return factory


@pytest.fixture
def auth_header(app, clock):
    """Bearer headers for an account (a live token made directly)."""

    def factory(account: Account, hours: int = 24) -> dict[str, str]:
        raw = f"test-token-{account.id}-{hours}-{os.urandom(4).hex()}"
        db.session.add(
            ApiToken(
                account_id=account.id,
                token_hash=digest(raw),
                created_at=clock(),
                expires_at=clock() + timedelta(hours=hours),
            )
        )
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return factory


@pytest.fixture
def make_specialist(make_account):
    """A specialist open Monday to Friday 09:00-17:00 in their zone (default Europe/Berlin).

    ``hours_timezone`` sets the zone of the weekly hours when it is not the account's own;
    ``hours=False`` leaves the specialist without any availability, as before they set it up.
    An admin has verified them, with a licence for each claimed region, unless
    ``verified=False`` (they stay pending, as after sign-up).
    """

    def factory(
        *,
        timezone="Europe/Berlin",
        hours_timezone=None,
        weekly=None,
        consultation=60,
        buffer=0,
        notice=0,
        horizon=60,
        profile=None,
        hours=True,
        verified=True,
        **account,
    ):
        person = make_account(role="specialist", timezone=timezone, **account)
        specialists.update_profile(person, **{**PROFILE, **(profile or {})}, now=utcnow())
        if verified:
            verifier = seeding.ensure_admin(
                "factory-verifier@example.org", password=PASSWORD, now=utcnow()
            )
            seeding.verify_claims([person.id], verifier=verifier, now=utcnow())
            db.session.commit()
        if not hours:
            return person
        days = weekly if weekly is not None else [(d, 9 * 60, 17 * 60) for d in range(5)]
        specialists.set_availability(
            person,
            specialists.AvailabilityInput(
                timezone=hours_timezone or timezone,
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


@pytest.fixture
def make_reminder(clock):
    """Add an outbox row for ``recipient`` (and ``consultation``); due now unless told."""

    def factory(recipient, consultation=None, *, kind="reminder", channel="email", **fields):
        values = {
            "consultation_id": consultation.id if consultation is not None else None,
            "recipient_id": recipient.id,
            "kind": kind,
            "channel": channel,
            "slot": "",
            "due_at": clock(),
            "status": "sending",
            "attempts": 0,
            "created_at": clock(),
            "updated_at": clock(),
        }
        values.update(fields)
        row = Reminder(**values)
        db.session.add(row)
        db.session.commit()
        return row

    return factory
