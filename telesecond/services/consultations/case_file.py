"""Open a consultation's case: check who asks, audit the reading, gather what the page shows."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from telesecond.domain.slots import Slot
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Opinion
from telesecond.services import audit
from telesecond.services.consultations import access
from telesecond.services.errors import Invalid, NotFound
from telesecond.services.scheduling import availability

RESCHEDULE_DAYS = 14
# Documents are an optional feature module; the case page works without it.
_DOCUMENTS_MODULE = "telesecond.services.consultations.documents"


@dataclass(frozen=True)
class Case:
    """A consultation as its case page shows it."""

    consultation: Consultation
    documents: list | None  # None when the documents feature is not installed
    reschedule_slots: list[Slot]
    opinion_at: datetime | None = None  # when the written opinion appeared; None before


def open_case(actor: Account, consultation_id: int, ip: str | None) -> Consultation:
    """The consultation for one of its participants; the reading is audited and committed.

    :raise NotFound: unknown, or not the actor's consultation.
    """
    consultation = access.get_for(actor, consultation_id)
    audit.record(
        "consultation.viewed",
        actor_id=actor.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
    )
    db.session.commit()
    return consultation


def reschedule_slots(
    consultation: Consultation, *, now: datetime, days: int = RESCHEDULE_DAYS
) -> list[Slot]:
    """Other free slots the consultation could move to in the next ``days`` (none once started)."""
    if consultation.status != "confirmed" or consultation.start <= now:
        return []
    try:
        slots = availability.free_slots(
            consultation.specialist_id,
            now,
            now + timedelta(days=days),
            now=now,
            ignore_consultation=consultation.id,
            patient_id=consultation.patient_id,
        )
    except (NotFound, Invalid):  # the specialist left, or has no hours any more
        return []
    # Its own time is free once the consultation is ignored; moving there changes nothing.
    return [slot for slot in slots if slot.start != consultation.start]


def documents_of(actor: Account, consultation_id: int, *, ip: str | None = None) -> list | None:
    """The consultation's documents (listing them is audited), or None without the feature."""
    try:
        documents = importlib.import_module(_DOCUMENTS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != _DOCUMENTS_MODULE:
            raise
        return None
    return list(documents.list_for(actor, consultation_id, ip=ip))


def opinion_written_at(consultation_id: int) -> datetime | None:
    """When the consultation's written opinion was signed, or None (no text is read)."""
    return db.session.scalar(
        select(Opinion.signed_at).where(Opinion.consultation_id == consultation_id)
    )


def case_page(actor: Account, consultation_id: int, *, ip: str | None, now: datetime) -> Case:
    """Everything the case page needs, with the reading audited."""
    consultation = open_case(actor, consultation_id, ip)
    return Case(
        consultation=consultation,
        documents=documents_of(actor, consultation.id, ip=ip),
        reschedule_slots=reschedule_slots(consultation, now=now),
        opinion_at=opinion_written_at(consultation.id),
    )
