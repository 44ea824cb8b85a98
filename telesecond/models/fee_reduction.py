"""What lowers a consultation's fee: financial assistance requests and sponsor codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base
from telesecond.models.consultation import Consultation

ASSISTANCE_KINDS = ("waiver", "reduction")
ASSISTANCE_STATUSES = ("pending", "approved", "declined")


class AssistanceRequest(Base):
    """A patient asks for a reduced fee or a waiver; an admin approves or declines.

    It names the specialist whose fee it is about, and the consultation if it was asked
    about one. A request made before booking goes with the patient's first booking with
    that specialist after the decision (``used_by_id``): derived when read, so a booking
    writes nothing here.
    """

    __tablename__ = "assistance_request"
    __table_args__ = (
        CheckConstraint("kind IN ('waiver', 'reduction')", name="kind"),
        CheckConstraint("status IN ('pending', 'approved', 'declined')", name="status"),
        Index("ix_assistance_request_patient_specialist", "patient_id", "specialist_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    specialist_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    # What the patient says they can pay (a reduction), in the fee's currency.
    offered_cents: Mapped[int | None]
    fee_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    # What the patient pays once approved (0: waived).
    approved_cents: Mapped[int | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime]

    patient: Mapped[Account] = relationship(foreign_keys=[patient_id])
    specialist: Mapped[Account] = relationship(foreign_keys=[specialist_id])

    # The consultation the help goes with: the one asked about, or else the first one
    # booked with the specialist at or after the decision (none while undecided).
    used_by_id: Mapped[int | None] = column_property(
        func.coalesce(
            consultation_id,
            select(Consultation.id)
            .where(
                Consultation.patient_id == patient_id,
                Consultation.specialist_id == specialist_id,
                Consultation.created_at >= decided_at,
            )
            .order_by(Consultation.created_at, Consultation.id)
            .limit(1)
            .scalar_subquery(),
        )
    )


class SponsorCode(Base):
    """A code an employer or insurer gives out: it covers a share of the fee, a few times."""

    __tablename__ = "sponsor_code"
    __table_args__ = (
        CheckConstraint("uses >= 0 AND uses <= max_uses", name="uses"),
        CheckConstraint(
            "(percent_off IS NULL) <> (amount_off_cents IS NULL)", name="one_kind_of_cover"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # stored upper-case
    sponsor_name: Mapped[str] = mapped_column(String(120))
    percent_off: Mapped[int | None]
    amount_off_cents: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    max_uses: Mapped[int]
    uses: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime]


class SponsorCodeUse(Base):
    """One use of a code: by whom, for which consultation, and how much it covered."""

    __tablename__ = "sponsor_code_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("sponsor_code.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id"), unique=True)
    covered_cents: Mapped[int]
    used_at: Mapped[datetime]

    code: Mapped[SponsorCode] = relationship()
