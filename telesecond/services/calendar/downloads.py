""" "Add to calendar": a consultation's .ics download and Google / Outlook web links.

Nothing here reads the intake: the invite view carries names, times and links only,
so a download is not a read of the case and is not audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telesecond.domain.instants import to_rfc3339
from telesecond.domain.invites import InviteView, build_invite, event_summary
from telesecond.models import Account, Consultation
from telesecond.models.base import MAX_ID
from telesecond.services.calendar.invite_content import invite_view
from telesecond.services.consultations import access
from telesecond.services.errors import NotFound

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"
OFFICE = "https://outlook.office.com/calendar/0/action/compose"


@dataclass(frozen=True)
class InviteFile:
    """An invite ready to send as a download."""

    filename: str
    method: str
    data: bytes


@dataclass(frozen=True)
class WebLinks:
    """Links that open a calendar's "new event" form already filled in."""

    google: str
    outlook: str
    office365: str


def method_for(consultation: Consultation) -> str:
    """REQUEST while the consultation stands, CANCEL once it is cancelled."""
    return "CANCEL" if consultation.status == "cancelled" else "REQUEST"


def known_zone(zone: str | None) -> str | None:
    """``zone`` when it is a zone this machine knows; None (UTC times) otherwise."""
    if not zone:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return zone


def invite_for(actor: Account, consultation_id: int, *, now: datetime) -> InviteFile:
    """The consultation's invite in the actor's zone; NotFound unless they take part."""
    if not 0 < consultation_id <= MAX_ID:  # keep out-of-range numbers away from the driver
        raise NotFound("No such consultation.")
    consultation = access.get_for(actor, consultation_id)
    method = method_for(consultation)
    view = invite_view(consultation, timezone=known_zone(actor.timezone), viewer_id=actor.id)
    return InviteFile(
        filename=f"consultation-{consultation.id}.ics",
        method=method,
        data=build_invite(view, method=method, now=now),  # type: ignore[arg-type]
    )


def _utc(instant: datetime, fmt: str) -> str:
    return instant.astimezone(UTC).strftime(fmt)


def _details(view: InviteView) -> str:
    return f"Join the video call: {view.join_url}\nManage the booking: {view.manage_url}"


def web_links(view: InviteView) -> WebLinks:
    """Google Calendar and Outlook "add event" links: no health information, UTC times."""
    title = event_summary(view)
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc(view.start, '%Y%m%dT%H%M%SZ')}/{_utc(view.end, '%Y%m%dT%H%M%SZ')}",
        "details": _details(view),
        "location": view.join_url,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": to_rfc3339(view.start),
        "enddt": to_rfc3339(view.end),
        "body": _details(view),
        "location": view.join_url,
    }
    return WebLinks(
        google=f"{GOOGLE}?{urlencode(google)}",
        outlook=f"{OUTLOOK}?{urlencode(outlook)}",
        office365=f"{OFFICE}?{urlencode(outlook)}",
    )


def links_for(consultation: Consultation, viewer_id: int | None = None) -> WebLinks | None:
    """Web links for a consultation that still stands; None once it is cancelled."""
    if consultation.status == "cancelled":
        return None
    return web_links(invite_view(consultation, viewer_id=viewer_id))
