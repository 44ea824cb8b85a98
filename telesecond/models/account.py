"""Accounts (patients, specialists, admins) and their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.base import Base

if TYPE_CHECKING:
    from telesecond.models.reminder import SpecialistAlert

ROLES = ("patient", "specialist", "admin")
CHANNELS = ("email", "sms")


class Account(UserMixin, Base):
    """A person who signs in: patient, specialist or admin."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    # BCP 47 ("es", "en-US"); None until the person chooses (their browser decides).
    language: Mapped[str | None] = mapped_column(String(35))
    # ISO 3166 code of where a patient usually is ("US-NY"); the directory's default place.
    region: Mapped[str | None] = mapped_column(String(10))
    notify_by: Mapped[str] = mapped_column(String(40), default="email")
    sms_consent_at: Mapped[datetime | None]
    sms_opted_out_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # None until the person opened the link sent to the address (services/accounts).
    email_verified_at: Mapped[datetime | None]

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="account")
    # A specialist's opt-in to a message before each consultation (services/outbox.py).
    specialist_alert: Mapped[SpecialistAlert | None] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    @property
    def channels(self) -> list[str]:
        """Preferred reminder channels, in a stable order."""
        chosen = set(self.notify_by.split(",")) if self.notify_by else set()
        return [c for c in CHANNELS if c in chosen]

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def sms_consent(self) -> bool:
        return self.sms_consent_at is not None

    @property
    def sms_opted_out(self) -> bool:
        return self.sms_opted_out_at is not None


class ApiToken(Base):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    account: Mapped[Account] = relationship(back_populates="tokens")
