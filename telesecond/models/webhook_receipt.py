"""Webhook calls already acted on, so a replayed copy is recognised and ignored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from telesecond.models.base import Base

# What a receipt records: Twilio's delivery receipts and the texts people send us.
WEBHOOK_KINDS = ("sms-status", "sms-inbound")


class WebhookReceipt(Base):
    """One webhook call acted on: its kind, the key that names it, when it first came.

    The key is Twilio's ``MessageSid`` for an inbound text, and ``MessageSid/status`` for a
    delivery receipt (one SMS has several receipts, one per status). Nothing personal is
    kept: no number, no text.
    """

    __tablename__ = "webhook_receipt"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_webhook_receipt_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(index=True)
