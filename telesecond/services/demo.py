"""Idempotent demo data for trying telesecond locally."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account, SpecialistProfile
from telesecond.services.accounts.credentials import hash_password
from telesecond.services.scheduling import specialists

DEMO_PASSWORD = "demo-password-1"
ADMIN_EMAIL = "admin@demo.telesecond.example"

# email, name, zone, specialties, conditions, languages, licensed regions, fee (cents), currency
SPECIALISTS = [
    (
        "dr.okafor@demo.telesecond.example",
        "Dr Ngozi Okafor",
        "Europe/London",
        ["Oncology"],
        ["Breast cancer", "Ovarian cancer"],
        ["en", "yo"],
        ["GB", "IE"],
        18000,
        "GBP",
    ),
    (
        "dr.schmidt@demo.telesecond.example",
        "Dr Lena Schmidt",
        "Europe/Berlin",
        ["Cardiology"],
        ["Heart failure", "Atrial fibrillation"],
        ["de", "en"],
        ["DE", "AT", "CH"],
        20000,
        "EUR",
    ),
    (
        "dr.garcia@demo.telesecond.example",
        "Dr Mateo García",
        "America/New_York",
        ["Neurology"],
        ["Multiple sclerosis", "Epilepsy"],
        ["es", "en"],
        ["US-NY", "US-NJ"],
        35000,
        "USD",
    ),
    (
        "dr.tanaka@demo.telesecond.example",
        "Dr Hiro Tanaka",
        "America/Los_Angeles",
        ["Orthopaedic surgery"],
        ["Spinal stenosis", "Hip osteoarthritis"],
        ["en", "ja"],
        ["US-CA", "US-WA"],
        30000,
        "USD",
    ),
    (
        "dr.nair@demo.telesecond.example",
        "Dr Priya Nair",
        "Asia/Kolkata",
        ["Oncology", "Haematology"],
        ["Lymphoma", "Leukaemia"],
        ["en", "hi", "ml"],
        ["IN", "GB"],
        9000,
        "INR",
    ),
    (
        "dr.walsh@demo.telesecond.example",
        "Dr Fiona Walsh",
        "Australia/Sydney",
        ["Urology"],
        ["Prostate cancer", "Kidney cancer"],
        ["en"],
        ["AU", "NZ"],
        25000,
        "AUD",
    ),
]
PATIENTS = [
    ("alex.patient@demo.telesecond.example", "Alex Morgan", "Europe/Berlin", "+4915112345678"),
    ("sam.patient@demo.telesecond.example", "Sam Rivera", "America/Chicago", "+13125550123"),
]
WEEKDAY_HOURS = [(day, start, end) for day in range(5) for start, end in ((540, 720), (780, 1020))]


def _ensure(
    email: str, name: str, role: str, zone: str, phone: str | None, *, now: datetime
) -> Account:
    account = db.session.scalar(select(Account).where(Account.email == email))
    if account is None:
        account = Account(
            email=email,
            password_hash=hash_password(DEMO_PASSWORD),
            full_name=name,
            role=role,
            timezone=zone,
            phone=phone,
            notify_by="email",
            created_at=now,
        )
        db.session.add(account)
        db.session.flush()
    return account


def _ensure_specialist(row, *, now: datetime) -> Account:
    email, name, zone, specialties, conditions, languages, regions, fee, currency = row
    account = _ensure(email, name, "specialist", zone, None, now=now)
    if db.session.get(SpecialistProfile, account.id) is None:
        specialists.update_profile(
            account,
            specialties=specialties,
            conditions=conditions,
            languages=languages,
            licensed_regions=regions,
            fee_cents=fee,
            currency=currency,
            bio=f"{name} has given second opinions on {conditions[0].lower()} for many years.",
            credentials="Board certified; demo profile.",
            now=now,
        )
        specialists.set_availability(
            account,
            specialists.AvailabilityInput(
                timezone=zone,
                weekly=WEEKDAY_HOURS,
                consultation_minutes=45,
                buffer_minutes=15,
                min_notice_minutes=12 * 60,
                horizon_days=60,
            ),
            now=now,
        )
    return account


def _ensure_admin(*, now: datetime) -> Account:
    """The demo admin, with a verified address (the admin console at /admin)."""
    account = _ensure(ADMIN_EMAIL, "Demo Admin", "admin", "Europe/Berlin", None, now=now)
    account.email_verified_at = account.email_verified_at or now
    return account


def seed(*, now: datetime) -> list[Account]:
    """Create (or find) the demo accounts, profiles and hours, and return the accounts."""
    people = [_ensure_specialist(row, now=now) for row in SPECIALISTS]
    people += [_ensure(e, n, "patient", z, p, now=now) for e, n, z, p in PATIENTS]
    people.append(_ensure_admin(now=now))
    db.session.commit()
    return people
