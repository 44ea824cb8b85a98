"""Mail adapters: SMTP against a real aiosmtpd server on loopback, and the console one."""

from __future__ import annotations

import io
import socket
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from telesecond.adapters.mail import ConsoleMail, MailError, SmtpMail
from telesecond.adapters.registry import build_mail_sender

PATIENT = "pat.ient@example.org"
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//telesecond//test//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:c-1@telesecond\r\nSEQUENCE:0\r\nDTSTART:20260303T090000Z\r\n"
    "DTEND:20260303T093000Z\r\nSUMMARY:Video consultation\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def invite_email() -> EmailMessage:
    """A booking email shaped like the app's: text + HTML alternative + iMIP invite."""
    message = EmailMessage()
    message["From"] = "Clinic <appointments@clinic.example>"
    message["To"] = f"Pat Ient <{PATIENT}>"
    message["Subject"] = "Your consultation on 3 March, 10:00 CET"
    message["Message-ID"] = make_msgid(domain="clinic.example")
    message.set_content("Your video consultation is booked.\nJoin: https://t.example/j/x\n")
    message.add_alternative("<p>Your video consultation is <b>booked</b>.</p>", subtype="html")
    message.add_attachment(
        ICS.encode(),
        maintype="text",
        subtype="calendar",
        filename="invite.ics",
        params={"method": "REQUEST"},
    )
    return message


def test_smtp_delivers_a_multipart_message(smtp_server) -> None:
    sent = invite_email()

    SmtpMail(smtp_server.host, smtp_server.port, timeout=5).send(sent)

    (received,) = smtp_server.wait_for(1)
    assert received.mail_from == "appointments@clinic.example"
    assert received.rcpt_tos == (PATIENT,)
    for header in ("From", "To", "Subject", "Message-ID"):
        assert received[header] == sent[header]
    assert received.get_content_type() == "multipart/mixed"
    alternative, invite = received.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert received.get_body(("plain",)).get_content().startswith("Your video consultation")
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    assert invite.get_filename() == "invite.ics"
    assert invite.get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")


def test_smtp_sends_to_cc_and_bcc_without_leaking_bcc(smtp_server) -> None:
    message = invite_email()
    message["Cc"] = "specialist@clinic.example"
    message["Bcc"] = "audit@clinic.example"

    SmtpMail(smtp_server.host, smtp_server.port, timeout=5).send(message)

    (received,) = smtp_server.wait_for(1)
    assert set(received.rcpt_tos) == {PATIENT, "specialist@clinic.example", "audit@clinic.example"}
    assert received["Bcc"] is None


def test_a_refused_connection_raises_a_transient_mail_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]

    with pytest.raises(MailError) as caught:
        SmtpMail("127.0.0.1", port, timeout=2).send(invite_email())

    assert caught.value.transient is True
    assert "127.0.0.1" in str(caught.value)
    assert PATIENT not in str(caught.value)
    assert "consultation" not in str(caught.value)


def test_starttls_against_a_server_without_it_is_a_mail_error(smtp_server) -> None:
    with pytest.raises(MailError, match="SMTPNotSupportedError") as caught:
        SmtpMail(smtp_server.host, smtp_server.port, starttls=True, timeout=5).send(invite_email())
    assert PATIENT not in str(caught.value)
    assert smtp_server.messages == []


def test_smtp_rejects_contradictory_options() -> None:
    with pytest.raises(ValueError, match="not both"):
        SmtpMail("localhost", 25, starttls=True, use_tls=True)
    with pytest.raises(ValueError, match="go together"):
        SmtpMail("localhost", 25, username="clinic")


# --- choosing a sender ---------------------------------------------------------------


def test_build_picks_smtp_from_settings(smtp_server) -> None:
    sender = build_mail_sender(smtp_server.app_config())
    assert isinstance(sender, SmtpMail)
    assert (sender.host, sender.port, sender.starttls) == (
        smtp_server.host,
        smtp_server.port,
        False,
    )

    sender.send(invite_email())

    assert len(smtp_server.wait_for(1)) == 1


@pytest.mark.parametrize(
    ("config", "port", "starttls", "use_tls"),
    [
        ({"SMTP_STARTTLS": True}, 587, True, False),
        ({"SMTP_STARTTLS": "yes"}, 587, True, False),
        ({"SMTP_USE_TLS": True}, 465, False, True),
        ({}, 25, False, False),
        ({"SMTP_PORT": 2525, "SMTP_STARTTLS": False}, 2525, False, False),
    ],
)
def test_build_defaults_the_port_from_the_tls_mode(
    config: dict, port: int, starttls: bool, use_tls: bool
) -> None:
    sender = build_mail_sender({"MAIL_BACKEND": "smtp", "SMTP_HOST": "mail.example", **config})
    assert isinstance(sender, SmtpMail)
    assert (sender.port, sender.starttls, sender.use_tls) == (port, starttls, use_tls)


@pytest.mark.parametrize("config", [{}, {"MAIL_BACKEND": "console"}, {"MAIL_BACKEND": "CONSOLE"}])
def test_build_defaults_to_console(config: dict) -> None:
    assert isinstance(build_mail_sender(config), ConsoleMail)


@pytest.mark.parametrize(
    ("config", "complaint"),
    [
        ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND must be"),
        ({"MAIL_BACKEND": "smtp"}, "SMTP_HOST"),
        (
            {"MAIL_BACKEND": "smtp", "SMTP_HOST": "h", "SMTP_USERNAME": "u"},
            "SMTP_USERNAME and SMTP_PASSWORD",
        ),
    ],
)
def test_build_rejects_bad_settings(config: dict, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        build_mail_sender(config)


# --- console --------------------------------------------------------------------------


def test_console_prints_headers_text_and_parts() -> None:
    stream = io.StringIO()
    mail = ConsoleMail(stream)
    message = invite_email()

    mail.send(message)

    printed = stream.getvalue()
    assert f"To: Pat Ient <{PATIENT}>" in printed
    assert "Subject: Your consultation on 3 March, 10:00 CET" in printed
    assert "Join: https://t.example/j/x" in printed
    assert "[part text/calendar name=invite.ics method=REQUEST]" in printed
    assert "[part text/html]" in printed
    assert "<b>booked</b>" not in printed  # only the text part is shown
    assert mail.sent == [message]


def test_console_writes_to_stdout_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    message = EmailMessage()
    message["Subject"] = "Plain"
    message.set_content("Only text\n")

    ConsoleMail().send(message)

    out = capsys.readouterr().out
    assert "Subject: Plain" in out
    assert "Only text" in out
    assert "[part" not in out
