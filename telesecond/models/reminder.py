"""The outbox: every message the app sends about a consultation, one row each.

Rows are written in the same transaction as the booking, reschedule or cancellation
that causes them; the reminder process claims due rows with a lease, sends, and records
what the provider said.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base
from telesecond.models.consultation import Consultation

# opinion_ready: the patient's "your written opinion is ready" (signing, each addendum);
# follow_up: the specialist's "a patient asked a follow-up question".
KINDS = (
    "confirmation",
    "reminder",
    "rescheduled",
    "cancelled",
    "agenda",
    "opinion_ready",
    "follow_up",
)
CHANNELS = ("email", "sms")
STATUSES = (
    "pending",
    "sending",
    "sent",
    "delivered",
    "failed",
    "unknown",
    "cancelled",
    "skipped",
)
# A row in one of these states is finished: nothing will send it again.
FINAL_STATUSES = ("sent", "delivered", "failed", "unknown", "cancelled", "skipped")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Reminder(Base):
    """One outgoing message: who, on which channel, why, when it is due, how it went.

    ``slot`` tells apart several rows of the same kind and channel, for example the
    72 h and 24 h email reminders (``"72h"``, ``"24h"``), an agenda's local date
    (``"2026-03-02"``), or a confirmation's sequence (``"seq0"``).
    """

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("consultation_id", "recipient_id", "kind", "channel", "slot"),
        CheckConstraint(f"kind IN ({_in(KINDS)})", name="kind"),
        CheckConstraint(f"channel IN ({_in(CHANNELS)})", name="channel"),
        CheckConstraint(f"status IN ({_in(STATUSES)})", name="status"),
        Index("ix_reminder_status_due", "status", "due_at"),
        Index("ix_reminder_recipient_due", "recipient_id", "due_at"),
        Index("ix_reminder_consultation_id", "consultation_id"),
        # Agenda rows have no consultation (and NULLs never collide in a unique key):
        # one agenda per specialist and local date.
        Index(
            "uq_reminder_agenda",
            "recipient_id",
            "slot",
            unique=True,
            sqlite_where=text("kind = 'agenda'"),
            postgresql_where=text("kind = 'agenda'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    slot: Mapped[str] = mapped_column(String(20), default="")
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    provider_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    consultation: Mapped[Consultation | None] = relationship()
    recipient: Mapped[Account] = relationship()


ALERT_CHANNELS = ("email", "sms")


class SpecialistAlert(Base):
    """A specialist's opt-in to a short "starting soon" message before each consultation."""

    __tablename__ = "specialist_alert"
    __table_args__ = (CheckConstraint(f"channel IN ({_in(ALERT_CHANNELS)})", name="channel"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    minutes_before: Mapped[int] = mapped_column(default=15)
    updated_at: Mapped[datetime]

    account: Mapped[Account] = relationship(back_populates="specialist_alert")
