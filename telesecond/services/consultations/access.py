"""Who may see a consultation: its patient and its specialist, and nobody else."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account, Consultation
from telesecond.services.errors import NotFound


def get_for(actor: Account, consultation_id: int) -> Consultation:
    """The consultation if the actor is its patient or specialist; NotFound otherwise."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or actor.id not in consultation.participant_ids():
        raise NotFound("No such consultation.")
    return consultation


def list_for(actor: Account, status: str | None = None) -> list[Consultation]:
    """The actor's consultations (as patient or specialist), soonest first."""
    column = Consultation.specialist_id if actor.role == "specialist" else Consultation.patient_id
    query = select(Consultation).where(column == actor.id).order_by(Consultation.start)
    if status:
        query = query.where(Consultation.status == status)
    return list(db.session.scalars(query))
