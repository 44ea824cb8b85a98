"""Serve a WSGI app (Flask) on loopback in a background thread for browser/HTTP tests."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the per-request access log line (errors still log)."""

    protocol_version = "HTTP/1.1"  # keep-alive, as browsers expect from a threaded server

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip access logging; tests assert on responses instead."""


class LiveServer:
    """A running server: ``url`` is ``http://127.0.0.1:<port>`` (no trailing slash)."""

    def __init__(self, server: BaseWSGIServer) -> None:
        self._server = server
        self.host = "127.0.0.1"
        self.port: int = server.server_address[1]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"live-server-{self.port}",
            daemon=True,
        )
        self._stopped = False

    def _start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting requests and close the listening socket (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_live_server(app: Any) -> LiveServer:
    """Serve ``app`` with werkzeug (threaded) on 127.0.0.1 and a free port.

    Call ``stop()`` when done (or use the result as a context manager).  The
    app runs in other threads: anything it shares with the test (an SQLite
    in-memory database, for one) must be safe to share.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(server)
    live._start()
    return live
