"""A payment's state and its moves: opened with the booking, paid, released, refunded.

Every move of a payment away from ``awaiting_payment`` is a conditional update (``WHERE
status = 'awaiting_payment'``): the webhook that confirms a payment and the sweep that
lapses it can meet on the same row, and only one of them moves it. The other sees that
it lost and does nothing (or, for a payment that arrives after its slot went back,
refunds it in full).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from telesecond.adapters import registry
from telesecond.db import row_batch
from telesecond.extensions import db
from telesecond.models import Consultation, Payment, Refund
from telesecond.services.consultations.changes import consultation_changed
from telesecond.services.payments.amounts import Money
from telesecond.services.scheduling import availability

_PAYMENTS = Payment.__table__
RELEASED_REASON = "The payment was not completed in time; the time was released."
FAILED_REASON = "The payment did not go through; the time was released."
RECEIPT_NUMBER = "R{:06d}"  # a payment's receipt
REFUND_RECEIPT_NUMBER = "RF{:06d}"  # a refund's own receipt


@dataclass(frozen=True)
class RefundView:
    """A refund on a payment: how much, its state, and when it went through."""

    id: int
    amount_cents: int
    status: str
    created_at: datetime
    refunded_at: datetime | None = None  # once the provider made it (it has a receipt)

    @property
    def receipt_number(self) -> str:
        return REFUND_RECEIPT_NUMBER.format(self.id)


@dataclass(frozen=True)
class PaymentView:
    """A consultation's payment as the patient and the API see it."""

    status: str
    amount_cents: int | None = None
    currency: str | None = None
    refunded_cents: int = 0
    checkout_url: str | None = None
    expires_at: datetime | None = None
    paid_at: datetime | None = None
    refunds: tuple[RefundView, ...] = ()
    # What the specialist put on the receipt: health information, for the pages only.
    diagnosis_codes: tuple[str, ...] = ()


NOT_REQUIRED = PaymentView("not_required")


def payment_of(consultation_id: int) -> Payment | None:
    """The consultation's payment, if it had to be paid."""
    return db.session.scalar(select(Payment).where(Payment.consultation_id == consultation_id))


def view_of(consultation_id: int) -> PaymentView:
    """What the patient sees of the consultation's payment (the link only while due).

    With payments off (``PAYMENTS_PROVIDER=none``) nothing is paid here: no lookup.
    """
    if not registry.current().payments.enabled:
        return NOT_REQUIRED
    payment = payment_of(consultation_id)
    if payment is None:
        return NOT_REQUIRED
    due = payment.status == "awaiting_payment"
    return PaymentView(
        status=payment.status,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        refunded_cents=payment.refunded_cents,
        checkout_url=payment.checkout_url if due else None,
        expires_at=payment.expires_at if due else None,
        paid_at=payment.paid_at,
        # Read only when something was refunded: most payments have no refund to load.
        refunds=tuple(
            RefundView(
                id=r.id,
                amount_cents=r.amount_cents,
                status=r.status,
                created_at=r.created_at,
                refunded_at=r.updated_at if r.status == "succeeded" else None,
            )
            for r in (payment.refunds if payment.refunded_cents else ())
        ),
        diagnosis_codes=tuple(payment.diagnosis_codes or ()),
    )


def open_payment(consultation: Consultation, due: Money, *, now: datetime, provider: str) -> None:
    """Queue the payment of a consultation just booked as awaiting payment.

    Runs inside the booking's statement batch (a listener), so it reads nothing from the
    database: a query here would write the booking's rows before the booking checks its
    conflicts. The amount was decided before the booking (``amount_due``).
    """
    minutes = int(current_app.config["PAYMENT_HOLD_MINUTES"])
    row_batch.queue(
        _PAYMENTS,
        {
            "consultation_id": consultation.id,
            "patient_id": consultation.patient_id,
            "specialist_id": consultation.specialist_id,
            "amount_cents": due.amount_cents,
            "currency": due.currency,
            "status": "awaiting_payment",
            "provider": provider,
            "checkout_session_id": None,
            "checkout_url": None,
            "payment_intent_id": None,
            "expires_at": now + timedelta(minutes=minutes),
            "created_at": now,
            "updated_at": now,
            "paid_at": None,
            "refunded_cents": 0,
            "diagnosis_codes": None,
        },
    )


def _move(payment: Payment, to: str, *, now: datetime, **values: object) -> bool:
    """Move an awaiting payment to ``to``; False when something else moved it first."""
    moved = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == "awaiting_payment")
        .values(status=to, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(payment)
    return bool(moved)


def confirm_paid(payment: Payment, *, payment_intent_id: str | None, now: datetime) -> str:
    """The provider says the patient paid: confirm the booking (invite, reminders, room).

    :return: ``confirmed``; ``refunded`` when the slot had already gone back (the money
        goes back in full); ``ignored`` when the payment was already recorded.
    """
    if _move(payment, "paid", now=now, paid_at=now, payment_intent_id=payment_intent_id):
        consultation = payment.consultation
        consultation.status = "confirmed"
        consultation.updated_at = now
        consultation_changed(consultation, "booked", actor_id=payment.patient_id, now=now)
        return "confirmed"
    if payment.status in ("lapsed", "failed") and payment.paid_at is None:
        payment.paid_at = now
        payment.payment_intent_id = payment_intent_id
        queue_refund(payment, payment.amount_cents, reason="paid_after_release", now=now)
        return "refunded"
    return "ignored"


def release(payment: Payment, to: str, *, now: datetime) -> bool:
    """Lapse (``lapsed``) or fail (``failed``) an unpaid payment and free its slot."""
    if not _move(payment, to, now=now):
        return False
    consultation = payment.consultation
    consultation.status = "cancelled"
    consultation.cancelled_at = consultation.updated_at = now
    consultation.cancel_reason = RELEASED_REASON if to == "lapsed" else FAILED_REASON
    availability.invalidate_by_id(consultation.specialist_id)
    consultation_changed(
        consultation, "payment_lapsed", actor_id=None, now=now, detail={"payment": to}
    )
    return True


def queue_refund(
    payment: Payment,
    amount_cents: int,
    *,
    reason: str,
    now: datetime,
    actor_id: int | None = None,
) -> Refund | None:
    """Record a refund to send (after commit) and count it on the payment."""
    amount_cents = min(amount_cents, payment.amount_cents - payment.refunded_cents)
    if amount_cents <= 0:
        return None
    refund = Refund(
        payment=payment,
        amount_cents=amount_cents,
        reason=reason[:500],
        actor_id=actor_id,
        status="pending",
        created_at=now,
        updated_at=now,
    )
    db.session.add(refund)
    payment.refunded_cents += amount_cents
    full = payment.refunded_cents >= payment.amount_cents
    payment.status = "refunded" if full else "partially_refunded"
    payment.updated_at = now
    return refund
