"""A fake Twilio REST API on loopback, reached by the real ``twilio`` client.

Point the app at it with ``TWILIO_API_BASE_URL = fake.base_url``; the
``BaseUrlTwilioHttpClient`` rewrites ``https://api.twilio.com/...`` onto it.

Implemented: ``POST /2010-04-01/Accounts/{sid}/Messages.json`` and
``GET /2010-04-01/Accounts/{sid}/Messages/{MessageSid}.json``, with HTTP basic
auth.  Other products can be added per test with :meth:`FakeTwilio.add_route`.
Errors use Twilio's JSON shape ``{"code", "message", "more_info", "status"}``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
import re
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_VERSION = "2010-04-01"
TEST_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TEST_AUTH_TOKEN = "a1b2c3d4" * 4
TEST_MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2
TEST_FROM_NUMBER = "+15005550006"

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_MESSAGES = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)/Messages\.json$")
_MESSAGE = re.compile(
    rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)/Messages/(?P<sid>[^/]+)\.json$"
)


@dataclass
class FakeRequest:
    """One HTTP request as the fake saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    form_lists: dict[str, list[str]]
    headers: dict[str, str]
    username: str | None
    # The client's end of the connection that carried it (host, port).
    peer: tuple[str, int] = ("", 0)
    authorized: bool = False
    match: dict[str, str] = field(default_factory=dict)
    # When the fake read it (``time.time()``).
    received_at: float = field(default_factory=time.time)

    @property
    def form(self) -> dict[str, str]:
        """Form fields, first value of each."""
        return {key: values[0] for key, values in self.form_lists.items()}

    @property
    def original_host(self) -> str | None:
        """The Twilio host the client meant (set by BaseUrlTwilioHttpClient)."""
        return self.headers.get("x-forwarded-host")


@dataclass(frozen=True)
class _Failure:
    status: int
    code: int | None
    message: str
    headers: tuple[tuple[str, str], ...] = ()


RouteHandler = Callable[[FakeRequest], tuple[int, dict[str, Any]]]


def twilio_error(status: int, code: int | None, message: str) -> dict[str, Any]:
    """Build an error body the way Twilio's REST API shapes it."""
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}" if code else None,
        "status": status,
    }


def _not_found(path: str) -> tuple[int, dict[str, Any]]:
    return 404, twilio_error(404, 20404, f"The requested resource {path} was not found")


class _Server(ThreadingHTTPServer):
    # Join handler threads in server_close(), so no socket outlives the fixture.
    daemon_threads = False
    block_on_close = True

    def __init__(self, fake: FakeTwilio) -> None:
        self.fake = fake
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__((fake.host, 0), _Handler)

    def hang_up(self) -> None:
        """End every open connection, so that handlers waiting for a next request return."""
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # the client has gone already
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.fake._record_server_error()


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive, as the real API: a client's pooled connection carries one
    # request after another (``FakeTwilio.stop`` hangs up on the idle ones). Nagle's
    # algorithm off, as headers and body are written separately.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 60
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet; tests inspect ``FakeTwilio.requests`` instead."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        outcome = self.server.fake._handle(self._read_request())
        if outcome is None:  # the fake is stopping during a scripted delay
            self.close_connection = True
        else:
            self._send_json(*outcome)

    def _read_request(self) -> FakeRequest:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        content_type = self.headers.get("Content-Type", "")
        form: dict[str, list[str]] = {}
        if raw and content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
        username, password = _basic_auth(self.headers.get("Authorization"))
        request = FakeRequest(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            form_lists=form,
            headers={key.lower(): value for key, value in self.headers.items()},
            username=username,
            peer=self.client_address[:2],
        )
        request.authorized = self.server.fake._check_auth(username, password)
        return request

    def _send_json(
        self, status: int, payload: dict[str, Any], headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Twilio-Request-Id", "RQ" + secrets.token_hex(16))
        self.end_headers()
        self.wfile.write(body)


def _basic_auth(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else (None, None)


class FakeTwilio:
    """The fake API server plus the scripts and records tests use.

    ``messages`` holds one dict per message the fake *accepted* (keys ``sid``,
    ``account_sid``, ``to``, ``from``, ``messaging_service_sid``, ``body``,
    ``status_callback``, ``validity_period``, ``media_url``, ``status``,
    ``date_created``, ``form``); ``requests`` holds every request, refused ones included.
    """

    def __init__(
        self,
        *,
        account_sid: str = TEST_ACCOUNT_SID,
        auth_token: str = TEST_AUTH_TOKEN,
        host: str = "127.0.0.1",
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.host = host
        self.port = 0
        self.messages: list[dict[str, Any]] = []
        self.requests: list[FakeRequest] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._failures: list[_Failure] = []
        self._number_failures: dict[str, _Failure] = {}
        self._delays: list[float] = []
        self._routes: list[tuple[str, re.Pattern[str], RouteHandler]] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: the value for ``TWILIO_API_BASE_URL``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeTwilio:
        """Bind a free port and serve in a background thread; returns self."""
        self._stopping.clear()
        self._server = _Server(self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-twilio",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end scripted delays, hang up, join threads, close the socket."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.hang_up()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def app_config(
        self,
        *,
        messaging_service_sid: str | None = TEST_MESSAGING_SERVICE_SID,
        from_number: str | None = None,
    ) -> dict[str, Any]:
        """Settings that send the app's SMS through this fake."""
        return {
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_MESSAGING_SERVICE_SID": messaging_service_sid,
            "TWILIO_FROM_NUMBER": from_number,
            "TWILIO_API_BASE_URL": self.base_url,
        }

    # -- scripting ----------------------------------------------------------------

    def fail_next(
        self, status: int = 400, code: int | None = 21211, message: str | None = None
    ) -> None:
        """Answer the next API request (after auth) with a Twilio error; calls queue up."""
        with self._lock:
            self._failures.append(_Failure(status, code, message or f"Scripted error {code}"))

    def throttle_next(
        self, n: int = 1, *, retry_after: str | int | None = 1, status: int = 429
    ) -> None:
        """Answer the next ``n`` API requests "too many requests" (Twilio 20429).

        ``retry_after`` (seconds, or an HTTP date as text) is sent as ``Retry-After``;
        None sends no such header. Queued with :meth:`fail_next`'s errors.
        """
        headers = () if retry_after is None else (("Retry-After", str(retry_after)),)
        failure = _Failure(status, 20429, "Too Many Requests", headers)
        with self._lock:
            self._failures.extend([failure] * n)

    def fail_for_number(
        self, to: str, *, code: int = 21610, status: int = 400, message: str | None = None
    ) -> None:
        """Refuse every message to ``to`` until :meth:`reset`."""
        text = message or f"Scripted error {code} for this recipient"
        with self._lock:
            self._number_failures[to] = _Failure(status, code, text)

    def delay_next(self, seconds: float) -> None:
        """Hold the next API response for ``seconds`` (the request is still processed)."""
        with self._lock:
            self._delays.append(seconds)

    def add_route(self, method: str, path_pattern: str, handler: RouteHandler) -> None:
        """Serve ``method`` on paths fully matching ``path_pattern`` (a regex).

        ``handler(request)`` returns ``(status, json_dict)``; named groups of
        the pattern are in ``request.match``.  Auth and scripted failures and
        delays apply as for the built-in routes.
        """
        with self._lock:
            self._routes.append((method.upper(), re.compile(path_pattern), handler))

    def reset(self) -> None:
        """Forget messages, requests, errors and every script (routes stay)."""
        with self._lock:
            self.messages.clear()
            self.requests.clear()
            self.errors.clear()
            self._failures.clear()
            self._number_failures.clear()
            self._delays.clear()

    # -- inspection ---------------------------------------------------------------

    def wait_for(self, n: int, timeout: float = 5) -> list[dict[str, Any]]:
        """Block until at least ``n`` messages were accepted; return them all."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {n} SMS at the fake Twilio within {timeout}s, "
                        f"got {len(self.messages)}"
                    )
                self._lock.wait(remaining)
            return list(self.messages)

    def messages_to(self, number: str) -> list[dict[str, Any]]:
        """Accepted messages addressed to ``number``."""
        with self._lock:
            return [m for m in self.messages if m["to"] == number]

    def messages_by_body(self) -> dict[str, list[dict[str, Any]]]:
        """Accepted messages grouped by body text."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        with self._lock:
            for message in self.messages:
                grouped.setdefault(message["body"], []).append(message)
        return grouped

    def count(self, *, to: str | None = None, body_contains: str | None = None) -> int:
        """Number of accepted messages matching the optional filters."""
        with self._lock:
            return sum(
                1
                for m in self.messages
                if (to is None or m["to"] == to)
                and (body_contains is None or body_contains in (m["body"] or ""))
            )

    # -- request handling (server threads) ----------------------------------------

    def _check_auth(self, username: str | None, password: str | None) -> bool:
        if username is None or password is None:
            return False
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        return hmac.compare_digest(f"{username}:{password}".encode(), expected)

    def _record_server_error(self) -> None:
        error = sys.exc_info()[1]
        # The client gave up (a timeout test) before the answer was written.
        if error is None or isinstance(error, ConnectionError | TimeoutError):
            return
        with self._lock:
            self.errors.append(error)

    def _handle(self, request: FakeRequest) -> tuple | None:
        with self._lock:
            self.requests.append(request)
        if not request.authorized:
            error = twilio_error(401, 20003, "Authenticate")
            error["detail"] = "Your AccountSid or AuthToken was incorrect."
            return 401, error
        route = self._route(request)
        if route is None:
            return _not_found(request.path)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            delay = self._delays.pop(0) if self._delays else 0.0
        outcome = (
            (
                failure.status,
                twilio_error(failure.status, failure.code, failure.message),
                failure.headers,
            )
            if failure
            else route(request)
        )
        if delay and self._stopping.wait(delay):
            return None
        return outcome

    def _route(self, request: FakeRequest) -> RouteHandler | None:
        with self._lock:
            routes = [
                *self._routes,
                ("POST", _MESSAGES, self._create_message),
                ("GET", _MESSAGE, self._fetch_message),
            ]
        for method, pattern, handler in routes:
            found = pattern.fullmatch(request.path)
            if found and method == request.method:
                request.match = found.groupdict()
                return handler
        return None

    def _wrong_account(self, request: FakeRequest) -> tuple[int, dict[str, Any]] | None:
        if request.match.get("account") == self.account_sid:
            return None
        return _not_found(request.path)

    def _create_message(self, request: FakeRequest) -> tuple[int, dict[str, Any]]:
        if (refused := self._wrong_account(request)) is not None:
            return refused
        form = request.form
        to = form.get("To", "")
        sender = form.get("From")
        service = form.get("MessagingServiceSid")
        body = form.get("Body")
        media = request.form_lists.get("MediaUrl", [])
        # Real Twilio echoes the number in 21211, which is why adapters must
        # not log provider messages verbatim.
        for broken, code, text in (
            (not to, 21604, "A 'To' phone number is required."),
            (not sender and not service, 21603, "A 'From' phone number is required."),
            (not body and not media, 21602, "Message body is required."),
            (not E164.match(to), 21211, f"The 'To' number {to} is not a valid phone number."),
        ):
            if broken:
                return 400, twilio_error(400, code, text)
        with self._lock:
            failure = self._number_failures.get(to)
        if failure is not None:
            return failure.status, twilio_error(failure.status, failure.code, failure.message)

        validity = form.get("ValidityPeriod")
        record = {
            "sid": "SM" + secrets.token_hex(16),
            "account_sid": self.account_sid,
            "to": to,
            "from": sender,
            "messaging_service_sid": service,
            "body": body,
            "status_callback": form.get("StatusCallback"),
            "validity_period": int(validity) if validity and validity.isdigit() else validity,
            "media_url": media,
            "status": "queued",
            "date_created": format_datetime(datetime.now(UTC)),
            "form": form,
        }
        with self._lock:
            self.messages.append(record)
            self._lock.notify_all()
        return 201, self._message_json(record)

    def _fetch_message(self, request: FakeRequest) -> tuple[int, dict[str, Any]]:
        if (refused := self._wrong_account(request)) is not None:
            return refused
        with self._lock:
            found = next((m for m in self.messages if m["sid"] == request.match["sid"]), None)
        if found is None:
            return _not_found(request.path)
        return 200, self._message_json(found)

    def _message_json(self, record: dict[str, Any]) -> dict[str, Any]:
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{record['sid']}.json"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": record["body"],
            "date_created": record["date_created"],
            "date_sent": None,
            "date_updated": record["date_created"],
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": record["from"],
            "messaging_service_sid": record["messaging_service_sid"],
            "num_media": str(len(record["media_url"])),
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": record["sid"],
            "status": record["status"],
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": record["to"],
            "uri": uri,
        }
