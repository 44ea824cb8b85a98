"""Email: a tiny sending interface, SMTP and console implementations.

Messages are built by the caller as ``email.message.EmailMessage`` (stdlib),
so the iMIP invite parts and headers are the caller's business; a sender only
delivers.  :class:`MailError` messages name the failure, never a recipient.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
from email.message import EmailMessage
from typing import Protocol, TextIO

logger = logging.getLogger(__name__)


class MailError(Exception):
    """Delivery to the SMTP server failed; the text carries no personal data.

    ``transient`` is True when trying again later may succeed (connection
    trouble, 4xx replies); ``smtp_code`` is the server's reply code if any.
    """

    def __init__(self, message: str, *, transient: bool, smtp_code: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.smtp_code = smtp_code


class MailSender(Protocol):
    """Anything that can deliver an email."""

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message``; raise :class:`MailError` on failure."""
        ...


class ConsoleMail:
    """Development sender: prints headers and the text part to a stream."""

    HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID")

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        """Print ``message`` (headers, plain text body, list of other parts)."""
        lines = ["----- email (console backend, not sent) -----"]
        lines += [f"{name}: {message[name]}" for name in self.HEADERS if message[name] is not None]
        text = message.get_body(preferencelist=("plain",))
        lines.append("")
        lines.append(text.get_content().rstrip("\n") if text is not None else "(no text part)")
        others = [
            part
            for part in message.walk()
            if not part.is_multipart() and part is not text and part is not message
        ]
        if others:
            lines.append("")
        for part in others:
            name = part.get_filename()
            method = part.get_param("method")
            detail = (f" name={name}" if name else "") + (f" method={method}" if method else "")
            lines.append(f"[part {part.get_content_type()}{detail}]")
        lines.append("-" * 46)
        print("\n".join(lines), file=self._stream or sys.stdout, flush=True)
        self.sent.append(message)


class SmtpMail:
    """Delivers through an SMTP server with ``smtplib``, one connection per message."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        use_tls: bool = False,
        timeout: float = 10,
    ) -> None:
        if starttls and use_tls:
            raise ValueError("choose STARTTLS or implicit TLS, not both")
        if (username is None) != (password is None):
            raise ValueError("SMTP username and password go together")
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.starttls = starttls
        self.use_tls = use_tls
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        if self.use_tls:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` to the server.

        :raise MailError: on any connection, TLS, authentication or SMTP failure.
        """
        where = f"{self.host}:{self.port}"
        try:
            with self._connect() as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username is not None and self.password is not None:
                    smtp.login(self.username, self.password)
                refused = smtp.send_message(message)
        except smtplib.SMTPResponseException as exc:
            # Reply text may quote an address, so only the code goes out.
            code = exc.smtp_code
            raise MailError(
                f"SMTP server {where} refused the message (reply {code})",
                transient=400 <= code < 500,
                smtp_code=code,
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise MailError(
                f"SMTP server {where} refused every recipient (replies {codes})",
                transient=all(400 <= code < 500 for code in codes),
                smtp_code=codes[0] if codes else None,
            ) from None
        except smtplib.SMTPException as exc:
            raise MailError(
                f"SMTP conversation with {where} failed ({type(exc).__name__})", transient=True
            ) from exc
        except OSError as exc:  # refused, timeout, TLS (ssl.SSLError is an OSError)
            raise MailError(
                f"could not deliver mail through {where} ({type(exc).__name__})", transient=True
            ) from exc
        if refused:
            # Partial success: the message went out; name how many were refused, not who.
            logger.warning("SMTP server %s refused %d of the recipients", where, len(refused))
