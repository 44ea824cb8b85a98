"""A consultation's payment through the payment provider, and the refunds made on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base
from telesecond.models.consultation import Consultation

# What a payment can be. "lapsed": not paid within PAYMENT_HOLD_MINUTES (the slot went
# back); "failed": the provider refused it (the slot went back too).
PAYMENT_STATUSES = (
    "awaiting_payment",
    "paid",
    "refunded",
    "partially_refunded",
    "lapsed",
    "failed",
)
# What the API and the pages show: "not_required" when nothing is paid through here.
VIEW_STATUSES = ("not_required", *PAYMENT_STATUSES)
# A refund is "pending" from the cancellation that decided it until the provider took it.
REFUND_STATUSES = ("pending", "succeeded", "failed")


class Payment(Base):
    """The payment of one consultation's fee: amount, provider references, state.

    Everything a receipt needs is here: who paid whom, how much, in which currency, when,
    and the provider's payment reference. Card data never reaches telesecond.
    """

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint(
            "status IN ('awaiting_payment', 'paid', 'refunded', 'partially_refunded', "
            "'lapsed', 'failed')",
            name="status",
        ),
        CheckConstraint("amount_cents > 0", name="amount"),
        Index("ix_payment_status_expires", "status", "expires_at"),
        Index("ix_payment_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    specialist_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="awaiting_payment")
    provider: Mapped[str] = mapped_column(String(20))
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(String(2000))
    payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    # The slot is held until then; the sweep lapses what is still unpaid.
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    refunded_cents: Mapped[int] = mapped_column(default=0)
    # ICD-10 codes the specialist chose to put on the receipt (None or empty: none).
    # Health information: never logged, exported, or sent in a subject or an SMS.
    diagnosis_codes: Mapped[list[str] | None] = mapped_column(JSON)

    consultation: Mapped[Consultation] = relationship()
    patient: Mapped[Account] = relationship(foreign_keys=[patient_id])
    specialist: Mapped[Account] = relationship(foreign_keys=[specialist_id])
    refunds: Mapped[list[Refund]] = relationship(back_populates="payment", order_by="Refund.id")


class Refund(Base):
    """Money given back on a payment: by the refund rule, in full, or by an admin."""

    __tablename__ = "refund"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="status"),
        CheckConstraint("amount_cents > 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    amount_cents: Mapped[int]
    # Why: the rule applied ("full:24h"), "cancelled_by_specialist", "paid_after_lapse",
    # or an admin's own words.
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    provider_refund_id: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    payment: Mapped[Payment] = relationship(back_populates="refunds")
    actor: Mapped[Account | None] = relationship()
