"""Twilio's delivery receipts for our SMS, and the replies people text back.

A receipt only moves an outbox row forward: ``sent`` (or ``unknown``) becomes
``delivered``, or ``failed`` when the carrier could not deliver it. Duplicates, late
receipts and SIDs we never sent are ignored: Twilio retries anything but a 2xx.
A copy of a call already acted on (a replay) changes nothing (``webhook_replays``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models.reminder import Reminder
from telesecond.services import messages
from telesecond.services.reminders import sms_optout, webhook_replays
from telesecond.services.reminders.delivery import switch_to_email

logger = logging.getLogger(__name__)

DELIVERED = frozenset({"delivered", "read"})
NOT_DELIVERED = frozenset({"failed", "undelivered"})
# Rows a receipt may still move; "delivered" and "failed" are where a receipt leaves them.
_FROM = {"delivered": ("sent", "unknown", "sending"), "failed": ("sent", "unknown", "sending")}


def record_receipt(
    sid: str | None, status: str | None, error_code: str | None, *, now: datetime
) -> str:
    """Apply one status callback and commit; returns what happened (for logs and tests).

    ``ignored`` for unknown SIDs, intermediate states and anything that would move a row
    backwards; ``delivered`` or ``failed`` when the row moved.
    """
    status = (status or "").strip().lower()
    if not sid or status not in DELIVERED | NOT_DELIVERED:
        return "ignored"
    reminder = db.session.scalar(
        select(Reminder).where(Reminder.provider_ref == sid, Reminder.channel == "sms")
    )
    target = "delivered" if status in DELIVERED else "failed"
    if reminder is None or reminder.status not in _FROM[target]:
        return "ignored"
    if not webhook_replays.first_copy("sms-status", f"{sid}/{status}", now=now):
        return "ignored"
    reminder.status = target
    reminder.updated_at = now
    if target == "failed":
        code = (error_code or "").strip()
        reminder.last_error = f"twilio error {code or '?'} (delivery receipt: {status})"
        if code == "21610":
            switch_to_email(reminder, now=now)
    db.session.commit()
    logger.info("SMS %s: delivery receipt %s -> %s", sid, status, target)
    return target


def handle_inbound(
    number: str | None, body: str | None, *, now: datetime, sid: str | None = None
) -> str | None:
    """Act on a keyword texted to us (STOP, START, HELP ...) and commit.

    ``sid`` is Twilio's ``MessageSid``: a text already acted on is not acted on again.

    :return: the one reply to send back, or None for any other text and for a replay.
    """
    word = sms_optout.keyword(body)
    if word is None or not number:
        return None
    if not webhook_replays.first_copy("sms-inbound", sid, now=now):
        logger.info("inbound SMS %s: a copy already acted on, ignored", sid)
        return None
    # The reply speaks the language of the number's one account (the default language when
    # the number is unknown or shared by accounts).
    owners = sms_optout.accounts_with_phone(number)
    owner = owners[0] if len(owners) == 1 else None
    if word == "help":
        db.session.commit()
        return messages.sms_reply("help", owner)
    matched = sms_optout.apply_keyword(number, word, now=now)
    db.session.commit()
    logger.info("inbound SMS keyword %s matched %d account(s)", word, matched)
    return messages.sms_reply("stopped" if word == "stop" else "started", owner)
