"""The reminder process's payment upkeep: lapse unpaid bookings, resend refunds.

A booking still awaiting payment at its ``expires_at`` lapses: its slot goes back, the
provider's checkout page is closed (so it can no longer be paid), and the patient is
told. A payment that still arrives later is refunded in full (``ledger.confirm_paid``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.adapters.payments import PaymentError
from telesecond.extensions import db
from telesecond.models import Payment
from telesecond.services.payments import ledger, payment_mail, refunds

log = logging.getLogger(__name__)


def lapse_overdue(now: datetime) -> int:
    """Lapse every payment due by ``now``; returns how many lapsed."""
    if not registry.current().payments.enabled:
        return 0
    due = db.session.scalars(
        select(Payment.id)
        .where(Payment.status == "awaiting_payment", Payment.expires_at <= now)
        .order_by(Payment.expires_at)
    ).all()
    lapsed = 0
    for payment_id in due:
        payment = db.session.get(Payment, payment_id)
        if payment is None or not ledger.release(payment, "lapsed", now=now):
            db.session.rollback()
            continue
        db.session.commit()
        lapsed += 1
        _close_checkout(payment)
        payment_mail.send_released(payment, now=now)
    return lapsed


def _close_checkout(payment: Payment) -> None:
    if not payment.checkout_session_id:
        return
    try:
        registry.current().payments.expire_checkout(
            payment.checkout_session_id, idempotency_key=f"expire-{payment.id}"
        )
    except PaymentError as error:  # a late payment is refunded in full anyway
        log.warning("payment %s: checkout not closed: %s", payment.id, error)


def run(now: datetime) -> None:
    """One pass: lapse what is overdue, then send the refunds still pending."""
    lapse_overdue(now)
    if registry.current().payments.enabled:
        refunds.send_pending(now=now)
