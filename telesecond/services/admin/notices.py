"""Plain emails to admins and specialists about verification and licences.

Subjects are neutral (the organisation and a topic, nothing clinical); bodies name no
patient. A failed send is logged and never undoes the decision already committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from telesecond.adapters import registry
from telesecond.adapters.mail import MailError
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.services import languages, links

log = logging.getLogger(__name__)

SUBJECTS = {
    "refused": _l("your specialist application"),
    "suspended": _l("your specialist account"),
    "expiring": _l("a licence expires soon"),
    "lapse_flags": _l("consultations need a licence review"),
    "opinion_due_soon": "a written opinion is due soon",
    "opinion_overdue": "a written opinion is overdue",
    "assistance": "your request for help with a fee",
}


def admins() -> list[Account]:
    """Every active admin account."""
    return list(
        db.session.scalars(select(Account).where(Account.role == "admin", Account.active.is_(True)))
    )


def send(kind: str, recipients: Iterable[Account], *, now: datetime, **context) -> int:
    """Email each recipient the ``kind`` notice, in their language; returns how many went out."""
    config = current_app.config
    organisation = config["ORGANISATION_NAME"]
    template = current_app.jinja_env.get_template(f"email/admin/{kind}.txt")
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or links.host()
    sent = 0
    for person in recipients:
        message = EmailMessage()
        message["From"] = config["MAIL_FROM"]
        message["To"] = person.email
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(idstring=kind, domain=domain)
        message["Auto-Submitted"] = "auto-generated"
        with languages.speaking(person):
            message["Subject"] = f"{organisation}: {SUBJECTS[kind]}"
            message.set_content(
                template.render(
                    organisation=organisation, recipient=person, absolute=links.absolute, **context
                )
            )
        try:
            registry.current().mail.send(message)
        except MailError as error:
            log.warning("%s notice to account %s not sent: %s", kind, person.id, error)
            continue
        sent += 1
    return sent
