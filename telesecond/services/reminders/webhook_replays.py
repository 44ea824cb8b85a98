"""Recognise a Twilio call we have already acted on, so a replayed copy changes nothing.

Twilio's signature never expires: a request captured once (in a log, at a proxy) could
be sent again at any time, and a START from last month would undo today's STOP. Every
call acted on is kept by its key (an inbound text's ``MessageSid``; a receipt's
``MessageSid/status``) in the same transaction as its effect; a later copy finds it.

Twilio's requests do not say when Twilio received the text, so keywords take effect in
the order their first copies reach us; a replay, however late, is never a first copy.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from telesecond.extensions import db
from telesecond.models.webhook_receipt import WebhookReceipt

KEY_LENGTH = 100


def first_copy(kind: str, key: str | None, *, now: datetime) -> bool:
    """Note that the call ``key`` of ``kind`` is being acted on; False when it was before.

    Not committed: the note is kept with the effect it guards, or with neither. Two
    copies at once: the unique key makes the second wait for the first and then fail.
    A call without a key cannot be recognised and is acted on (Twilio always sends one).
    """
    if not key:
        return True
    try:
        with db.session.begin_nested():
            db.session.add(WebhookReceipt(kind=kind, key=key[:KEY_LENGTH], received_at=now))
    except IntegrityError:
        return False
    return True
