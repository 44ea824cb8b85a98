"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

from __future__ import annotations

import threading
import time
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


class ReceivedMessage(EmailMessage):
    """A parsed message plus its SMTP envelope.

    The parser builds every MIME part with this class, so sub-parts carry empty
    envelope attributes; only the top-level message has them filled in.
    """

    mail_from: str = ""
    rcpt_tos: tuple[str, ...] = ()
    raw: bytes = b""  # the DATA as received, CRLF line ends


class _CollectingHandler:
    def __init__(self, sink: SmtpTestServer) -> None:
        self._sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        scripted = self._sink._next_reply()
        if scripted is not None:  # a scripted refusal: the message is not kept
            return scripted
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):  # only when decode_data=True, kept for safety
            raw = raw.encode("utf-8", "surrogateescape")
        # Wire format uses CRLF; tests compare text with "\n", so parse LF lines.
        # Parts travel base64/quoted-printable encoded, so this cannot corrupt them.
        parser = BytesParser(_class=ReceivedMessage, policy=default_policy)
        message = parser.parsebytes(raw.replace(b"\r\n", b"\n"))
        message.raw = raw
        message.mail_from = envelope.mail_from
        message.rcpt_tos = tuple(envelope.rcpt_tos)
        self._sink._store(message)
        return "250 Message accepted for delivery"


class _LoopbackController(Controller):
    """Controller that can listen on port 0 and learn the port the OS picked."""

    def _trigger_server(self) -> None:
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpTestServer:
    """aiosmtpd on 127.0.0.1 with a free port; ``messages`` fills as mail arrives."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.messages: list[ReceivedMessage] = []
        self._arrived = threading.Condition()
        # server_hostname skips aiosmtpd's socket.getfqdn() (a DNS lookup).
        self._controller = _LoopbackController(
            _CollectingHandler(self),
            hostname=host,
            port=0,
            server_hostname="localhost",
            ready_timeout=5.0,
        )
        self._running = False
        self._replies: list[str] = []
        self.refused = 0

    def answer_next(self, *replies: str) -> None:
        """Answer the next messages' DATA with these replies (``"451 4.3.0 Try later"``)
        instead of accepting them; one reply per message, in order."""
        with self._arrived:
            self._replies.extend(replies)

    def _next_reply(self) -> str | None:
        with self._arrived:
            if not self._replies:
                return None
            self.refused += 1
            return self._replies.pop(0)

    def start(self) -> SmtpTestServer:
        """Start listening; returns self."""
        self._controller.start()
        self.port = self._controller.port
        self._running = True
        return self

    def stop(self) -> None:
        """Stop the server thread and close its sockets and event loop."""
        if self._running:
            self._running = False
            self._controller.stop()

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _store(self, message: ReceivedMessage) -> None:
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()

    def wait_for(self, n: int, timeout: float = 5) -> list[ReceivedMessage]:
        """Block until at least ``n`` messages arrived; return them all.

        :raise AssertionError: if fewer than ``n`` arrive within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {n} email(s) at {self.host}:{self.port} within "
                        f"{timeout}s, got {len(self.messages)}"
                    )
                self._arrived.wait(remaining)
            return list(self.messages)

    def messages_to(self, address: str) -> list[ReceivedMessage]:
        """Messages whose envelope recipients include ``address`` (case-insensitive)."""
        wanted = address.lower()
        with self._arrived:
            return [m for m in self.messages if wanted in (r.lower() for r in m.rcpt_tos)]

    def clear(self) -> None:
        """Forget the messages received so far."""
        with self._arrived:
            self.messages.clear()

    def app_config(self) -> dict[str, Any]:
        """Settings that send the app's mail to this server."""
        return {
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": self.host,
            "SMTP_PORT": self.port,
            "SMTP_USERNAME": None,
            "SMTP_PASSWORD": None,
            "SMTP_STARTTLS": False,
        }
