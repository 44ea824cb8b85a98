"""What patients hand over (documents) and what specialists give back (opinions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base

DOCUMENT_KINDS = ("pathology", "imaging_report", "lab_results", "clinical_notes", "other")
ASSESSMENTS = ("agrees", "refines", "differs")


class Document(Base):
    """A medical record uploaded to a consultation; the bytes live encrypted in storage."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]

    uploaded_by: Mapped[Account] = relationship()


class Opinion(Base):
    """The specialist's signed written second opinion on one consultation.

    A row exists only once signed (drafts live in ``opinion_draft``), and never changes
    after: corrections are addenda. ``digest`` is the SHA-256 of the signed content
    (``domain.opinion_rules.opinion_digest``).
    """

    __tablename__ = "opinion"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), primary_key=True)
    specialist_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    diagnosis_assessment: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    answers: Mapped[list] = mapped_column(JSON, default=list)
    recommendations: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_to_physician_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    digest: Mapped[str | None] = mapped_column(String(64))
    # Why the copy the patient asked for at booking did not reach their doctor at signing.
    physician_copy_error: Mapped[str | None] = mapped_column(Text)

    signed_by: Mapped[Account | None] = relationship(foreign_keys=[signed_by_id])


class IntakeDocument(Base):
    """A record a patient uploaded while booking, before the consultation exists.

    It belongs to the patient, not to the hold: booking moves it onto the new consultation
    (as a ``Document`` with the same stored bytes); a hold that lapses leaves it here for
    the patient's next attempt, until ``services/consultations/intake_records`` purges it.
    """

    __tablename__ = "intake_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
