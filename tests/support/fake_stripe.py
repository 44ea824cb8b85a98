"""A fake Stripe API and hosted checkout page on loopback, reached by the real ``stripe``
library (``STRIPE_API_BASE = fake.base_url``).

Implemented, form-encoded as Stripe takes them, with ``Authorization: Bearer <key>`` and
``Idempotency-Key`` honoured (the same key answers the same response, nothing is made
twice):

- ``POST /v1/checkout/sessions``, ``GET /v1/checkout/sessions/{id}``,
  ``POST /v1/checkout/sessions/{id}/expire``;
- ``GET /v1/payment_intents/{id}``;
- ``POST /v1/refunds`` (no more than what is left of the payment).

The hosted page ``GET /pay/{session}`` shows the amount and a Pay button; pressing it
(``POST /pay/{session}``) completes the session, makes its PaymentIntent, delivers a
signed ``checkout.session.completed`` event to ``webhook_url`` (when set) and redirects
to the session's ``success_url``. Events are signed as Stripe signs them:
``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<payload>">``.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

TEST_SECRET_KEY = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"
TEST_WEBHOOK_SECRET = "whsec_" + "fake0123456789abcdef0123456789ab"

_SESSION = re.compile(r"^/v1/checkout/sessions/(?P<id>[^/]+)$")
_EXPIRE = re.compile(r"^/v1/checkout/sessions/(?P<id>[^/]+)/expire$")
_INTENT = re.compile(r"^/v1/payment_intents/(?P<id>[^/]+)$")
_PAY = re.compile(r"^/pay/(?P<id>[^/]+)$")


def sign(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for ``payload``."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def _nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][0][c]=v`` form fields as nested dicts (lists as dicts keyed by index)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


@dataclass
class StripeCall:
    """One API request as the fake saw it."""

    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    authorized: bool


@dataclass
class FakeStripe:
    """The fake's state: sessions, payment intents, refunds, the calls and events."""

    secret_key: str = TEST_SECRET_KEY
    webhook_secret: str = TEST_WEBHOOK_SECRET
    webhook_url: str | None = None
    calls: list[StripeCall] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    delivered: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._idempotent: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        self._fail_next: list[tuple[int, str]] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------

    def start(self) -> FakeStripe:
        fake = self

        class Handler(_Handler):
            stripe = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def app_config(self) -> dict[str, str]:
        """The settings that point an app at this fake."""
        return {
            "PAYMENTS_PROVIDER": "stripe",
            "STRIPE_SECRET_KEY": self.secret_key,
            "STRIPE_WEBHOOK_SECRET": self.webhook_secret,
            "STRIPE_API_BASE": self.base_url,
        }

    # -- what tests do ----------------------------------------------------------------

    def fail_next(self, status: int = 500, message: str = "Something went wrong") -> None:
        """Answer the next API call with an error."""
        self._fail_next.append((status, message))

    def created(self, kind: str) -> int:
        """How many objects a create call made (``sessions``, ``refunds``)."""
        return len(getattr(self, kind))

    def refunds_of(self, intent_id: str | None) -> list[dict[str, Any]]:
        return [r for r in self.refunds.values() if r["payment_intent"] == intent_id]

    def pay(self, session_id: str) -> tuple[bytes, dict[str, str]]:
        """Pay a session as the hosted page would; returns the signed event to deliver."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise AssertionError(f"session {session_id} is {session['status']}")
            intent = "pi_" + secrets.token_hex(12)
            self.intents[intent] = {
                "id": intent,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_received": session["amount_total"],
                "currency": session["currency"],
                "status": "succeeded",
                "metadata": session["metadata"],
            }
            session.update(status="complete", payment_status="paid", payment_intent=intent)
        return self.event("checkout.session.completed", session_id)

    def event(self, event_type: str, session_id: str) -> tuple[bytes, dict[str, str]]:
        """A signed event about a session (as it stands), ready to POST."""
        payload = json.dumps(
            {
                "id": "evt_" + secrets.token_hex(12),
                "object": "event",
                "api_version": "2025-01-27.acacia",
                "created": int(time.time()),
                "livemode": False,
                "pending_webhooks": 1,
                "type": event_type,
                "data": {"object": dict(self.sessions[session_id])},
            }
        ).encode()
        headers = {
            "Stripe-Signature": sign(payload, self.webhook_secret),
            "Content-Type": "application/json",
        }
        return payload, headers

    def deliver(self, payload: bytes, headers: dict[str, str]) -> int:
        """POST an event to ``webhook_url`` as Stripe would; returns the status code."""
        assert self.webhook_url, "set webhook_url first"
        answer = requests.post(self.webhook_url, data=payload, headers=headers, timeout=10)
        self.delivered.append((answer.status_code, json.loads(payload)))
        return answer.status_code

    # -- the API ----------------------------------------------------------------------

    def handle_api(self, call: StripeCall) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.calls.append(call)
            if not call.authorized:
                return _error(401, "Invalid API Key provided", "authentication_error")
            if self._fail_next:
                status, message = self._fail_next.pop(0)
                return _error(status, message, "api_error")
            if call.method == "POST" and call.idempotency_key:
                cached = self._idempotent.get((call.path, call.idempotency_key))
                if cached is not None:
                    return cached
            answer = self._route(call)
            if call.method == "POST" and call.idempotency_key and answer[0] < 500:
                self._idempotent[(call.path, call.idempotency_key)] = answer
            return answer

    def _route(self, call: StripeCall) -> tuple[int, dict[str, Any]]:
        if call.method == "POST" and call.path == "/v1/checkout/sessions":
            return self._create_session(call.params)
        if call.method == "POST" and call.path == "/v1/refunds":
            return self._create_refund(call.params)
        if call.method == "POST" and (m := _EXPIRE.match(call.path)):
            session = self.sessions.get(m["id"])
            if session is None:
                return _error(404, "No such checkout.session", code="resource_missing")
            if session["status"] != "open":
                return _error(400, f"Session is {session['status']}, not open")
            session["status"] = "expired"
            return 200, dict(session)
        if call.method == "GET" and (m := _SESSION.match(call.path)):
            session = self.sessions.get(m["id"])
            return (200, dict(session)) if session else _error(404, "No such checkout.session")
        if call.method == "GET" and (m := _INTENT.match(call.path)):
            intent = self.intents.get(m["id"])
            return (200, dict(intent)) if intent else _error(404, "No such payment_intent")
        return _error(404, f"Unrecognized request URL ({call.method}: {call.path})")

    def _create_session(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        try:
            item = params["line_items"]["0"]
            amount = int(item["price_data"]["unit_amount"])
            currency = item["price_data"]["currency"]
            success_url, cancel_url = params["success_url"], params["cancel_url"]
        except (KeyError, ValueError):
            return _error(400, "Missing line_items, success_url or cancel_url")
        session_id = "cs_test_" + secrets.token_hex(16)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "currency": currency,
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": int(params.get("expires_at", 0) or 0),
            "payment_intent": None,
            "url": f"{self.base_url}/pay/{session_id}",
            "product_name": item["price_data"].get("product_data", {}).get("name", ""),
        }
        self.sessions[session_id] = session
        return 200, dict(session)

    def _create_refund(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _error(400, "No such payment_intent", code="resource_missing")
        taken = sum(r["amount"] for r in self.refunds_of(intent["id"]))
        amount = int(params.get("amount") or intent["amount"] - taken)
        if amount <= 0 or taken + amount > intent["amount"]:
            return _error(400, "Refund amount is greater than unrefunded amount on charge")
        refund_id = "re_" + secrets.token_hex(12)
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
        }
        self.refunds[refund_id] = refund
        return 200, dict(refund)

    # -- the hosted page --------------------------------------------------------------

    def page(self, session_id: str) -> tuple[int, str]:
        session = self.sessions.get(session_id)
        if session is None:
            return 404, _html("Not found", "<p>This payment page does not exist.</p>")
        amount = f"{session['currency'].upper()} {session['amount_total'] / 100:.2f}"
        if session["status"] != "open":
            body = f"<p id='state'>This payment page is {html.escape(session['status'])}.</p>"
            return 200, _html("Payment", body)
        body = (
            f"<p>{html.escape(session['product_name'])}</p>"
            f"<p>Amount due: <strong id='amount'>{amount}</strong></p>"
            f"<form method='post' action='/pay/{session_id}'>"
            f"<button type='submit'>Pay {amount}</button></form>"
            f"<p><a href='{html.escape(session['cancel_url'])}'>Back</a></p>"
        )
        return 200, _html("Pay with the test card", body)


def _html(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>"
    )


def _error(
    status: int, message: str, kind: str = "invalid_request_error", code: str | None = None
) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": kind, "message": message, "code": code}}


class _Handler(BaseHTTPRequestHandler):
    stripe: FakeStripe
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet; tests inspect ``FakeStripe.calls``."""

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        try:
            url = urlsplit(self.path)
            body = self._body()
            if (m := _PAY.match(url.path)) is not None:
                self._hosted(m["id"])
                return
            pairs = parse_qsl(body.decode() or url.query, keep_blank_values=True)
            auth = self.headers.get("Authorization", "")
            call = StripeCall(
                method=self.command,
                path=url.path,
                params=_nested(pairs),
                idempotency_key=self.headers.get("Idempotency-Key"),
                authorized=hmac.compare_digest(auth, f"Bearer {self.stripe.secret_key}"),
            )
            status, answer = self.stripe.handle_api(call)
            self._send(status, json.dumps(answer).encode(), "application/json")
        except Exception as error:  # noqa: BLE001  (reported to the test by the fixture)
            self.stripe.errors.append(repr(error))
            self._send(500, b"{}", "application/json")

    def _hosted(self, session_id: str) -> None:
        if self.command == "POST":
            session = self.stripe.sessions.get(session_id)
            if session is None or session["status"] != "open":
                status, text = self.stripe.page(session_id)
                self._send(status, text.encode(), "text/html; charset=utf-8")
                return
            payload, headers = self.stripe.pay(session_id)
            if self.stripe.webhook_url:
                self.stripe.deliver(payload, headers)
            self.send_response(303)
            self.send_header("Location", session["success_url"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, text = self.stripe.page(session_id)
        self._send(status, text.encode(), "text/html; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", "req_" + secrets.token_hex(8))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()
