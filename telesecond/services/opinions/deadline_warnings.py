"""Warnings about written opinions' due dates, swept by the reminder process.

On the business day before the due date (at ``AGENDA_TIME`` in the specialist's zone)
the specialist is told once; once the due date has ended, every admin is told once. The
sweep is idempotent: each warning is a row, unique by consultation, person and kind,
committed before its email leaves, so neither a rerun nor a second process sends it
again (a crash between the two loses that warning rather than doubling it). The emails
name no patient and nothing clinical: the consultation's number, dates and a link.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from telesecond.domain.turnaround import warning_at
from telesecond.extensions import db
from telesecond.models import Account, Consultation, OpinionDeadlineWarning
from telesecond.services.admin import notices
from telesecond.services.opinions.turnaround import (
    LOOKBACK,
    Due,
    due_of,
    time_off_of,
    undelivered_since,
)

log = logging.getLogger(__name__)


def _warned(consultation_ids: list[int]) -> set[tuple[int, int, str]]:
    rows = db.session.execute(
        select(
            OpinionDeadlineWarning.consultation_id,
            OpinionDeadlineWarning.recipient_id,
            OpinionDeadlineWarning.kind,
        ).where(OpinionDeadlineWarning.consultation_id.in_(consultation_ids))
    )
    return {(c, r, k) for c, r, k in rows}


def _claim(consultation: Consultation, recipient: Account, kind: str, now: datetime):
    """The committed warning row, or None when another pass claimed it first."""
    warning = OpinionDeadlineWarning(
        consultation_id=consultation.id, recipient_id=recipient.id, kind=kind, created_at=now
    )
    try:
        with db.session.begin_nested():
            db.session.add(warning)
    except IntegrityError:
        return None
    db.session.commit()
    return warning


def _send(warning: OpinionDeadlineWarning, consultation: Consultation, due: Due, now: datetime):
    recipient = warning.recipient
    zone = ZoneInfo(recipient.timezone)
    sent = notices.send(
        f"opinion_{warning.kind}",
        [recipient],
        now=now,
        consultation_id=consultation.id,
        call=consultation.end.astimezone(zone),
        due_on=due.on,
        due_zone=due.zone,
        specialist=consultation.specialist,
    )
    if sent:
        warning.sent_at = now
    else:
        warning.error = "the mail server did not take the message"
    db.session.commit()
    return sent


def warn_opinion_deadlines(now: datetime) -> int:
    """Send the due-soon and overdue warnings that are due and unsent; returns how many."""
    candidates = undelivered_since(now - LOOKBACK, until=now)
    if not candidates:
        return 0
    warned = _warned([c.id for c in candidates])
    admins = notices.admins()
    warn_time = current_app.config["AGENDA_AT"]
    # Once the admins were told it is overdue there is nothing left to send for it.
    finished = {c for c, _, kind in warned if kind == "overdue"}
    sent = 0
    for consultation in candidates:
        if consultation.id in finished:
            continue
        time_off = time_off_of(consultation.specialist_id, after=consultation.end)
        due = due_of(consultation, time_off)
        if now >= due.by:
            kind, recipients = "overdue", admins
        elif now >= warning_at(due.on, ZoneInfo(due.zone), warn_time, time_off):
            kind, recipients = "due_soon", [consultation.specialist]
        else:
            continue
        for recipient in recipients:
            if (consultation.id, recipient.id, kind) in warned:
                continue
            warning = _claim(consultation, recipient, kind, now)
            if warning is not None:
                sent += _send(warning, consultation, due, now)
    return sent
