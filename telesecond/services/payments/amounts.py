"""What a consultation costs: the one place the amount due is decided."""

from __future__ import annotations

from dataclasses import dataclass

from telesecond.extensions import db
from telesecond.models import Consultation, SpecialistProfile


@dataclass(frozen=True)
class Money:
    """An amount in minor units (cents) and its ISO 4217 currency."""

    amount_cents: int
    currency: str


def amount_due(consultation: Consultation) -> Money | None:
    """The amount the patient pays at booking for this consultation (None: nothing).

    Today the specialist's fee (``SpecialistProfile.fee_cents`` and ``currency``); the
    price with assistance and sponsor codes (``quote``) can take its place here. Called
    with the consultation about to be booked (not yet stored: its specialist, patient and
    start are set) and again inside the booking's transaction.
    """
    profile = db.session.get(SpecialistProfile, consultation.specialist_id)
    if profile is None or profile.fee_cents <= 0:
        return None
    return Money(profile.fee_cents, profile.currency.upper())


def format_money(amount_cents: int, currency: str) -> str:
    """``EUR 120.00``: the amount as people read it (two decimals; no locale)."""
    sign = "-" if amount_cents < 0 else ""
    whole, cents = divmod(abs(amount_cents), 100)
    return f"{currency} {sign}{whole:,}.{cents:02d}"
