"""Book with payment: the slot is held as "awaiting payment" while the patient pays on
the provider's hosted page, and confirmed only when the provider says it is paid.

With ``PAYMENTS_PROVIDER=none``, or nothing to pay, booking is exactly ``booking.book``.
Otherwise the booking's transaction writes the consultation (``awaiting_payment``, which
occupies its slot like any booking: the same exclusion constraint and re-check) and its
payment; after the commit the checkout page is opened (no network call inside the
booking's transaction). A page that cannot be opened frees the slot at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from telesecond.adapters import registry
from telesecond.adapters.payments import CheckoutRequest, PaymentError
from telesecond.domain.intake import Intake
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Payment
from telesecond.services import links
from telesecond.services.consultations import booking
from telesecond.services.errors import ServiceError
from telesecond.services.messages import organisation
from telesecond.services.payments import ledger, refunds
from telesecond.services.payments.amounts import Money, amount_due

log = logging.getLogger(__name__)

# Stripe keeps a checkout page open at least this long; the sweep closes it earlier.
PROVIDER_MIN_OPEN = timedelta(minutes=30)


class PaymentUnavailable(ServiceError):
    """The payment provider could not open a checkout page; nothing was charged."""

    status = 503
    title = "Payment unavailable"


@dataclass(frozen=True)
class Booked:
    """A booking and, when it must be paid, its payment (awaiting, with its page)."""

    consultation: Consultation
    payment: Payment | None = None

    @property
    def checkout_url(self) -> str | None:
        return self.payment.checkout_url if self.payment is not None else None


# Where ``book`` leaves the amount due for the listener, in the booking's session: the
# listener runs inside the booking's statement batch and must not query.
_DUE = "telesecond.payments.due"


def payments_enabled() -> bool:
    """Whether bookings are paid here (``PAYMENTS_PROVIDER`` other than none)."""
    return registry.current().payments.enabled


def payment_due(
    patient: Account, specialist_id: int, start: datetime, price: Money | None = None
) -> Money | None:
    """What the booking must be paid here before it is confirmed (None: nothing).

    ``price``: what the patient owes after any reduction (``services/fees``); without
    it, the specialist's fee.
    """
    if not registry.current().payments.enabled:
        return None
    if price is not None:
        return price if price.amount_cents > 0 else None
    probe = Consultation(specialist_id=specialist_id, patient_id=patient.id, start=start)
    return amount_due(probe)


def book(
    patient: Account,
    specialist_id: int,
    start: datetime,
    intake: Intake,
    *,
    now: datetime,
    hold_id: int | None = None,
    ip: str | None = None,
    price: Money | None = None,
) -> Booked:
    """Book; when a payment is due, hold the slot and open the checkout page.

    :raise PaymentUnavailable: the page could not be opened (the slot is free again);
        and whatever ``booking.book`` raises.
    """
    due = payment_due(patient, specialist_id, start, price)
    awaiting = due is not None
    db.session.info[_DUE] = due
    try:
        consultation = booking.book(
            patient,
            specialist_id,
            start,
            intake,
            now=now,
            hold_id=hold_id,
            ip=ip,
            awaiting_payment=awaiting,
        )
    finally:
        db.session.info.pop(_DUE, None)
    if not awaiting:
        return Booked(consultation)
    payment = ledger.payment_of(consultation.id)
    assert payment is not None  # written by the listener in the booking's transaction
    try:
        page = registry.current().payments.create_checkout(_checkout_request(payment, now))
    except PaymentError as error:
        log.warning("payment %s: checkout not opened: %s", payment.id, error)
        ledger.release(payment, "failed", now=now)
        db.session.commit()
        raise PaymentUnavailable(
            "The payment page could not be opened, so the time was not booked and nothing "
            "was charged. Please try again in a few minutes."
        ) from None
    payment.checkout_session_id = page.session_id
    payment.checkout_url = page.url
    db.session.commit()
    return Booked(consultation, payment)


def _checkout_request(payment: Payment, now: datetime) -> CheckoutRequest:
    consultation_url = links.consultation_url(payment.consultation_id)
    return CheckoutRequest(
        reference=f"payment-{payment.id}",
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        # No health information: the organisation and the kind of service only.
        description=f"{organisation()}: second-opinion video consultation",
        customer_email=payment.patient.email,
        success_url=f"{consultation_url}?payment=done",
        cancel_url=consultation_url,
        expires_at=max(payment.expires_at, now + PROVIDER_MIN_OPEN),
        idempotency_key=f"checkout-{payment.id}",
    )


def on_consultation_changed(
    consultation: Consultation,
    kind: str,
    *,
    now: datetime,
    detail: dict | None = None,  # noqa: ARG001
) -> None:
    """Listener: a booking awaiting payment gets its payment; a cancellation its refund."""
    if kind == "awaiting_payment":
        due = db.session.info.get(_DUE)
        if due is None:
            raise RuntimeError("a booking awaits payment without an amount (use checkout.book)")
        ledger.open_payment(consultation, due, now=now, provider=registry.current().payments.name)
    elif kind == "cancelled":
        refunds.refund_for_cancellation(consultation, now=now)
