"""Invitation emails (iMIP, RFC 6047): booked, moved and cancelled consultations.

Each email is multipart/mixed: a multipart/alternative with text, HTML and the calendar
(``text/calendar; method=REQUEST|CANCEL; charset=UTF-8``), then the same calendar as an
``invite.ics`` attachment for clients that only look at attachments. It comes From
``MAIL_FROM``, which the calendar names as ORGANIZER.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from flask_babel import lazy_gettext as _l

from telesecond.domain.invites import build_invite
from telesecond.models import Account, Consultation
from telesecond.services import languages, links
from telesecond.services.calendar.invite_content import invite_view
from telesecond.services.messages import (
    long_time,
    organisation,
    other_party,
    render,
    subject_time,
    support_contact,
    zone_of,
)

INVITE_KINDS = ("confirmation", "rescheduled", "cancelled")
# Subjects show in inbox lists and on lock screens: the organisation and the time only,
# never who the consultation is with (a specialist's name tells the specialty) or why.
_SUBJECTS = {
    "confirmation": _l("Your {organisation} consultation on {when}"),
    "rescheduled": _l("Moved: your {organisation} consultation, now on {when}"),
    "cancelled": _l("Cancelled: your {organisation} consultation on {when}"),
}


def invite_method(kind: str) -> str:
    """REQUEST for a booking or a move, CANCEL for a cancellation."""
    if kind not in INVITE_KINDS:
        raise ValueError(f"no invite email for kind {kind!r}")
    return "CANCEL" if kind == "cancelled" else "REQUEST"


def invite_subject(kind: str, consultation: Consultation, recipient: Account) -> str:
    """ "Your telesecond consultation on Mon 2 Mar 2026, 10:00 CET": no name, nothing clinical.

    In the language in force (``invite_email`` speaks the recipient's)."""
    when = subject_time(consultation.start, zone_of(recipient))
    return _SUBJECTS[kind].format(organisation=organisation(), when=when)


def recipient_address(account: Account) -> Address:
    """The account's address with its name, kept to one header line."""
    return Address(display_name=" ".join(account.full_name.split()), addr_spec=account.email)


def message_id(reminder_id: int | None, token: str) -> str:
    """A Message-ID under MAIL_FROM's domain, short enough for the outbox's provider_ref."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or links.host()
    local = f"r{reminder_id or 0}.{token}"
    if len(local) + len(domain) + 3 > 64:
        domain = domain[: max(1, 64 - len(local) - 3)].rstrip(".-")
    return f"<{local}@{domain}>"


def base_message(recipient: Account, subject: str, *, now: datetime, msgid: str) -> EmailMessage:
    """Headers every outgoing email shares."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = recipient_address(recipient)
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = msgid
    message["Auto-Submitted"] = "auto-generated"
    return message


def invite_email(
    kind: str, consultation: Consultation, recipient: Account, *, now: datetime, msgid: str
) -> EmailMessage:
    """The iMIP email for ``kind`` (confirmation, rescheduled, cancelled) to one participant.

    :raise ValueError: a REQUEST for a consultation that has since been cancelled.
    """
    with languages.speaking(recipient):
        return _invite_email(kind, consultation, recipient, now=now, msgid=msgid)


def _invite_email(
    kind: str, consultation: Consultation, recipient: Account, *, now: datetime, msgid: str
) -> EmailMessage:
    method = invite_method(kind)
    zone = zone_of(recipient)
    view = invite_view(consultation, timezone=zone.key, viewer_id=recipient.id)
    ics = build_invite(view, method=method, now=now)
    subject = invite_subject(kind, consultation, recipient)
    context = {
        "kind": kind,
        "title": subject,
        "organisation": organisation(),
        "recipient_name": " ".join(recipient.full_name.split()),
        "with_name": other_party(consultation, recipient),
        "when": long_time(consultation.start, zone),
        "join_url": links.join_url(consultation.id),
        "manage_url": links.consultation_url(consultation.id),
        "contact": support_contact(),
    }
    message = base_message(recipient, subject, now=now, msgid=msgid)
    message.set_content(render("email/invite.txt", **context))
    message.add_alternative(render("email/invite.html", **context), subtype="html")
    # The calendar part of the alternative: text/calendar with the iTIP method (RFC 6047 2.4).
    # Bytes, so the calendar keeps its CRLF line ends (RFC 5545 3.1) through base64.
    message.add_alternative(
        ics, maintype="text", subtype="calendar", params={"method": method, "charset": "UTF-8"}
    )
    message.make_mixed()
    message.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return message
