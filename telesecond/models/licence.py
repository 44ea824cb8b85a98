"""Licences to practise that an admin checked and recorded for a specialist."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from telesecond.models.base import Base

VERIFICATION_STATES = ("pending", "verified", "refused", "suspended")


class SpecialistLicence(Base):
    """One verified licence: where (ISO 3166-1 or -2), its number, who issued it, until when.

    It covers its region up to and including ``expires_on``; who verified it, when, and a
    note on the evidence checked are kept with it.
    """

    __tablename__ = "specialist_licence"

    id: Mapped[int] = mapped_column(primary_key=True)
    specialist_id: Mapped[int] = mapped_column(
        ForeignKey("specialist_profile.account_id", ondelete="CASCADE"), index=True
    )
    region: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(200))
    expires_on: Mapped[date] = mapped_column(Date)
    verified_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    verified_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    # When the specialist and the admins were warned that it expires soon.
    expiry_warned_at: Mapped[datetime | None]
