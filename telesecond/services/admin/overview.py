"""The figures on the admin console's home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import Account, Consultation, SpecialistProfile
from telesecond.services.admin import messages


@dataclass(frozen=True)
class Overview:
    """What needs an admin's eye, in numbers."""

    pending_specialists: int
    failed_messages: int
    deactivated_accounts: int
    upcoming_consultations: int


def overview(*, now: datetime) -> Overview:
    """Count what the console's home page shows."""

    def count(query) -> int:
        return db.session.scalar(query) or 0

    return Overview(
        pending_specialists=count(
            select(func.count())
            .select_from(SpecialistProfile)
            .where(SpecialistProfile.verification == "pending")
        ),
        failed_messages=messages.attention_count(),
        deactivated_accounts=count(
            select(func.count()).select_from(Account).where(Account.active.is_(False))
        ),
        upcoming_consultations=count(
            select(func.count())
            .select_from(Consultation)
            .where(Consultation.status == "confirmed", Consultation.start >= now)
        ),
    )
