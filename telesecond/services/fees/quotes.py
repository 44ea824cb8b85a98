"""What a patient is asked to pay: the fee less a sponsor's cover and approved assistance.

The payments feature charges ``quote(...).amount_cents`` from here.
"""

from __future__ import annotations

from datetime import datetime

from telesecond.domain.pricing import Assistance, Quote, quote
from telesecond.models import Account, SpecialistProfile
from telesecond.services.consultations.access import get_for
from telesecond.services.errors import Forbidden
from telesecond.services.fees import assistance, sponsor_codes
from telesecond.services.scheduling.availability import get_profile


def for_booking(
    patient: Account | None,
    profile: SpecialistProfile,
    *,
    sponsor_code: str | None = None,
    now: datetime,
) -> Quote:
    """The quote for a new booking with this specialist (Invalid on a code that cannot be used)."""
    approved = (
        assistance.approved_for(patient.id, profile.account_id)
        if patient is not None and patient.role == "patient"
        else None
    )
    sponsor = None
    if sponsor_code and sponsor_code.strip():
        code = sponsor_codes.usable(sponsor_code, currency=profile.currency, now=now)
        sponsor = sponsor_codes.sponsor_of(code)
    return quote(
        profile.fee_cents,
        profile.currency,
        Assistance(approved.approved_cents or 0) if approved else None,
        sponsor,
    )


def for_specialist(
    patient: Account, specialist_id: int, *, sponsor_code: str | None = None, now: datetime
) -> Quote:
    """The quote a patient would get booking this specialist (the code is not used up)."""
    if patient.role != "patient":
        raise Forbidden("Only patients get a quote.")
    return for_booking(patient, get_profile(specialist_id), sponsor_code=sponsor_code, now=now)


def for_consultation(patient: Account, consultation_id: int) -> Quote:
    """The quote of a booked consultation: its fee, the code used at booking, assistance."""
    consultation = get_for(patient, consultation_id)
    profile = get_profile(consultation.specialist_id, listed_only=False)
    approved = assistance.approved_for(patient.id, profile.account_id, consultation.id)
    use = sponsor_codes.use_for(consultation.id)
    return quote(
        profile.fee_cents,
        profile.currency,
        Assistance(approved.approved_cents or 0) if approved else None,
        sponsor_codes.sponsor_of(use.code) if use else None,
    )
