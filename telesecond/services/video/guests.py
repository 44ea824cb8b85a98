"""Guests the patient invites to the video call: invite, revoke, and join by personal link.

A guest's link holds a random token; only its SHA-256 is stored, so the link exists only
in the guest's email. It lets the guest in only inside the room's window, only while the
consultation stands and only until the patient revokes it.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from telesecond.adapters import registry
from telesecond.adapters.mail import MailError
from telesecond.adapters.video import Participant
from telesecond.domain.accounts import normalize_email
from telesecond.domain.guest_names import clean_name, name_problem
from telesecond.domain.languages import cldr_pattern, uses_12_hour_clock
from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import Account, Consultation
from telesecond.models.video import VideoGuest
from telesecond.services import audit, languages, links
from telesecond.services.consultations import access
from telesecond.services.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from telesecond.services.video import rooms
from telesecond.services.video.room_rotation import rotate_after_revocation

log = logging.getLogger(__name__)

MAX_GUESTS = 2
TOKEN_BYTES = 32
DAY = timedelta(hours=24)


def local_time(value: datetime, zone: str, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """An instant in a zone, with the zone named (for the email's text), in the language
    in force."""
    return f"{_written(value, zone, fmt)} ({zone})"


def _written(value: datetime, zone: str, fmt: str) -> str:
    locale = languages.current_locale()
    pattern = cldr_pattern(fmt, uses_12_hour_clock(locale.language, locale.territory))
    return languages.format_local(value, ZoneInfo(zone), pattern)


def guest_url(token: str) -> str:
    return links.absolute(f"/video/guests/{token}")


def active_guests(consultation_id: int) -> list[VideoGuest]:
    """The consultation's guests whose links still work, oldest first."""
    return list(
        db.session.scalars(
            select(VideoGuest)
            .where(VideoGuest.consultation_id == consultation_id, VideoGuest.revoked_at.is_(None))
            .order_by(VideoGuest.id)
        )
    )


@dataclass(frozen=True)
class Invitation:
    """A new guest and whether the email reached the mail server."""

    guest: VideoGuest
    emailed: bool


def _patient_consultation(patient: Account, consultation_id: int) -> Consultation:
    consultation = access.get_for(patient, consultation_id)
    if patient.id != consultation.patient_id:
        raise Forbidden(_("Only the patient can invite or remove guests."))
    return consultation


def invite(
    patient: Account, consultation_id: int, *, name: str, email: str, now: datetime
) -> Invitation:
    """Invite a guest by email; at most two at a time, and few invitations in all.

    :raise Invalid: a missing name, a name holding a link, or a malformed address.
    :raise Conflict: the consultation is over or cancelled, two guests are invited already,
        or the consultation's invitations (revoked ones count) are used up.
    :raise RateLimited: the patient sent the day's invitations (revoked ones count).
    """
    consultation = _patient_consultation(patient, consultation_id)
    name = clean_name(name)
    address = normalize_email(email.replace("\x00", "").strip())
    errors: dict[str, list[str]] = {}
    problem = name_problem(name)
    if problem:
        errors["name"] = [problem]
    if address is None or len(address) > 254:
        errors["email"] = [_("Enter the guest's email address, like name@example.org.")]
    if errors:
        raise Invalid(_("Some fields need attention."), errors)
    room = rooms.ensure_room(consultation, now)
    if consultation.status != "confirmed" or now >= room.closes_at:
        raise Conflict(
            _("Guests can be invited only to a confirmed consultation that is not over.")
        )
    count = db.session.scalar(
        select(func.count(VideoGuest.id)).where(
            VideoGuest.consultation_id == consultation.id, VideoGuest.revoked_at.is_(None)
        )
    )
    if count >= MAX_GUESTS:
        raise Conflict(
            _(
                "You can invite up to %(count)s guests. Remove one to invite another.",
                count=MAX_GUESTS,
            )
        )
    _check_invitation_caps(patient, consultation, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    guest = VideoGuest(
        consultation_id=consultation.id,
        name=name,
        email=address,
        token_hash=digest(token),
        invited_by_id=patient.id,
        created_at=now,
    )
    db.session.add(guest)
    db.session.flush()
    audit.record(
        "video.guest_invited",
        actor_id=patient.id,
        target_type="consultation",
        target_id=consultation.id,
        detail={"guest_id": guest.id},
    )
    db.session.commit()
    return Invitation(guest, _send_invitation(guest, consultation, room.opens_at, token, now))


def _check_invitation_caps(patient: Account, consultation: Consultation, now: datetime) -> None:
    """Refuse once the consultation's or the patient's day's invitations are used up.

    Revoked invitations count: invite, revoke, invite again must not send mail forever.
    """
    config = current_app.config
    per_consultation = config.get("GUEST_INVITES_PER_CONSULTATION", 3)
    per_day = config.get("GUEST_INVITES_PER_PATIENT_DAY", 5)
    sent = db.session.scalar(
        select(func.count(VideoGuest.id)).where(VideoGuest.consultation_id == consultation.id)
    )
    if sent >= per_consultation:
        raise Conflict(
            _(
                "You have sent all %(count)s invitations for this consultation, "
                "including removed ones. No more can be sent.",
                count=per_consultation,
            )
        )
    today = db.session.scalar(
        select(func.count(VideoGuest.id)).where(
            VideoGuest.invited_by_id == patient.id, VideoGuest.created_at > now - DAY
        )
    )
    if today >= per_day:
        raise RateLimited(
            _(
                "You have sent %(count)s invitations in the last 24 hours, including removed "
                "ones. Please try again tomorrow.",
                count=per_day,
            )
        )


def _send_invitation(
    guest: VideoGuest, consultation: Consultation, opens_at: datetime, token: str, now: datetime
) -> bool:
    """Email the guest their link: who invited them, when, the link; no health information.

    It is written in the inviting patient's language: the guest has no account, and is
    most often family or their own doctor."""
    with languages.speaking(consultation.patient):
        return _send_invitation_now(guest, consultation, opens_at, token, now)


def _send_invitation_now(
    guest: VideoGuest, consultation: Consultation, opens_at: datetime, token: str, now: datetime
) -> bool:
    config = current_app.config
    organisation = config["ORGANISATION_NAME"]
    patient = consultation.patient
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = Address(display_name=guest.name, addr_spec=guest.email)
    message["Subject"] = _("%(org)s: an invitation to join a video call", org=organisation)
    message["Date"] = format_datetime(now)
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or links.host()
    message["Message-ID"] = make_msgid(idstring="guest", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        # The bare Jinja environment: no page context, so it works outside a request too.
        current_app.jinja_env.get_template("video/guest_invite.txt").render(
            guest_name=guest.name,
            patient_name=patient.full_name,
            specialist_name=consultation.specialist.full_name,
            when=local_time(consultation.start, patient.timezone),
            when_utc=_written(consultation.start, "UTC", "%a %d %b %Y, %H:%M UTC"),
            opens=local_time(opens_at, patient.timezone, "%H:%M"),
            link=guest_url(token),
            device_test=links.absolute("/video/device-test"),
            organisation=organisation,
        )
    )
    try:
        registry.current().mail.send(message)
    except MailError as error:
        log.warning("guest %s: invitation email not sent: %s", guest.id, error)
        return False
    return True


def revoke(patient: Account, consultation_id: int, guest_id: int, *, now: datetime) -> VideoGuest:
    """Withdraw a guest's link at once, and move a name-only room to a new name."""
    consultation = _patient_consultation(patient, consultation_id)
    guest = db.session.get(VideoGuest, guest_id)
    if guest is None or guest.consultation_id != consultation.id:
        raise NotFound("No such guest.")
    if guest.revoked_at is None:
        guest.revoked_at = now
        rotate_after_revocation(rooms.room_of(consultation.id), now)
        audit.record(
            "video.guest_revoked",
            actor_id=patient.id,
            target_type="consultation",
            target_id=consultation.id,
            detail={"guest_id": guest.id},
        )
        db.session.commit()
    return guest


def find(token: str) -> VideoGuest | None:
    """The guest whose live link this is, or None (unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    guest = db.session.scalar(select(VideoGuest).where(VideoGuest.token_hash == digest(token)))
    return guest if guest is not None and guest.revoked_at is None else None


def join(token: str, *, now: datetime, ip: str | None, call_page: bool = False) -> rooms.Entry:
    """A guest's way in by their link; inside the window the join is audited.

    :raise NotFound: unknown or revoked link.
    """
    guest = find(token)
    if guest is None:
        raise NotFound("This invitation link is not valid. It may have been withdrawn.")
    who = Participant(identity=f"guest-{guest.id}", display_name=guest.name, role="guest")
    entry = rooms.enter(guest.consultation, who, now=now, for_call_page=call_page)
    if entry.state == "open" and not call_page:
        guest.last_joined_at = now
        audit.record(
            "video.guest_joined",
            actor_id=None,
            target_type="consultation",
            target_id=guest.consultation_id,
            ip=ip,
            detail={"guest_id": guest.id},
        )
        db.session.commit()
    return entry
