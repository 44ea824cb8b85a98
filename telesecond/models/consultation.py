"""Consultations, the holds that precede them, and their status history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base

# "awaiting_payment": booked, the slot held, until the payment provider confirms payment.
STATUSES = ("confirmed", "cancelled", "completed", "no_show", "awaiting_payment")
ACTIVE_STATUSES = ("confirmed", "completed", "no_show")


class Consultation(Base):
    """One booked second-opinion video consultation and the patient's intake."""

    __tablename__ = "consultation"
    __table_args__ = (
        CheckConstraint('start < "end"', name="ordered"),
        CheckConstraint(
            "status IN ('confirmed', 'cancelled', 'completed', 'no_show', 'awaiting_payment')",
            name="status",
        ),
        Index("ix_consultation_specialist_start", "specialist_id", "start"),
        Index("ix_consultation_patient_start", "patient_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    specialist_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    start: Mapped[datetime]
    end: Mapped[datetime]
    # end + the specialist's buffer at booking time: the range the database keeps exclusive.
    block_end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    sequence: Mapped[int] = mapped_column(default=0)

    patient_region: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    current_diagnosis: Mapped[str] = mapped_column(Text)
    proposed_treatment: Mapped[str] = mapped_column(Text)
    questions: Mapped[list] = mapped_column(JSON, default=list)
    physician_name: Mapped[str] = mapped_column(String(200), default="")
    physician_practice: Mapped[str] = mapped_column(String(200), default="")
    physician_contact: Mapped[str] = mapped_column(String(254), default="")
    share_with_physician: Mapped[bool] = mapped_column(default=False)
    # Asked of the doctor before the opinion's link opens, where the clinic requires it.
    patient_birth_date: Mapped[date | None]
    interpreter_language: Mapped[str | None] = mapped_column(String(35))
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime]
    emergency_ack_at: Mapped[datetime]

    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))

    patient: Mapped[Account] = relationship(foreign_keys=[patient_id])
    specialist: Mapped[Account] = relationship(foreign_keys=[specialist_id])
    events: Mapped[list[ConsultationEvent]] = relationship(
        back_populates="consultation", order_by="ConsultationEvent.id"
    )

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def participant_ids(self) -> tuple[int, int]:
        return self.patient_id, self.specialist_id


class ConsultationEvent(Base):
    """A change in a consultation's life: booked, rescheduled, cancelled, completed…"""

    __tablename__ = "consultation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict | None] = mapped_column(JSON)

    consultation: Mapped[Consultation] = relationship(back_populates="events")
    actor: Mapped[Account | None] = relationship()


class Hold(Base):
    """A patient's short claim on a slot while they complete the intake."""

    __tablename__ = "hold"
    __table_args__ = (Index("ix_hold_specialist_start", "specialist_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    specialist_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    block_end: Mapped[datetime]
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
