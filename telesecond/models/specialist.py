"""A specialist's public profile, tags, availability rules and time off."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base
from telesecond.models.licence import SpecialistLicence

TAG_KINDS = ("specialty", "condition", "language", "region")


class SpecialistProfile(Base):
    """What patients see and search, plus how the specialist's slots are cut."""

    __tablename__ = "specialist_profile"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    credentials: Mapped[str] = mapped_column(Text, default="")
    fee_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    timezone: Mapped[str] = mapped_column(String(64))
    consultation_minutes: Mapped[int] = mapped_column(default=45)
    buffer_minutes: Mapped[int] = mapped_column(default=15)
    min_notice_minutes: Mapped[int] = mapped_column(default=24 * 60)
    horizon_days: Mapped[int] = mapped_column(default=60)
    # Cached first free slot for the directory; see services.availability.
    next_available_at: Mapped[datetime | None] = mapped_column(index=True)
    next_available_valid_until: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    # pending → verified | refused; verified ⇄ suspended. Only "verified" is public.
    verification: Mapped[str] = mapped_column(
        String(20), default="pending", server_default="pending", index=True
    )
    verification_reason: Mapped[str | None] = mapped_column(Text)
    verification_changed_at: Mapped[datetime | None]
    verification_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))

    account: Mapped[Account] = relationship(foreign_keys=[account_id])
    tags: Mapped[list[SpecialistTag]] = relationship(
        cascade="all, delete-orphan", order_by="SpecialistTag.id"
    )
    windows: Mapped[list[WeeklyWindowRow]] = relationship(
        cascade="all, delete-orphan",
        order_by="(WeeklyWindowRow.weekday, WeeklyWindowRow.start_minute)",
    )
    overrides: Mapped[list[DateOverrideRow]] = relationship(
        cascade="all, delete-orphan", order_by="(DateOverrideRow.day, DateOverrideRow.start_minute)"
    )
    # Licences an admin verified (expired ones included); see domain/licensure.py.
    licences: Mapped[list[SpecialistLicence]] = relationship(
        cascade="all, delete-orphan",
        order_by="(SpecialistLicence.region, SpecialistLicence.expires_on)",
    )

    def labels(self, kind: str) -> list[str]:
        """The display labels of one kind of tag."""
        return [t.label for t in self.tags if t.kind == kind]


class SpecialistTag(Base):
    """A searchable tag: specialty, condition, language (BCP 47) or licensed region."""

    __tablename__ = "specialist_tag"
    __table_args__ = (Index("ix_specialist_tag_lookup", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("specialist_profile.account_id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(120))  # the match key (casefolded)
    label: Mapped[str] = mapped_column(String(120))  # as shown


class WeeklyWindowRow(Base):
    """Local wall-clock hours on one weekday (0 = Monday); end 1440 means midnight."""

    __tablename__ = "weekly_window"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint(
            "start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute", name="minutes"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("specialist_profile.account_id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]
    start_minute: Mapped[int]
    end_minute: Mapped[int]


class DateOverrideRow(Base):
    """Replaces one local date's hours; a row without minutes closes the day."""

    __tablename__ = "date_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("specialist_profile.account_id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date]
    start_minute: Mapped[int | None]
    end_minute: Mapped[int | None]


class TimeOff(Base):
    """A stretch of time the specialist cannot be booked (a vacation, a conference)."""

    __tablename__ = "time_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("specialist_profile.account_id", ondelete="CASCADE"), index=True
    )
    start: Mapped[datetime]
    end: Mapped[datetime]
    note: Mapped[str] = mapped_column(String(200), default="")
