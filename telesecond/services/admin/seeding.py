"""Verify specialists in bulk for demo data, benchmarks and test factories.

Each specialist gets a verified licence for every region they claim, recorded as checked
by ``verifier`` (an admin). Real verification goes through ``specialists.verify``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from telesecond.extensions import db
from telesecond.models import Account, SpecialistLicence, SpecialistProfile
from telesecond.services.accounts.credentials import hash_password

SEED_EXPIRY = date(2099, 12, 31)


def ensure_admin(email: str, *, password: str, now: datetime, name: str = "Admin") -> Account:
    """The admin account with this address, created (address verified) if absent; no commit."""
    account = db.session.scalar(select(Account).where(Account.email == email))
    if account is None:
        account = Account(
            email=email,
            password_hash=hash_password(password),
            full_name=name,
            role="admin",
            timezone="UTC",
            notify_by="email",
            created_at=now,
            email_verified_at=now,
        )
        db.session.add(account)
        db.session.flush()
    return account


def verify_claims(
    specialist_ids: Iterable[int],
    *,
    verifier: Account,
    now: datetime,
    expires_on: date = SEED_EXPIRY,
) -> None:
    """Mark each specialist verified with licences for their claimed regions; no commit."""
    profiles = db.session.scalars(
        select(SpecialistProfile)
        .where(SpecialistProfile.account_id.in_(list(specialist_ids)))
        .options(selectinload(SpecialistProfile.tags), selectinload(SpecialistProfile.licences))
    )
    for profile in profiles:
        held = {lic.region for lic in profile.licences}
        for region in profile.labels("region"):
            if region not in held:
                profile.licences.append(
                    SpecialistLicence(
                        region=region,
                        number=f"SEED-{profile.account_id}-{region}",
                        issuer="Demo medical board",
                        expires_on=expires_on,
                        verified_by_id=verifier.id,
                        verified_at=now,
                        note="Seeded (demo, benchmark or test data).",
                    )
                )
        profile.verification = "verified"
        profile.verification_changed_at = now
        profile.verification_changed_by_id = verifier.id
        profile.updated_at = now
