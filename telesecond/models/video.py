"""A consultation's video room and the guests the patient invited to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base
from telesecond.models.consultation import Consultation

ROOM_STATUSES = ("pending", "ready", "closed", "failed")
# What the provider still has to be told: create the room, move its window, close it.
ROOM_ACTIONS = ("create", "update", "close")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class VideoRoom(Base):
    """One room per consultation, its join window, and where the provider stands.

    ``pending_action`` is work the provider has not confirmed yet; the request that made
    the change tries it after commit, the reminder process retries it from
    ``next_attempt_at`` on. ``last_error`` never holds personal or health data.
    """

    __tablename__ = "video_room"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(ROOM_STATUSES)})", name="status"),
        CheckConstraint(
            f"pending_action IS NULL OR pending_action IN ({_in(ROOM_ACTIONS)})", name="action"
        ),
        Index("ix_video_room_action_due", "pending_action", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    room_name: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    pending_action: Mapped[str | None] = mapped_column(String(10))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    provider_ref: Mapped[str | None] = mapped_column(String(128))
    provider_url: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    consultation: Mapped[Consultation] = relationship()


class VideoGuest(Base):
    """Someone the patient invited (a relative, the treating physician), with a personal link.

    Only the SHA-256 of the link's token is kept; the link itself is in the guest's email.
    """

    __tablename__ = "video_guest"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_joined_at: Mapped[datetime | None]

    consultation: Mapped[Consultation] = relationship()
    invited_by: Mapped[Account] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
