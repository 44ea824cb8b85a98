"""Payments: a tiny interface, the Stripe implementation and the "none" one.

Stripe Checkout takes the card on Stripe's own hosted page, so card data never reaches
telesecond. Every call that creates something at Stripe carries an idempotency key, so a
retried call never charges, expires or refunds twice. Webhook events are read only once
their signature (``Stripe-Signature``, HMAC-SHA256 with the endpoint's signing secret)
is verified. Errors name the failure, never a person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import stripe

logger = logging.getLogger(__name__)


class PaymentError(Exception):
    """The provider refused the call or could not be reached (no personal data inside)."""


class BadSignature(Exception):
    """A webhook whose signature does not verify: not from the provider."""


@dataclass(frozen=True)
class CheckoutRequest:
    """What a hosted checkout page asks the patient to pay."""

    reference: str  # ours: names the payment at the provider (client_reference_id)
    amount_cents: int
    currency: str
    description: str  # no health information: the organisation and the time
    customer_email: str
    success_url: str
    cancel_url: str
    expires_at: datetime
    idempotency_key: str


@dataclass(frozen=True)
class Checkout:
    """The provider's checkout session: its id and the page the patient pays on."""

    session_id: str
    url: str


@dataclass(frozen=True)
class RefundResult:
    """The provider's refund: its id and status (``succeeded``, ``pending``, ``failed``)."""

    refund_id: str
    status: str


@dataclass(frozen=True)
class PaymentEvent:
    """A verified webhook event about a checkout session."""

    event_id: str
    type: str
    session_id: str | None
    reference: str | None
    payment_status: str | None
    payment_intent_id: str | None


class PaymentGateway(Protocol):
    """Anything that takes payments for consultations."""

    name: str
    enabled: bool

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """Open a hosted checkout page; raise :class:`PaymentError`."""
        ...

    def expire_checkout(self, session_id: str, *, idempotency_key: str) -> None:
        """Close a checkout page so it can no longer be paid; raise :class:`PaymentError`."""
        ...

    def refund(
        self, payment_intent_id: str, amount_cents: int, *, idempotency_key: str
    ) -> RefundResult:
        """Give back ``amount_cents`` of a payment; raise :class:`PaymentError`."""
        ...

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        """Verify and read a webhook call; raise :class:`BadSignature`."""
        ...


class NoPayments:
    """``PAYMENTS_PROVIDER=none``: the clinic bills outside telesecond; nothing is charged."""

    name = "none"
    enabled = False

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        raise PaymentError("payments are not taken here (PAYMENTS_PROVIDER=none)")

    def expire_checkout(self, session_id: str, *, idempotency_key: str) -> None:
        raise PaymentError("payments are not taken here (PAYMENTS_PROVIDER=none)")

    def refund(
        self, payment_intent_id: str, amount_cents: int, *, idempotency_key: str
    ) -> RefundResult:
        raise PaymentError("payments are not taken here (PAYMENTS_PROVIDER=none)")

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        raise BadSignature("payments are not taken here (PAYMENTS_PROVIDER=none)")


class StripePayments:
    """Stripe Checkout through the official ``stripe`` library."""

    name = "stripe"
    enabled = True

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        *,
        api_base: str | None = None,
        timeout: float = 20,
    ) -> None:
        self._webhook_secret = webhook_secret
        options: dict[str, Any] = {
            "http_client": stripe.RequestsClient(timeout=timeout),
            "max_network_retries": 2,  # safe: every create call carries an idempotency key
        }
        if api_base:
            options["base_addresses"] = {"api": api_base.rstrip("/")}
        self._client = stripe.StripeClient(secret_key, **options)

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": request.reference,
            "customer_email": request.customer_email,
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": int(request.expires_at.timestamp()),
            "metadata": {"reference": request.reference},
            "payment_intent_data": {"metadata": {"reference": request.reference}},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount_cents,
                        "product_data": {"name": request.description},
                    },
                }
            ],
        }
        try:
            session = self._client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.StripeError as error:
            raise PaymentError(_describe(error)) from None
        if not session.url:
            raise PaymentError("Stripe returned a checkout session without a page")
        return Checkout(session_id=session.id, url=session.url)

    def expire_checkout(self, session_id: str, *, idempotency_key: str) -> None:
        try:
            self._client.v1.checkout.sessions.expire(
                session_id, options={"idempotency_key": idempotency_key}
            )
        except stripe.InvalidRequestError as error:
            # Already expired or completed: there is nothing left to close.
            logger.info("checkout %s not expired: %s", session_id, _describe(error))
        except stripe.StripeError as error:
            raise PaymentError(_describe(error)) from None

    def refund(
        self, payment_intent_id: str, amount_cents: int, *, idempotency_key: str
    ) -> RefundResult:
        try:
            refund = self._client.v1.refunds.create(
                {"payment_intent": payment_intent_id, "amount": amount_cents},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise PaymentError(_describe(error)) from None
        return RefundResult(refund_id=refund.id, status=refund.status or "pending")

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        if not self._webhook_secret or not signature:
            raise BadSignature("no signature")
        try:
            event = self._client.construct_event(payload, signature, self._webhook_secret)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise BadSignature(str(error)) from None
        obj = event.data.object.to_dict()
        if obj.get("object") != "checkout.session":
            return PaymentEvent(event.id, event.type, None, None, None, None)
        metadata = obj.get("metadata") or {}
        return PaymentEvent(
            event_id=event.id,
            type=event.type,
            session_id=obj.get("id"),
            reference=obj.get("client_reference_id") or metadata.get("reference"),
            payment_status=obj.get("payment_status"),
            payment_intent_id=_id_of(obj.get("payment_intent")),
        )


def _id_of(value: Any) -> str | None:
    """An expandable field's id, whether Stripe sent the id or the object."""
    if value is None or isinstance(value, str):
        return value
    return value.get("id") if isinstance(value, dict) else None


def _describe(error: stripe.StripeError) -> str:
    code = getattr(error, "code", None)
    status = getattr(error, "http_status", None)
    return f"stripe error {status or '-'} {code or type(error).__name__}"
