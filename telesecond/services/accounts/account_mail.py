"""The emails of an account's lifecycle: confirm the address, "you already have an
account", reset the password, "your password was changed".

They leave during the request, through the mail adapter (``MAIL_BACKEND``). Subjects are
neutral and nothing clinical is in any of them; a failed send is logged without the
address, and the use case goes on (the person can ask again).
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from flask_babel import lazy_gettext as _l

from telesecond.adapters import registry
from telesecond.adapters.mail import MailError
from telesecond.models import Account
from telesecond.services import languages, links
from telesecond.services.messages import organisation, render, support_contact

log = logging.getLogger(__name__)

SUBJECTS = {
    "verify_email": _l("Confirm your {organisation} email address"),
    "account_exists": _l("About your {organisation} account"),
    "password_reset": _l("Reset your {organisation} password"),
    "password_changed": _l("Your {organisation} password was changed"),
}


def verify_url(raw: str) -> str:
    return links.absolute(f"/verify-email/{raw}")


def reset_url(raw: str) -> str:
    return links.absolute(f"/reset-password/{raw}")


def build(kind: str, recipient: Account, *, now: datetime, **context: object) -> EmailMessage:
    """The email of ``kind`` (a key of ``SUBJECTS``) to the account's address, in the
    account's language."""
    with languages.speaking(recipient):
        return _build(kind, recipient, now=now, **context)


def _build(kind: str, recipient: Account, *, now: datetime, **context: object) -> EmailMessage:
    subject = SUBJECTS[kind].format(organisation=organisation())
    values = {
        "subject": subject,
        "organisation": organisation(),
        "recipient_name": " ".join(recipient.full_name.split()),
        "contact": support_contact(),
        "login_url": links.absolute("/login"),
        "reset_url": links.absolute("/forgot-password"),
        **context,
    }
    message = EmailMessage()
    mail_from = current_app.config["MAIL_FROM"]
    message["From"] = mail_from
    message["To"] = Address(display_name=values["recipient_name"], addr_spec=recipient.email)
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or links.host()
    message["Message-ID"] = make_msgid(idstring="account", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render(f"email/{kind}.txt", **values))
    message.add_alternative(render(f"email/{kind}.html", **values), subtype="html")
    return message


def send(kind: str, recipient: Account, *, now: datetime, **context: object) -> bool:
    """Build and send the email of ``kind``; False (logged, no address) when it failed."""
    message = build(kind, recipient, now=now, **context)
    try:
        registry.current().mail.send(message)
    except MailError as error:
        log.warning("account %s: %s email not sent: %s", recipient.id, kind, error)
        return False
    return True
