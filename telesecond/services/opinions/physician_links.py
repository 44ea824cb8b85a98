"""The patient shares the opinion with their own doctor by a secret, expiring link.

The email to the doctor carries only the link (the opinion could sit forever in any
mailbox it passes through); the link opens a read-only page for ``LINK_DAYS``, every
open is audited, and the patient can withdraw it at any time. Only the SHA-256 of the
token is stored. A new link replaces the patient's earlier ones for the consultation.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from sqlalchemy import select, update

from telesecond.adapters import registry
from telesecond.adapters.mail import MailError, MailSender
from telesecond.domain.accounts import normalize_email
from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import Account, Consultation, Opinion
from telesecond.models.physician_link import PhysicianLink
from telesecond.services import audit, links
from telesecond.services.consultations import access
from telesecond.services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from telesecond.services.opinions.second_opinion import NOT_YET, PHYSICIAN_SUBJECT, OpinionOf

log = logging.getLogger(__name__)

LINK_DAYS = 30
TOKEN_BYTES = 32
GONE = "This link is not valid. It may have expired or been withdrawn by the patient."


class MailUnavailable(ServiceError):
    """The email could not be handed to the mail server; nothing was recorded."""

    status = 503
    title = "Service unavailable"


@dataclass(frozen=True)
class SharedLink:
    """A new link: its address (shown once) and when it stops working."""

    url: str
    expires_at: datetime
    emailed: bool


def link_url(token: str) -> str:
    return links.absolute(f"/opinions/shared/{token}")


def _patients_opinion(patient: Account, consultation_id: int) -> Consultation:
    consultation = access.get_for(patient, consultation_id)
    if patient.id != consultation.patient_id:
        raise Forbidden("Only the patient can share the opinion with their doctor.")
    if db.session.get(Opinion, consultation.id) is None:
        raise NotFound(NOT_YET)
    return consultation


def _revoke_live(consultation_id: int, now: datetime) -> int:
    return db.session.execute(
        update(PhysicianLink)
        .where(
            PhysicianLink.consultation_id == consultation_id,
            PhysicianLink.revoked_at.is_(None),
            PhysicianLink.expires_at > now,
        )
        .values(revoked_at=now)
    ).rowcount


def create(
    patient: Account,
    consultation_id: int,
    *,
    physician_email: str | None,
    now: datetime,
    ip: str | None = None,
    mailer: MailSender | None = None,
) -> SharedLink:
    """A new link to the opinion (earlier ones withdrawn), emailed when an address is given.

    :raise Invalid: a malformed address. :raise NotFound: not yours, or no opinion yet.
    """
    consultation = _patients_opinion(patient, consultation_id)
    address = None
    if physician_email is not None and physician_email.strip():
        address = normalize_email(physician_email.replace("\x00", "").strip())
        if address is None or len(address) > 254:
            raise Invalid.field(
                "physician_email", "Enter your doctor's email address, like name@example.org."
            )
    _revoke_live(consultation.id, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = PhysicianLink(
        consultation_id=consultation.id,
        token_hash=digest(token),
        physician_email=address,
        created_by_id=patient.id,
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS),
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        "opinion.physician_link_created",
        actor_id=patient.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
        detail={"link_id": link.id, "emailed": address is not None},
    )
    db.session.commit()
    emailed = address is not None and _send(link, consultation, token, now, mailer)
    return SharedLink(link_url(token), link.expires_at, emailed)


def _send(
    link: PhysicianLink,
    consultation: Consultation,
    token: str,
    now: datetime,
    mailer: MailSender | None,
) -> bool:
    """Email the link (no opinion text, no diagnosis; the subject names nobody)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = Address(addr_spec=link.physician_email)
    message["Subject"] = PHYSICIAN_SUBJECT
    message["Date"] = format_datetime(now)
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or links.host()
    message["Message-ID"] = make_msgid(idstring="opinion", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        current_app.jinja_env.get_template("email/physician_link.txt").render(
            organisation=config["ORGANISATION_NAME"],
            patient_name=" ".join(consultation.patient.full_name.split()),
            link=link_url(token),
            expires=f"{link.expires_at:%d %B %Y}",
        )
    )
    try:
        (mailer or registry.current().mail).send(message)
    except MailError as error:
        log.warning("physician link %s: email not sent: %s", link.id, error)
        return False
    return True


def revoke(patient: Account, consultation_id: int, *, now: datetime, ip: str | None = None) -> None:
    """Withdraw every live link to the consultation's opinion at once."""
    consultation = access.get_for(patient, consultation_id)
    if patient.id != consultation.patient_id:
        raise Forbidden("Only the patient can withdraw the link to the opinion.")
    if _revoke_live(consultation.id, now):
        audit.record(
            "opinion.physician_link_revoked",
            actor_id=patient.id,
            target_type="consultation",
            target_id=consultation.id,
            ip=ip,
        )
    db.session.commit()


def open_shared(token: str, *, now: datetime, ip: str | None) -> OpinionOf:
    """The opinion behind a live link; every open is audited.

    :raise NotFound: unknown, withdrawn or expired link, or the opinion is gone.
    """
    link = None
    if token and len(token) <= 100:
        link = db.session.scalar(
            select(PhysicianLink).where(PhysicianLink.token_hash == digest(token))
        )
    if link is None or link.revoked_at is not None or link.expires_at <= now:
        raise NotFound(GONE)
    opinion = db.session.get(Opinion, link.consultation_id)
    if opinion is None:
        raise NotFound(GONE)
    link.last_opened_at = now
    audit.record(
        "opinion.viewed_by_physician_link",
        actor_id=None,
        target_type="consultation",
        target_id=link.consultation_id,
        ip=ip,
        detail={"link_id": link.id},
    )
    db.session.commit()
    return OpinionOf(link.consultation, opinion)


def send_to_physician(
    actor: Account,
    consultation_id: int,
    *,
    mailer: MailSender,
    mail_from: str,
    ip: str | None,
    organisation: str = "telesecond",
    now: datetime,
) -> Opinion:
    """Email the doctor the patient named (and agreed to share with) a link to the opinion.

    The link is secret and expires (``LINK_DAYS``); sending again makes a new link and
    withdraws the old one. Each send is recorded.

    :raise Forbidden: not the patient. :raise Conflict: sharing was not agreed or no
        address was given. :raise NotFound: no opinion yet.
    :raise MailUnavailable: the mail server did not take the message (nothing recorded).
    """
    consultation = access.get_for(actor, consultation_id)
    if actor.id != consultation.patient_id:
        raise Forbidden("Only the patient can send the opinion to their doctor.")
    if not consultation.share_with_physician or not consultation.physician_contact.strip():
        raise Conflict(
            "You did not ask for the opinion to be shared with your doctor when "
            "booking, so we cannot send it."
        )
    opinion = db.session.get(Opinion, consultation.id)
    if opinion is None:
        raise NotFound(NOT_YET)
    # The email carries a secret, expiring link, never the opinion itself.
    shared = create(
        actor,
        consultation_id,
        physician_email=consultation.physician_contact,
        now=now,
        ip=ip,
        mailer=mailer,
    )
    if not shared.emailed:
        revoke(actor, consultation_id, now=now, ip=ip)
        log.warning(
            "opinion for consultation %s not sent: the mail server refused", consultation_id
        )
        raise MailUnavailable(
            "We could not send the email just now. Nothing was sent; please try again later."
        )
    opinion = db.session.get(Opinion, consultation.id)
    opinion.sent_to_physician_at = now
    audit.record(
        "opinion.sent_to_physician",
        actor_id=actor.id,
        target_type="consultation",
        target_id=consultation.id,
        ip=ip,
    )
    db.session.commit()
    return opinion
