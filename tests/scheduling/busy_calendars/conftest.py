"""A real HTTP server on loopback that serves calendars, and an app allowed to reach it."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering
    send_length: bool = True  # False: no Content-Length, the body runs until the close
    headers: dict[str, str] = field(default_factory=dict)


class IcsServer:
    """Serves ``routes`` and remembers each request's path and headers."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    time.sleep(route.delay)
                conditional = self.headers.get("If-None-Match")
                if route.etag and conditional == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.send_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                # The client may stop reading early (size limit): expected.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = threading.Thread(
            target=self._server.serve_forever, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes = b"", **options) -> str:
        """Answer ``path`` with ``body``; returns the address."""
        self.routes[path] = Route(body=body, **options)
        return self.url(path)

    def hits(self, path: str) -> list[dict[str, str]]:
        """The headers of every request made for ``path``."""
        return [headers for seen, headers in self.requests if seen == path]

    def close(self) -> None:
        """Stop answering: later requests find nothing listening (idempotent)."""
        if self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._thread = None


@pytest.fixture
def ics_server():
    """A calendar server on 127.0.0.1 (a new port per test)."""
    server = IcsServer()
    yield server
    server.close()


@pytest.fixture
def unreachable_url() -> str:
    """An address on loopback where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/calendar.ics"


@pytest.fixture
def app(make_app, clock):
    """The app with the frozen clock, allowed to fetch calendars over http on loopback."""
    app = make_app(
        CLOCK=clock,
        BUSY_CALENDAR_ALLOW_LOCAL=True,
        BUSY_CALENDAR_MAX_BYTES=64 * 1024,
        BUSY_CALENDAR_TIMEOUT_SECONDS=2,
    )
    with app.app_context():
        yield app
