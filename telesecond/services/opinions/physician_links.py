"""The patient shares the opinion with their own doctor by a secret, expiring link.

The email to the doctor carries only the link (the opinion could sit forever in any
mailbox it passes through); the link opens a read-only page for ``PHYSICIAN_LINK_DAYS``,
every open is audited, and the patient can withdraw it at any time. Only the SHA-256 of
the token is stored. A new link replaces the patient's earlier ones for the consultation.
Where the clinic asks for it (``PHYSICIAN_LINK_CHECK``), the doctor first answers a check
(physician_link_checks.py).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
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
from telesecond.services.opinions import physician_link_checks as checks
from telesecond.services.opinions.second_opinion import NOT_YET, PHYSICIAN_SUBJECT, OpinionOf

log = logging.getLogger(__name__)

TOKEN_BYTES = 32
GONE = _l("This link is not valid. It may have expired or been withdrawn by the patient.")
CODE_SUBJECT = "Your access code for a shared second opinion"


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
        raise Forbidden(_("Only the patient can share the opinion with their doctor."))
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
                "physician_email", _("Enter your doctor's email address, like name@example.org.")
            )
    config = current_app.config
    check = config["PHYSICIAN_LINK_CHECK"]
    code = None
    if check == "code":
        # The code travels in its own email, so the doctor's address is needed.
        address = address or normalize_email(consultation.physician_contact or "")
        if address is None:
            raise Invalid.field(
                "physician_email",
                _(
                    "Give your doctor's email address: they get the link and, in a second "
                    "email, the code that opens it."
                ),
            )
        code = checks.new_code()
    elif check == "birth_date" and consultation.patient_birth_date is None:
        raise Conflict(
            _(
                "Your doctor will be asked for your date of birth before the opinion opens. "
                "Add it to your doctor's details on the consultation page first."
            )
        )
    _revoke_live(consultation.id, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = PhysicianLink(
        consultation_id=consultation.id,
        token_hash=digest(token),
        physician_email=address,
        created_by_id=patient.id,
        created_at=now,
        expires_at=now + timedelta(days=config["PHYSICIAN_LINK_DAYS"]),
        check_kind=check,
        check_code_hash=checks.code_hash(code) if code else None,
        failed_checks=0,
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
    if emailed and code is not None:
        emailed = _send_code(link, code, now, mailer)
    return SharedLink(link_url(token), link.expires_at, emailed)


def _mail(link: PhysicianLink, subject: str, body: str, now: datetime, mailer) -> bool:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = Address(addr_spec=link.physician_email)
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or links.host()
    message["Message-ID"] = make_msgid(idstring="opinion", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    try:
        (mailer or registry.current().mail).send(message)
    except MailError as error:
        log.warning("physician link %s: email not sent: %s", link.id, error)
        return False
    return True


def _send(
    link: PhysicianLink,
    consultation: Consultation,
    token: str,
    now: datetime,
    mailer: MailSender | None,
) -> bool:
    """Email the link (no opinion text, no diagnosis; the subject names nobody)."""
    body = current_app.jinja_env.get_template("email/physician_link.txt").render(
        organisation=current_app.config["ORGANISATION_NAME"],
        patient_name=" ".join(consultation.patient.full_name.split()),
        link=link_url(token),
        expires=f"{link.expires_at:%d %B %Y}",
        check=link.check_kind,
    )
    return _mail(link, PHYSICIAN_SUBJECT, body, now, mailer)


def _send_code(link: PhysicianLink, code: str, now: datetime, mailer: MailSender | None) -> bool:
    """The second email: the access code alone, without the link or any name."""
    body = current_app.jinja_env.get_template("email/physician_code.txt").render(
        organisation=current_app.config["ORGANISATION_NAME"], code=code
    )
    return _mail(link, CODE_SUBJECT, body, now, mailer)


def revoke(patient: Account, consultation_id: int, *, now: datetime, ip: str | None = None) -> None:
    """Withdraw every live link to the consultation's opinion at once."""
    consultation = access.get_for(patient, consultation_id)
    if patient.id != consultation.patient_id:
        raise Forbidden(_("Only the patient can withdraw the link to the opinion."))
    if _revoke_live(consultation.id, now):
        audit.record(
            "opinion.physician_link_revoked",
            actor_id=patient.id,
            target_type="consultation",
            target_id=consultation.id,
            ip=ip,
        )
    db.session.commit()


def _live_link(token: str, now: datetime) -> PhysicianLink:
    link = None
    if token and len(token) <= 100:
        link = db.session.scalar(
            select(PhysicianLink).where(PhysicianLink.token_hash == digest(token))
        )
    if not checks.still_live(link, now):
        raise NotFound(str(GONE))
    return link


def answer_check(token: str, answer: str, *, now: datetime, ip: str | None) -> int:
    """Check the doctor's answer; the link's id when right (the caller remembers it).

    :raise Invalid: a wrong answer (counted and audited; the last allowed one locks the
        link). :raise NotFound: unknown, withdrawn, expired or locked link.
    """
    link = _live_link(token, now)
    max_tries = current_app.config["PHYSICIAN_LINK_MAX_TRIES"]
    if checks.answer_is_right(link, answer or "", link.consultation.patient_birth_date):
        return link.id
    link.failed_checks += 1
    audit.record(
        "opinion.physician_link_check_failed",
        actor_id=None,
        target_type="consultation",
        target_id=link.consultation_id,
        ip=ip,
        detail={"link_id": link.id, "failed": link.failed_checks},
    )
    if checks.locked(link, max_tries):
        link.revoked_at = now
        audit.record(
            "opinion.physician_link_locked",
            actor_id=None,
            target_type="consultation",
            target_id=link.consultation_id,
            ip=ip,
            detail={"link_id": link.id},
        )
        db.session.commit()
        raise NotFound(
            _(
                "Too many wrong answers: this link is now locked. Ask the patient to share the "
                "opinion again."
            )
        )
    db.session.commit()
    left = max_tries - link.failed_checks
    message = ngettext(
        "That is not right. %(num)d try left before the link locks.",
        "That is not right. %(num)d tries left before the link locks.",
        left,
    )
    raise Invalid(
        message, {"answer": [message]}, extra={"kind": link.check_kind, "tries_left": left}
    )


def open_shared(
    token: str, *, now: datetime, ip: str | None, passed: Collection[int] = ()
) -> OpinionOf:
    """The opinion behind a live link; every open is audited.

    ``passed``: the links whose check this browser has answered.

    :raise NotFound: unknown, withdrawn or expired link, or the opinion is gone.
    :raise CheckRequired: the doctor has yet to answer the link's check.
    """
    link = _live_link(token, now)
    opinion = db.session.get(Opinion, link.consultation_id)
    if opinion is None:
        raise NotFound(str(GONE))
    if link.check_kind in checks.PROMPTS and link.id not in passed:
        tries = current_app.config["PHYSICIAN_LINK_MAX_TRIES"] - link.failed_checks
        raise checks.CheckRequired(link.id, link.check_kind, tries)
    link.first_opened_at = link.first_opened_at or now
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

    The link is secret and expires (``PHYSICIAN_LINK_DAYS``); sending again makes a new link and
    withdraws the old one. Each send is recorded.

    :raise Forbidden: not the patient. :raise Conflict: sharing was not agreed or no
        address was given. :raise NotFound: no opinion yet.
    :raise MailUnavailable: the mail server did not take the message (nothing recorded).
    """
    consultation = access.get_for(actor, consultation_id)
    if actor.id != consultation.patient_id:
        raise Forbidden(_("Only the patient can send the opinion to their doctor."))
    if not consultation.share_with_physician or not consultation.physician_contact.strip():
        raise Conflict(
            _(
                "You did not ask for the opinion to be shared with your doctor when "
                "booking, so we cannot send it."
            )
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
            _("We could not send the email just now. Nothing was sent; please try again later.")
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
