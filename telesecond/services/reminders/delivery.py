"""Deliver one outbox row: render its message, send it, classify what happened.

The dispatcher claims a due :class:`~telesecond.models.reminder.Reminder`, commits the
claim, then calls :func:`deliver` outside any lock and records the :class:`Outcome`.
``deliver`` never commits; rows it adds or changes (an opt-out, an email instead of an
SMS) ride on the dispatcher's commit of the outcome.

Outcomes: ``sent`` (the provider took it), ``failed`` (permanent: do not retry),
``retry`` (transient: try again after ``retry_in``), ``unknown`` (the request may have
gone out without an answer: never resent blindly), ``skipped`` (nothing to send: the
recipient opted out, the consultation already started or was cancelled).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.adapters.mail import MailError
from telesecond.adapters.sms import MAX_VALIDITY_SECONDS, OPTED_OUT, SmsMessage
from telesecond.domain import retry, throttling
from telesecond.domain.sending import BEFORE_START, skip_reason
from telesecond.domain.wall_clock import day_bounds
from telesecond.extensions import db
from telesecond.models import Account, Consultation
from telesecond.models.reminder import Reminder
from telesecond.services import links, messages
from telesecond.services.calendar.invite_mail import (
    INVITE_KINDS,
    base_message,
    invite_email,
    message_id,
)
from telesecond.services.reminders.outbox import sms_allowed
from telesecond.services.reminders.sms_optout import mark_opted_out
from telesecond.services.reminders.unverified import unverified_recipient

logger = logging.getLogger(__name__)

STATUS_CALLBACK_PATH = "/webhooks/twilio/sms-status"
# Twilio keeps an SMS queued at most this long (its ValidityPeriod range is 1-36000 s).
MAX_VALIDITY = timedelta(seconds=MAX_VALIDITY_SECONDS)
# Retry backoff: 1 min, 2, 4, ... up to 1 h, from the attempts made so far.
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
# Notices about the written opinion (services/reminders/opinion_notices.py).
OPINION_KINDS = ("opinion_ready", "follow_up")
# A row whose delivery keeps crashing (a bug, not the provider) is given up after this.
MAX_CRASHES = 5


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery attempt (``error`` is short and free of health data)."""

    status: str  # "sent" | "failed" | "unknown" | "retry" | "skipped"
    provider_ref: str | None = None
    error: str | None = None
    retry_in: timedelta | None = None  # for "retry": when to try again
    # For "retry": the provider asked us to slow down (HTTP 429); the message was not
    # looked at, so the attempt does not count against REMINDER_MAX_ATTEMPTS.
    throttled: bool = False


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th try failed: 1 min, 2, 4 ... at most 1 h.

    The dispatcher counts the attempt in flight when it claims the row, so the first
    failure (``attempts == 1``) waits one minute.
    """
    return retry.backoff(attempts, first=RETRY_BASE, cap=RETRY_MAX)


def deliver(reminder: Reminder, *, now: datetime) -> Outcome:
    """Send ``reminder`` on its channel and classify the result; never raises for send trouble."""
    reminder_id, attempts = reminder.id, reminder.attempts
    try:
        skip = _skip_reason(reminder, now)
        if skip is not None:
            return Outcome("skipped", error=skip)
        if reminder.channel == "sms":
            return _deliver_sms(reminder, now)
        return _deliver_email(reminder, now)
    except Exception as exc:  # a bug or a lost database: keep the dispatcher going
        db.session.rollback()  # a failed statement must not poison the outcome's commit
        logger.exception("reminder %s: delivery crashed (%s)", reminder_id, type(exc).__name__)
        error = f"internal error ({type(exc).__name__})"
        if attempts >= MAX_CRASHES:
            return Outcome("failed", error=error)
        return Outcome("retry", error=error, retry_in=backoff(attempts))


def _skip_reason(reminder: Reminder, now: datetime) -> str | None:
    unverified = unverified_recipient(reminder)
    if unverified is not None:
        return unverified
    consultation = reminder.consultation
    if reminder.kind == "agenda":
        day = _agenda_day(reminder, now)
        if not agenda_consultations(reminder.recipient, day):
            return "nothing on the agenda"
        return None
    if consultation is None:
        return "no consultation"
    return skip_reason(reminder.kind, status=consultation.status, start=consultation.start, now=now)


# -- email ---------------------------------------------------------------------------------


def _agenda_day(reminder: Reminder, now: datetime) -> date:
    try:
        return date.fromisoformat(reminder.slot)
    except (TypeError, ValueError):
        return now.astimezone(messages.zone_of(reminder.recipient)).date()


def agenda_consultations(specialist: Account, day: date) -> list[Consultation]:
    """The specialist's confirmed consultations starting on ``day`` in their own zone."""
    start, end = day_bounds(day, messages.zone_of(specialist))
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.specialist_id == specialist.id,
                Consultation.status == "confirmed",
                Consultation.start >= start,
                Consultation.start < end,
            )
            .order_by(Consultation.start, Consultation.id)
        )
    )


def build_email(reminder: Reminder, *, now: datetime) -> EmailMessage:
    """The email for ``reminder``'s kind to its recipient."""
    recipient = reminder.recipient
    msgid = message_id(reminder.id, secrets.token_hex(6))
    if reminder.kind in INVITE_KINDS:
        return invite_email(reminder.kind, reminder.consultation, recipient, now=now, msgid=msgid)
    if reminder.kind == "agenda":
        day = _agenda_day(reminder, now)
        text = messages.agenda_email(recipient, day, agenda_consultations(recipient, day))
    elif reminder.kind in OPINION_KINDS:
        text = messages.opinion_email(
            reminder.kind, reminder.consultation, recipient, slot=reminder.slot
        )
    else:
        text = messages.reminder_email(reminder.consultation, recipient, now=now)
    message = base_message(recipient, text.subject, now=now, msgid=msgid)
    message.set_content(text.text)
    message.add_alternative(text.html, subtype="html")
    return message


def _deliver_email(reminder: Reminder, now: datetime) -> Outcome:
    message = build_email(reminder, now=now)
    try:
        registry.current().mail.send(message)
    except MailError as exc:
        if exc.transient:
            return Outcome("retry", error=str(exc)[:200], retry_in=backoff(reminder.attempts))
        return Outcome("failed", error=str(exc)[:200])
    return Outcome("sent", provider_ref=message["Message-ID"])


# -- SMS -----------------------------------------------------------------------------------


def _validity(reminder: Reminder, now: datetime) -> int | None:
    """Seconds the SMS may wait at Twilio: a reminder or confirmation expires before the start."""
    consultation = reminder.consultation
    if reminder.kind not in BEFORE_START or consultation is None:
        return None
    left = min(consultation.start - now, MAX_VALIDITY)
    return max(1, int(left.total_seconds()))


def _status_callback() -> str | None:
    """Where Twilio reports delivery; none when the app does not know its public address."""
    if not links.reachable_from_outside():
        return None
    return links.absolute(STATUS_CALLBACK_PATH)


def _deliver_sms(reminder: Reminder, now: datetime) -> Outcome:
    recipient = reminder.recipient
    if not sms_allowed(recipient):
        return Outcome("skipped", error="no SMS consent, number or opted out")
    if reminder.kind == "agenda":
        day = _agenda_day(reminder, now)
        body = messages.sms_text(
            "agenda",
            None,
            recipient,
            now=now,
            agenda=agenda_consultations(recipient, day),
            day=day,
        )
    else:
        body = messages.sms_text(
            reminder.kind, reminder.consultation, recipient, now=now, slot=reminder.slot
        )
    result = registry.current().sms.send(
        SmsMessage(
            to=recipient.phone,
            body=body,
            status_callback=_status_callback(),
            validity_seconds=_validity(reminder, now),
        )
    )
    if result.status == "accepted":
        return Outcome("sent", provider_ref=result.provider_id)
    if result.status == "retry" and result.throttled:
        wait = throttling.retry_after(result.retry_after, now=now) or backoff(reminder.attempts)
        return Outcome("retry", error=result.error, retry_in=wait, throttled=True)
    if result.status == "retry":
        return Outcome("retry", error=result.error, retry_in=backoff(reminder.attempts))
    if result.status == "unknown":
        return Outcome("unknown", provider_ref=result.provider_id, error=result.error)
    if result.error_code == OPTED_OUT:
        switch_to_email(reminder, now=now)
    return Outcome("failed", provider_ref=result.provider_id, error=result.error)


def switch_to_email(reminder: Reminder, *, now: datetime) -> None:
    """Twilio says the number opted out: record it and queue the same message by email."""
    mark_opted_out(reminder.recipient, now=now)
    exists = db.session.scalar(
        select(Reminder.id).where(
            Reminder.consultation_id == reminder.consultation_id,
            Reminder.recipient_id == reminder.recipient_id,
            Reminder.kind == reminder.kind,
            Reminder.channel == "email",
            Reminder.slot == reminder.slot,
        )
    )
    if exists is not None:
        return
    db.session.add(
        Reminder(
            consultation_id=reminder.consultation_id,
            recipient_id=reminder.recipient_id,
            kind=reminder.kind,
            channel="email",
            slot=reminder.slot,
            due_at=now,
            status="pending",
            attempts=0,
            created_at=now,
            updated_at=now,
        )
    )
