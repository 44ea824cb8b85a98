"""Specialists' own calendars (secret ICS addresses) and the busy time read from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.base import Base


class BusyCalendar(Base):
    """A calendar a specialist connected so that its busy events block their slots.

    ``url`` is a secret (whoever has it can read the calendar): it is never logged and
    shown only masked. ``fetched_at`` is the last attempt, ``succeeded_at`` the last
    attempt that read the calendar (or learnt it was unchanged); ``error`` says in
    plain words why the last attempt failed, and is cleared by the next success.
    """

    __tablename__ = "busy_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("specialist_profile.account_id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(80), default="")
    url: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    # Validators from the last successful answer, sent back for a cheap 304.
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime | None]
    succeeded_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(300))
    # The stored intervals were read up to here; a 304 is only trusted while this still
    # covers the booking horizon (which slides forward every day).
    covered_until: Mapped[datetime | None]
    # The specialist's zone when the calendar was read (it places all-day and floating events).
    read_in_zone: Mapped[str | None] = mapped_column(String(64))
    # When the reminder process should fetch it next; claiming moves it forward.
    next_fetch_at: Mapped[datetime] = mapped_column(index=True)

    intervals: Mapped[list[BusyInterval]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="BusyInterval.start"
    )


class BusyInterval(Base):
    """One merged stretch of busy time read from a specialist's calendar (aware UTC)."""

    __tablename__ = "busy_interval"
    __table_args__ = (Index("ix_busy_interval_account_start", "account_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("busy_calendar.id", ondelete="CASCADE"), index=True
    )
    # Denormalised from the calendar so the slot engine's read is one indexed range scan.
    account_id: Mapped[int] = mapped_column(
        ForeignKey("specialist_profile.account_id", ondelete="CASCADE")
    )
    start: Mapped[datetime]
    end: Mapped[datetime]
