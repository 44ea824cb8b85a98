"""Rows read back as the database holds them now, past what the session remembers."""

from __future__ import annotations

from telesecond.extensions import db
from telesecond.models import Consultation


def fresh(consultation_id: int) -> Consultation:
    """The consultation as the database has it now."""
    db.session.expire_all()
    return db.session.get(Consultation, consultation_id)
