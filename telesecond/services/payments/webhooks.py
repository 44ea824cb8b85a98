"""The payment provider's webhook events: paid, expired, failed.

Each event is acted on once, however often it arrives: its id is kept in
``webhook_receipt`` (kind ``stripe-event``) in the same transaction as its effect.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.adapters.payments import BadSignature, PaymentEvent
from telesecond.extensions import db
from telesecond.models import Payment
from telesecond.services.errors import Forbidden
from telesecond.services.payments import ledger, payment_mail, refunds
from telesecond.services.reminders import webhook_replays

log = logging.getLogger(__name__)

RECEIPT_KIND = "stripe-event"
PAID = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
LAPSED = "checkout.session.expired"
FAILED = "checkout.session.async_payment_failed"


def _payment_for(event: PaymentEvent) -> Payment | None:
    if event.session_id:
        found = db.session.scalar(
            select(Payment).where(Payment.checkout_session_id == event.session_id)
        )
        if found is not None:
            return found
    reference = event.reference or ""
    if reference.startswith("payment-") and reference[8:].isdigit():
        return db.session.get(Payment, int(reference[8:]))
    return None


def handle_event(event: PaymentEvent, *, now: datetime) -> str:
    """Act on one verified event and commit; returns what happened (for logs and tests)."""
    if event.type not in (*PAID, LAPSED, FAILED):
        return "ignored"
    payment = _payment_for(event)
    if payment is None:
        log.info("stripe event %s (%s): no such payment", event.event_id, event.type)
        return "ignored"
    if event.type == PAID[0] and event.payment_status not in ("paid", "no_payment_required"):
        return "waiting"  # a delayed method: async_payment_succeeded or _failed follows
    if not webhook_replays.first_copy(RECEIPT_KIND, event.event_id, now=now):
        db.session.rollback()
        return "duplicate"
    if event.type in PAID:
        outcome = ledger.confirm_paid(payment, payment_intent_id=event.payment_intent_id, now=now)
    else:
        released = ledger.release(payment, "failed" if event.type == FAILED else "lapsed", now=now)
        outcome = "released" if released else "ignored"
    db.session.commit()
    log.info("stripe event %s (%s): payment %s %s", event.event_id, event.type, payment.id, outcome)
    if outcome == "refunded":
        refunds.send_pending(now=now, consultation_id=payment.consultation_id)
    elif outcome == "released":
        payment_mail.send_released(payment, now=now)
    return outcome


def receive(payload: bytes, signature: str | None, *, now: datetime) -> str:
    """Verify a webhook call's signature, then act on its event.

    :raise Forbidden: the signature is missing or wrong (not from the provider).
    """
    try:
        event = registry.current().payments.parse_event(payload, signature)
    except BadSignature:
        log.warning("stripe webhook refused: bad signature")
        raise Forbidden("Missing or invalid Stripe signature.") from None
    return handle_event(event, now=now)
