"""Failed sign-ins counted per email address, and the wait they impose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from telesecond.models.base import Base


class SignInThrottle(Base):
    """Recent failed sign-ins for one normalised address, whether or not it has an account.

    ``key`` is a digest of the address, so addresses that have no account are not kept in
    clear. ``locked_until``: sign-ins for the address are refused until then.
    """

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    last_failure_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
