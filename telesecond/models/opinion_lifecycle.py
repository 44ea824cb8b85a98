"""Around the signed opinion: the author's draft, signed addenda, the patient's follow-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from telesecond.models.account import Account
from telesecond.models.base import Base
from telesecond.models.consultation import Consultation


class OpinionDraft(Base):
    """The opinion being written: seen only by its author, deleted when it is signed.

    Fields may be incomplete (the page saves as the specialist types); ``answers`` is a
    list of strings in the order of the patient's questions.
    """

    __tablename__ = "opinion_draft"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), primary_key=True)
    specialist_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    diagnosis_assessment: Mapped[str] = mapped_column(String(10), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[list] = mapped_column(JSON, default=list)
    recommendations: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    consultation: Mapped[Consultation] = relationship()


class OpinionAddendum(Base):
    """A signed, dated correction or answer listed under the signed opinion; never changed."""

    __tablename__ = "opinion_addendum"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("opinion.consultation_id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    signed_at: Mapped[datetime]
    digest: Mapped[str] = mapped_column(String(64))

    signed_by: Mapped[Account] = relationship()


class FollowUpQuestion(Base):
    """A question the patient asked after the opinion was signed, and the addendum answering it."""

    __tablename__ = "follow_up_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("opinion.consultation_id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime]
    answered_in_id: Mapped[int | None] = mapped_column(ForeignKey("opinion_addendum.id"))

    answered_in: Mapped[OpinionAddendum | None] = relationship()
