"""SQLAlchemy models, one module per aggregate; imported here so metadata is complete."""

from telesecond.models.account import Account, ApiToken
from telesecond.models.audit import AuditEvent
from telesecond.models.base import Base
from telesecond.models.busy_calendar import BusyCalendar, BusyInterval
from telesecond.models.calendar_feed import CalendarFeed
from telesecond.models.consultation import Consultation, ConsultationEvent, Hold
from telesecond.models.fee_reduction import AssistanceRequest, SponsorCode, SponsorCodeUse
from telesecond.models.licence import SpecialistLicence
from telesecond.models.opinion_deadline import OpinionDeadlineWarning
from telesecond.models.opinion_lifecycle import FollowUpQuestion, OpinionAddendum, OpinionDraft
from telesecond.models.payment import Payment, Refund
from telesecond.models.physician_link import PhysicianLink
from telesecond.models.record import Document, IntakeDocument, Opinion
from telesecond.models.reminder import Reminder, SpecialistAlert
from telesecond.models.security import (
    AccountToken,
    Passkey,
    RecoveryCode,
    SignInSession,
    TotpCredential,
)
from telesecond.models.sign_in_throttle import SignInThrottle
from telesecond.models.specialist import (
    DateOverrideRow,
    SpecialistProfile,
    SpecialistTag,
    TimeOff,
    WeeklyWindowRow,
)
from telesecond.models.video import VideoGuest, VideoRoom
from telesecond.models.webhook_receipt import WebhookReceipt

__all__ = [
    "Account",
    "AccountToken",
    "AssistanceRequest",
    "ApiToken",
    "AuditEvent",
    "Base",
    "BusyCalendar",
    "BusyInterval",
    "CalendarFeed",
    "Consultation",
    "ConsultationEvent",
    "Hold",
    "Opinion",
    "OpinionDeadlineWarning",
    "OpinionAddendum",
    "OpinionDraft",
    "FollowUpQuestion",
    "Passkey",
    "Payment",
    "Refund",
    "PhysicianLink",
    "RecoveryCode",
    "Reminder",
    "SignInSession",
    "SpecialistAlert",
    "SpecialistLicence",
    "DateOverrideRow",
    "Document",
    "IntakeDocument",
    "SpecialistProfile",
    "SpecialistTag",
    "TimeOff",
    "TotpCredential",
    "VideoGuest",
    "VideoRoom",
    "WeeklyWindowRow",
    "SignInThrottle",
    "SponsorCode",
    "SponsorCodeUse",
    "WebhookReceipt",
]
