"""A fake Daily REST API on loopback, reached through ``requests`` by the Daily provider.

Implemented: ``POST /rooms``, ``GET/POST/DELETE /rooms/{name}``, ``POST /meeting-tokens``,
with bearer-key auth and Daily's error shape ``{"error", "info"}``. Meeting tokens are
HS256 JWTs signed with the API key, as Daily's are, so tests can read their claims.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

API_KEY = "daily-test-key-0123456789abcdef0123456789"
_ROOM = re.compile(r"^/v1/rooms/(?P<name>[A-Za-z0-9_-]+)$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``FakeDaily.requests``."""

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        outcome = self.server.fake.handle(
            self.command, self.path, body, self.headers.get("Authorization")
        )
        if outcome is None:  # stopping during a scripted delay
            return
        status, payload = outcome
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, fake: FakeDaily) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            self.fake.errors.append(error)


class FakeDaily:
    """Rooms and tokens in memory, plus scripted failures and delays."""

    def __init__(self) -> None:
        self.rooms: dict[str, dict[str, Any]] = {}
        self.tokens: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, Any]] = []
        self.errors: list[BaseException | None] = []
        self._failures: list[tuple[int, Any]] = []
        self._delays: list[float] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def app_config(self) -> dict[str, Any]:
        return {
            "VIDEO_PROVIDER": "daily",
            "DAILY_API_KEY": API_KEY,
            "DAILY_API_BASE_URL": self.base_url,
            "VIDEO_PROVIDER_TIMEOUT_SECONDS": 1,
        }

    def __enter__(self) -> FakeDaily:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def fail_next(self, status: int, payload: Any = None) -> None:
        """Answer the next request with ``status`` (and ``payload``, or Daily's error shape)."""
        with self._lock:
            self._failures.append((status, payload))

    def delay_next(self, seconds: float) -> None:
        with self._lock:
            self._delays.append(seconds)

    def count(self, method: str, prefix: str) -> int:
        with self._lock:
            return sum(1 for m, p, _ in self.requests if m == method and p.startswith(prefix))

    def handle(self, method: str, path: str, body: Any, auth: str | None):
        with self._lock:
            self.requests.append((method, path, body))
            failure = self._failures.pop(0) if self._failures else None
            delay = self._delays.pop(0) if self._delays else 0.0
        if delay and self._stopping.wait(delay):
            return None
        if auth != f"Bearer {API_KEY}":
            return 401, {"error": "authentication-error", "info": "bad API key"}
        if failure is not None:
            status, payload = failure
            return status, payload if payload is not None else {"error": "server-error"}
        if method == "POST" and path == "/v1/rooms":
            return self._create(body)
        if method == "POST" and path == "/v1/meeting-tokens":
            return self._token(body)
        found = _ROOM.fullmatch(path)
        if not found:
            return 404, {"error": "not-found"}
        name = found["name"]
        with self._lock:
            room = self.rooms.get(name)
            if room is None:
                return 404, {"error": "not-found", "info": f"room {name} not found"}
            if method == "GET":
                return 200, room
            if method == "DELETE":
                del self.rooms[name]
                return 200, {"deleted": True, "name": name}
            room["config"].update((body or {}).get("properties", {}))
            return 200, room

    def _create(self, body: Any):
        name = body.get("name")
        with self._lock:
            if name in self.rooms:
                return 400, {
                    "error": "invalid-request-error",
                    "info": f"a room named {name} already exists",
                }
            room = {
                "id": f"id-{len(self.rooms) + 1}",
                "name": name,
                "url": f"https://telesecond-test.daily.co/{name}",
                "privacy": body.get("privacy", "public"),
                "config": dict(body.get("properties", {})),
            }
            self.rooms[name] = room
        return 200, room

    def _token(self, body: Any):
        properties = (body or {}).get("properties", {})
        with self._lock:
            if properties.get("room_name") not in self.rooms:
                return 400, {"error": "invalid-request-error", "info": "unknown room"}
            self.tokens.append(properties)
        return 200, {"token": jwt.encode({"r": properties["room_name"], **properties}, API_KEY)}
