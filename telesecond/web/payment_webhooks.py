"""Stripe's webhook: ``POST /webhooks/stripe`` (checkout paid, expired, failed).

The ``Stripe-Signature`` header is checked against the endpoint's signing secret; a
missing or wrong one is 403 and changes nothing. CSRF does not apply (exempted where the
blueprint is registered): the signature is the proof of origin.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from telesecond.clock import utcnow
from telesecond.services.payments import webhooks

bp = Blueprint("payment_webhooks", __name__, url_prefix="/webhooks")


@bp.post("/stripe")
def stripe_event():
    """Act on one Stripe event (once, however often it is delivered)."""
    outcome = webhooks.receive(
        request.get_data(cache=False),
        request.headers.get("Stripe-Signature"),
        now=utcnow(),
    )
    return jsonify({"received": True, "outcome": outcome})
