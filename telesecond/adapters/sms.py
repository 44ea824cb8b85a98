"""SMS: a tiny sending interface, Twilio and console implementations.

``send`` never raises for provider trouble; it classifies the outcome so the
reminder outbox can decide what to do:

- ``accepted``: the provider took the message (``provider_id`` is its sid);
- ``failed``: permanent (invalid number, opted out, bad credentials …), do not retry;
- ``retry``: transient (rate limit, 5xx, connection refused), back off and resend;
- ``unknown``: the request may have gone out but no answer came (read timeout);
  resending blindly could send twice.

Phone numbers and bodies are health-adjacent personal data: they are never
logged, only a masked number (last two digits) and the provider id.
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TextIO

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from urllib3.exceptions import NewConnectionError

from telesecond.adapters.twilio_http import build_twilio_client

logger = logging.getLogger(__name__)

SmsStatus = Literal["accepted", "failed", "retry", "unknown"]

# Twilio error codes that no resend will fix.
PERMANENT = frozenset({21211, 21610, 21614, 30004, 30005, 30006, 21408, 21606, 21612})
# Twilio error codes worth another try later (rate limit, queue overflow, unreachable).
TRANSIENT = frozenset({20429, 30001, 30003})
# Twilio's "too many requests" code (with HTTP 429).
THROTTLED = 20429
# Twilio's code for the opt-out case: the recipient replied STOP.
OPTED_OUT = 21610
# Twilio's ValidityPeriod range in seconds (error 21624 outside it).
MIN_VALIDITY_SECONDS = 1
MAX_VALIDITY_SECONDS = 36_000


@dataclass(frozen=True)
class SmsMessage:
    """An SMS to send; ``validity_seconds`` maps to Twilio's ValidityPeriod."""

    to: str
    body: str
    status_callback: str | None = None
    validity_seconds: int | None = None


@dataclass(frozen=True)
class SmsResult:
    """What became of one send attempt (``error`` is free of personal data)."""

    status: SmsStatus
    provider_id: str | None = None
    error_code: int | None = None
    error: str | None = None
    # A throttling answer (HTTP 429 or Twilio 20429) and its ``Retry-After`` header as sent.
    throttled: bool = False
    retry_after: str | None = None


class SmsSender(Protocol):
    """Anything that can send an SMS."""

    def send(self, message: SmsMessage) -> SmsResult:
        """Send ``message`` and classify the outcome; never raises for provider errors."""
        ...


def mask_number(number: str) -> str:
    """Return the number reduced to its last two digits, e.g. ``***42``."""
    digits = [c for c in number if c.isdigit()]
    return "***" + "".join(digits[-2:])


class ConsoleSms:
    """Development sender: prints each SMS to a stream and accepts it."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self.sent: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> SmsResult:
        """Print ``message`` and report it accepted with a fake id."""
        provider_id = "CONSOLE" + secrets.token_hex(8)
        stream = self._stream or sys.stdout
        lines = [
            "----- SMS (console backend, not sent) -----",
            f"To: {message.to}",
            f"Id: {provider_id}",
        ]
        if message.status_callback:
            lines.append(f"Status-Callback: {message.status_callback}")
        if message.validity_seconds is not None:
            lines.append(f"Validity: {message.validity_seconds}s")
        lines += ["", message.body, "-------------------------------------------"]
        print("\n".join(lines), file=stream, flush=True)
        self.sent.append(message)
        return SmsResult(status="accepted", provider_id=provider_id)

    def close(self) -> None:
        """Nothing to release."""


def classify_twilio_error(status: int | None, code: int | None) -> SmsStatus:
    """Map an HTTP status and Twilio error code to ``failed`` or ``retry``."""
    if code in PERMANENT:
        return "failed"
    if code in TRANSIENT or status == 429 or (status is not None and status >= 500):
        return "retry"
    # Any other 4xx (bad credentials 20003, invalid parameter …) is our request's
    # fault, and sending it again unchanged will not help.
    return "failed"


def _request_may_have_gone_out(error: requests.RequestException) -> bool:
    """Tell a failure before sending (safe to resend) from one after it."""
    if isinstance(error, requests.ConnectTimeout):
        return False
    if isinstance(error, requests.ConnectionError):
        # requests wraps urllib3's MaxRetryError; its reason says whether the TCP
        # connection was ever made (NewConnectionError covers refused and DNS).
        reason = getattr(error.args[0], "reason", None) if error.args else None
        return not isinstance(reason, NewConnectionError | ConnectionRefusedError)
    return True


# Transport errors that can happen after the request was written.
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class TwilioSms:
    """Sends SMS through the Twilio Messages API using the official client."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        messaging_service_sid: str | None = None,
        from_number: str | None = None,
        api_base_url: str | None = None,
        timeout: float = 10,
    ) -> None:
        if not messaging_service_sid and not from_number:
            raise ValueError("TwilioSms needs a messaging_service_sid or a from_number")
        self.messaging_service_sid = messaging_service_sid
        self.from_number = from_number
        self.timeout = timeout
        self._client = build_twilio_client(
            account_sid, auth_token, api_base_url=api_base_url, timeout=timeout
        )

    def send(self, message: SmsMessage) -> SmsResult:
        """Create the message at Twilio and classify the outcome."""
        masked = mask_number(message.to)
        kwargs: dict[str, Any] = {"to": message.to, "body": message.body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        if self.from_number:
            kwargs["from_"] = self.from_number
        if message.status_callback:
            kwargs["status_callback"] = message.status_callback
        if message.validity_seconds is not None:
            kwargs["validity_period"] = min(
                max(message.validity_seconds, MIN_VALIDITY_SECONDS), MAX_VALIDITY_SECONDS
            )
        try:
            created = self._client.messages.create(**kwargs)
        except (TwilioRestException, TwilioServiceException) as exc:
            return self._provider_error(masked, exc.status, exc.code)
        except _TRANSPORT_ERRORS as exc:
            return self._transport_error(masked, exc)
        except json.JSONDecodeError:
            # A 2xx answer that is not JSON: the message may have been queued.
            logger.warning("SMS to %s: unreadable Twilio answer; outcome unknown", masked)
            return SmsResult(status="unknown", error="unreadable provider response")

        sid = created.sid
        if created.status in ("failed", "undelivered"):
            code = created.error_code
            logger.warning("SMS to %s refused at once: sid=%s code=%s", masked, sid, code)
            return SmsResult(
                status="failed", provider_id=sid, error_code=code, error=f"twilio error {code}"
            )
        logger.info("SMS to %s accepted by Twilio: sid=%s", masked, sid)
        return SmsResult(status="accepted", provider_id=sid)

    def _provider_error(self, masked: str, status: int | None, code: int | None) -> SmsResult:
        outcome = classify_twilio_error(status, code)
        # The provider's own message text can echo the phone number: keep it out.
        logger.warning(
            "SMS to %s not accepted: HTTP %s, Twilio code %s -> %s", masked, status, code, outcome
        )
        throttled = status == 429 or code == THROTTLED
        return SmsResult(
            status=outcome,
            error_code=code,
            error=f"twilio error {code} (HTTP {status})",
            throttled=throttled,
            retry_after=self._client.http_client.last_header("Retry-After") if throttled else None,
        )

    def _transport_error(self, masked: str, exc: requests.RequestException) -> SmsResult:
        kind = type(exc).__name__
        if _request_may_have_gone_out(exc):
            logger.warning("SMS to %s: no answer from Twilio (%s); outcome unknown", masked, kind)
            return SmsResult(status="unknown", error=f"no answer from provider ({kind})")
        logger.warning("SMS to %s: could not reach Twilio (%s); will retry", masked, kind)
        return SmsResult(status="retry", error=f"provider unreachable ({kind})")

    def close(self) -> None:
        """Close pooled HTTP connections."""
        self._client.http_client.close()

    def __enter__(self) -> TwilioSms:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
