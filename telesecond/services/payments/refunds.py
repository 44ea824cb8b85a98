"""Refunds: by the clinic's rule when a patient cancels, in full when the specialist or
the clinic cancels, and by hand by an admin (with a reason, audited).

A refund is written as ``pending`` in the transaction that decides it, and sent to the
provider after the commit (idempotency key ``refund-<id>``, so a resend never refunds
twice). What could not be sent is sent again by the reminder process's sweep.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.adapters.payments import PaymentError
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Opinion, Payment, Refund
from telesecond.services import audit
from telesecond.services.consultations import booking
from telesecond.services.errors import Invalid, NotFound
from telesecond.services.payments.amounts import format_money
from telesecond.services.payments.ledger import payment_of, queue_refund

log = logging.getLogger(__name__)

REFUNDABLE = ("paid", "partially_refunded")


def refund_for_cancellation(consultation: Consultation, *, now: datetime) -> Refund | None:
    """Listener part: queue what a cancellation refunds (inside its transaction)."""
    payment = payment_of(consultation.id)
    if payment is None or payment.status not in REFUNDABLE:
        return None
    if consultation.cancelled_by_id == consultation.patient_id:
        signed = db.session.get(Opinion, consultation.id) is not None
        hours_before = (consultation.start - now).total_seconds() / 3600
        share, reason = current_app.config["REFUND_RULES"].applied(hours_before, signed)
        amount = math.floor(payment.amount_cents * share)  # whole cents, rounded down
    else:  # the specialist or the clinic cancelled: always in full
        amount, reason = payment.amount_cents, "cancelled_by_clinic"
    return queue_refund(
        payment, amount, reason=reason, now=now, actor_id=consultation.cancelled_by_id
    )


def cancel(
    actor: Account,
    consultation_id: int,
    *,
    reason: str,
    now: datetime,
    cutoff_hours: int,
    ip: str | None = None,
) -> Consultation:
    """Cancel a consultation (``booking.cancel``) and send the refund it decided."""
    consultation = booking.cancel(
        actor, consultation_id, reason=reason, now=now, cutoff_hours=cutoff_hours, ip=ip
    )
    send_pending(now=now, consultation_id=consultation.id)
    return consultation


def refund_by_hand(
    admin: Account,
    payment_id: int,
    amount_cents: int | None,
    reason: str,
    *,
    now: datetime,
    ip: str | None = None,
) -> Refund:
    """An admin gives back ``amount_cents`` (all that is left when None), saying why."""
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(_("No such payment."))
    reason = " ".join((reason or "").split())
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the money is given back (it is kept in the audit log).")]
    left = payment.amount_cents - payment.refunded_cents
    if payment.status not in REFUNDABLE or left <= 0:
        errors["amount"] = [_("Nothing of this payment is left to refund.")]
    elif amount_cents is not None and not 0 < amount_cents <= left:
        errors["amount"] = [
            _(
                "Enter an amount above 0 and at most %(left)s.",
                left=format_money(left, payment.currency),
            )
        ]
    if errors:
        raise Invalid(_("Some fields need attention."), errors)
    refund = queue_refund(payment, amount_cents or left, reason=reason, now=now, actor_id=admin.id)
    assert refund is not None  # the amount was checked above
    db.session.flush()
    audit.record(
        "payment.refunded",
        actor_id=admin.id,
        target_type="payment",
        target_id=payment.id,
        ip=ip,
        detail={
            "refund_id": refund.id,
            "amount_cents": refund.amount_cents,
            "currency": payment.currency,
            "reason": reason[:500],
        },
    )
    db.session.commit()
    send_pending(now=now, consultation_id=payment.consultation_id)
    return refund


def send_pending(*, now: datetime, consultation_id: int | None = None) -> int:
    """Send the refunds still pending (one consultation's, or all); returns how many went.

    Each is committed on its own, right after the provider's answer.
    """
    query = select(Refund.id).where(Refund.status == "pending").order_by(Refund.id)
    if consultation_id is not None:
        query = query.join(Payment).where(Payment.consultation_id == consultation_id)
    sent = 0
    for refund_id in db.session.scalars(query).all():
        refund = db.session.get(Refund, refund_id)
        if refund is None or refund.status != "pending":
            continue
        intent = refund.payment.payment_intent_id
        if not intent:
            refund.last_error = "no payment reference to refund yet"
            db.session.commit()
            continue
        try:
            result = registry.current().payments.refund(
                intent, refund.amount_cents, idempotency_key=f"refund-{refund.id}"
            )
        except PaymentError as error:
            log.warning("refund %s not sent: %s", refund.id, error)
            refund.last_error = str(error)[:500]
            refund.updated_at = now
            db.session.commit()
            continue
        refund.provider_refund_id = result.refund_id
        refund.status = "failed" if result.status in ("failed", "canceled") else "succeeded"
        refund.last_error = None
        refund.updated_at = now
        db.session.commit()
        sent += 1
    return sent
