"""What the patient sees of the links they gave their doctor: sent when, opened when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Consultation, PhysicianLink
from telesecond.services.opinions.turnaround import delivered_at


@dataclass(frozen=True)
class LinkStatus:
    """One link as the patient's page shows it."""

    created_at: datetime
    expires_at: datetime
    emailed_to: str | None
    first_opened_at: datetime | None
    last_opened_at: datetime | None
    ended_at: datetime | None  # withdrawn (or locked), or expired
    live: bool


def links_of(consultation: Consultation, *, now: datetime) -> list[LinkStatus]:
    """The consultation's links to the opinion, newest first."""
    rows = db.session.scalars(
        select(PhysicianLink)
        .where(PhysicianLink.consultation_id == consultation.id)
        .order_by(PhysicianLink.created_at.desc(), PhysicianLink.id.desc())
    )
    out = []
    for link in rows:
        live = link.revoked_at is None and link.expires_at > now
        ended = link.revoked_at or (link.expires_at if link.expires_at <= now else None)
        out.append(
            LinkStatus(
                created_at=link.created_at,
                expires_at=link.expires_at,
                emailed_to=link.physician_email,
                first_opened_at=link.first_opened_at,
                last_opened_at=link.last_opened_at,
                ended_at=ended,
                live=live,
            )
        )
    return out


@dataclass(frozen=True)
class DoctorPanel:
    """The patient's doctor panel: their links, and whether the opinion can be sent."""

    links: list[LinkStatus]
    can_send: bool


def panel_for(consultation: Consultation, *, now: datetime) -> DoctorPanel:
    """What the patient's consultation page shows about their doctor's access."""
    can_send = (
        consultation.share_with_physician
        and bool(consultation.physician_contact.strip())
        and delivered_at(consultation) is not None
    )
    return DoctorPanel(links_of(consultation, now=now), can_send)
