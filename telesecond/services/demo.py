"""Idempotent demo data for trying telesecond locally."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.services.accounts import hash_password

DEMO_PASSWORD = "demo-password-1"

SPECIALISTS = [
    ("dr.okafor@demo.telesecond.example", "Dr Ngozi Okafor", "Europe/London"),
    ("dr.schmidt@demo.telesecond.example", "Dr Lena Schmidt", "Europe/Berlin"),
    ("dr.garcia@demo.telesecond.example", "Dr Mateo García", "America/New_York"),
    ("dr.tanaka@demo.telesecond.example", "Dr Hiro Tanaka", "America/Los_Angeles"),
    ("dr.nair@demo.telesecond.example", "Dr Priya Nair", "Asia/Kolkata"),
    ("dr.walsh@demo.telesecond.example", "Dr Fiona Walsh", "Australia/Sydney"),
]
PATIENTS = [
    ("alex.patient@demo.telesecond.example", "Alex Morgan", "Europe/Berlin", "+4915112345678"),
    ("sam.patient@demo.telesecond.example", "Sam Rivera", "America/Chicago", "+13125550123"),
]


def _ensure(email: str, name: str, role: str, zone: str, phone: str | None = None) -> Account:
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
            created_at=utcnow(),
        )
        db.session.add(account)
        db.session.flush()
    return account


def seed() -> list[Account]:
    """Create (or find) the demo accounts and return them."""
    people = [_ensure(e, n, "specialist", z) for e, n, z in SPECIALISTS]
    people += [_ensure(e, n, "patient", z, p) for e, n, z, p in PATIENTS]
    db.session.commit()
    return people
