"""Outbox rows for the written opinion: the patient's ready notice, the specialist's alert.

The patient's notice ("your written opinion is ready", or "has an addendum") follows
their channels, SMS consent and caps, and waits for the end of their quiet hours
(``domain.opinion_rules.notice_due``). A patient none of whose channels can take it
gets it by email: a signed opinion must not go unannounced. The specialist hears of a
follow-up question by email. Neither says anything clinical; the texts are in
``services/messages.py`` and ``templates/{email,sms}/opinion_*``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from telesecond.domain.opinion_rules import notice_due
from telesecond.domain.reminders import (
    ExistingSms,
    PatientPrefs,
    channel_allowed,
    patient_fits_sms_caps,
)
from telesecond.extensions import db
from telesecond.models import Consultation, Reminder
from telesecond.services.messages import zone_of
from telesecond.services.reminders.outbox import COUNTED, policy, sms_allowed
from telesecond.services.reminders.outbox_rows import NewReminder, insert_rows

READY = "opinion_ready"
FOLLOW_UP = "follow_up"


def _patients_sms_near(patient_id: int, due: datetime) -> list[ExistingSms]:
    rows = db.session.scalars(
        select(Reminder.due_at).where(
            Reminder.recipient_id == patient_id,
            Reminder.channel == "sms",
            Reminder.status.in_(COUNTED),
            Reminder.due_at >= due - timedelta(days=8),
            Reminder.due_at <= due + timedelta(days=8),
        )
    )
    return [ExistingSms(at) for at in rows]


def plan_ready_notice(consultation: Consultation, *, slot: str, now: datetime) -> list[str]:
    """Queue the patient's ready notice (``slot``: ``opinion`` or ``addendum-N``); its channels.

    The caller commits, with the signature the notice announces.
    """
    patient = consultation.patient
    rules = policy()
    zone = zone_of(patient)
    prefs = PatientPrefs(
        timezone=zone.key, channels=frozenset(patient.channels), sms_allowed=sms_allowed(patient)
    )
    due = notice_due(now, zone, rules.quiet_start, rules.quiet_end)
    channels = []
    if channel_allowed("email", prefs):
        channels.append("email")
    if channel_allowed("sms", prefs) and patient_fits_sms_caps(
        due, _patients_sms_near(patient.id, due), zone.key, rules
    ):
        channels.append("sms")
    channels = channels or ["email"]
    insert_rows([_row(consultation.id, patient.id, READY, c, slot, due, now) for c in channels])
    return channels


def plan_follow_up_alert(consultation: Consultation, *, question_id: int, now: datetime) -> None:
    """Queue the specialist's email saying a follow-up question waits; the caller commits."""
    row = _row(
        consultation.id, consultation.specialist_id, FOLLOW_UP, "email", f"q{question_id}", now, now
    )
    insert_rows([row])


def _row(
    consultation_id: int, recipient_id: int, kind: str, channel: str, slot: str, due, now
) -> NewReminder:
    return NewReminder(
        consultation_id=consultation_id,
        recipient_id=recipient_id,
        kind=kind,
        channel=channel,
        slot=slot,
        due_at=due,
        created_at=now,
        updated_at=now,
    )
