"""Twilio webhooks: SMS delivery receipts and inbound replies (STOP, START, HELP).

Both check ``X-Twilio-Signature`` against the auth token; a missing or wrong one is
403. Twilio signs the URL it called: ``PUBLIC_BASE_URL`` + path when the clinic set
it, else the request's own URL (rebuilt from ``X-Forwarded-*`` only behind
``TRUSTED_PROXIES``). CSRF does not apply (exempted where the
blueprint is registered): the signature is the proof of origin. A copy of a call
already acted on changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from twilio.twiml.messaging_response import MessagingResponse

from telesecond.clock import utcnow
from telesecond.services.reminders import sms_receipts

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio")


def signed_url() -> str:
    """The URL Twilio signed: the public base URL + path (and query) when configured."""
    if not current_app.config.get("PUBLIC_BASE_URL_SET"):
        return request.url
    base = current_app.config["PUBLIC_BASE_URL"]
    query = request.query_string.decode("latin-1")
    return base + request.path + (f"?{query}" if query else "")


def signature_ok() -> bool:
    """Whether the request carries a valid Twilio signature for our auth token."""
    token = (current_app.config.get("TWILIO_AUTH_TOKEN") or "").strip()
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return False
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    return RequestValidator(token).validate(signed_url(), request.form, signature, algorithm)


@bp.before_request
def check_signature() -> None:
    if not signature_ok():
        abort(403, description="Missing or invalid Twilio signature.")


def _twiml(reply: str | None) -> Response:
    answer = MessagingResponse()
    if reply:
        answer.message(reply)
    return Response(str(answer), mimetype="application/xml")


@bp.post("/sms-status")
def sms_status() -> Response:
    """A delivery receipt for an SMS we sent; always 200 once the signature is good."""
    sms_receipts.record_receipt(
        request.form.get("MessageSid") or request.form.get("SmsSid"),
        request.form.get("MessageStatus") or request.form.get("SmsStatus"),
        request.form.get("ErrorCode"),
        now=utcnow(),
    )
    return Response(status=200)


@bp.post("/sms-inbound")
def sms_inbound() -> Response:
    """A text someone sent us: opt out, opt back in, or ask for help; TwiML answers."""
    reply = sms_receipts.handle_inbound(
        request.form.get("From"),
        request.form.get("Body"),
        now=utcnow(),
        sid=request.form.get("MessageSid") or request.form.get("SmsSid"),
    )
    return _twiml(reply)
