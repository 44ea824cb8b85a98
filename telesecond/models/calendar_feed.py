"""Secret calendar-feed addresses: one live feed per person, revocable and regenerable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base


class CalendarFeed(Base):
    """A subscribable feed of one account's consultations.

    The address's secret is never stored: ``token_hash`` is the SHA-256 of the token
    (how a request finds its feed), and ``seed`` is random input from which the token
    is derived with the app's secret key, so the owner can be shown their address
    again while a copy of the database alone reveals no working address.
    """

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    seed: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    account: Mapped[Account] = relationship()
