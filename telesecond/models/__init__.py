"""SQLAlchemy models, one module per aggregate; imported here so metadata is complete."""

from telesecond.models.account import Account, ApiToken
from telesecond.models.audit import AuditEvent
from telesecond.models.base import Base
from telesecond.models.consultation import Consultation, ConsultationEvent, Hold
from telesecond.models.record import Document, Opinion
from telesecond.models.reminder import Reminder
from telesecond.models.specialist import (
    DateOverrideRow,
    SpecialistProfile,
    SpecialistTag,
    TimeOff,
    WeeklyWindowRow,
)

__all__ = [
    "Account",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Consultation",
    "ConsultationEvent",
    "Hold",
    "Opinion",
    "Reminder",
    "DateOverrideRow",
    "Document",
    "SpecialistProfile",
    "SpecialistTag",
    "TimeOff",
    "WeeklyWindowRow",
]
