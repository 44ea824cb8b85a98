"""The email that tells a patient their booking was not completed (payment not made).

Sent after the commit that freed the slot. The subject is neutral and nothing clinical
is in it; a failed send is logged without the address.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from flask_babel import gettext as _

from telesecond.adapters import registry
from telesecond.adapters.mail import MailError
from telesecond.models import Payment
from telesecond.services import languages, links
from telesecond.services.messages import long_time, organisation, render, zone_of

log = logging.getLogger(__name__)


def released_email(payment: Payment, *, now: datetime) -> EmailMessage:
    """The email for a payment that lapsed or failed: the time is free again (in the
    patient's language)."""
    with languages.speaking(payment.patient):
        return _released_email(payment, now=now)


def _released_email(payment: Payment, *, now: datetime) -> EmailMessage:
    patient, consultation = payment.patient, payment.consultation
    subject = _("Your %(organisation)s booking was not completed", organisation=organisation())
    values = {
        "subject": subject,
        "organisation": organisation(),
        "recipient_name": " ".join(patient.full_name.split()),
        "specialist_name": consultation.specialist.full_name,
        "when": long_time(consultation.start, zone_of(patient)),
        "failed": payment.status == "failed",
        "book_url": links.absolute(f"/specialists/{consultation.specialist_id}"),
    }
    message = EmailMessage()
    mail_from = current_app.config["MAIL_FROM"]
    message["From"] = mail_from
    message["To"] = Address(display_name=values["recipient_name"], addr_spec=patient.email)
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or links.host()
    message["Message-ID"] = make_msgid(idstring="payment", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render("payments/email_released.txt", **values))
    message.add_alternative(render("payments/email_released.html", **values), subtype="html")
    return message


def send_released(payment: Payment, *, now: datetime) -> bool:
    """Tell the patient the booking was not completed; False (logged) when it failed."""
    try:
        registry.current().mail.send(released_email(payment, now=now))
    except MailError as error:
        log.warning("payment %s: released email not sent: %s", payment.id, error)
        return False
    return True
