"""A secret, expiring link through which the patient's own doctor reads the opinion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base
from telesecond.models.consultation import Consultation


class PhysicianLink(Base):
    """One link the patient made; only the SHA-256 of its token is kept."""

    __tablename__ = "physician_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    physician_email: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_opened_at: Mapped[datetime | None]
    first_opened_at: Mapped[datetime | None]
    # What the doctor must answer before the page opens (the clinic's setting when the
    # link was made): "none", "code" (sent in a second email) or "birth_date".
    check_kind: Mapped[str] = mapped_column(String(12), default="none")
    check_code_hash: Mapped[str | None] = mapped_column(String(64))
    failed_checks: Mapped[int] = mapped_column(default=0)

    consultation: Mapped[Consultation] = relationship()
    created_by: Mapped[Account] = relationship()
