"""Warnings about a written opinion's due date: one row per consultation, kind and person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base
from telesecond.models.consultation import Consultation

WARNING_KINDS = ("due_soon", "overdue")


class OpinionDeadlineWarning(Base):
    """A warning claimed (the row), then sent or not (``sent_at``, ``error``).

    The unique key is what makes the sweep send each warning at most once: the row is
    committed before the message leaves, so a rerun or a second process finds it.
    """

    __tablename__ = "opinion_deadline_warning"
    __table_args__ = (
        UniqueConstraint("consultation_id", "recipient_id", "kind"),
        CheckConstraint("kind IN ('due_soon', 'overdue')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    consultation: Mapped[Consultation] = relationship()
    recipient: Mapped[Account] = relationship()
