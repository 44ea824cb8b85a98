"""Message texts: SMS bodies and reminder/agenda emails, rendered from templates.

Nothing clinical goes into any of them: the organisation, names, times and links only.
Times are shown in the recipient's own zone, with the zone named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from telesecond.domain.invites import doctor_name
from telesecond.models import Account, Consultation
from telesecond.services import links

# An SMS of one GSM-7 segment; longer texts cost more and may arrive split.
SMS_LIMIT = 160
# The organisation's name is cut to this in SMS, and further (down to the minimum) when a
# long base URL needs the room: every text fits one segment for base URLs up to ~50 chars.
SMS_ORGANISATION_MAX = 20
SMS_ORGANISATION_MIN = 8
# Within this time of the start, a reminder SMS carries the join link, else the manage link.
JOIN_LINK_WITHIN = timedelta(hours=3)
JOIN_KINDS = ("reminder", "confirmation", "rescheduled")

# The GSM 03.38 default alphabet; the extension table characters count double.
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
_GSM7_ALL = _GSM7_BASIC | _GSM7_EXTENDED


def gsm7_length(text: str) -> int | None:
    """Septets ``text`` takes in GSM-7, or None if it needs UCS-2 (70 a segment)."""
    length = 0
    for char in text:
        if char in _GSM7_BASIC:
            length += 1
        elif char in _GSM7_EXTENDED:
            length += 2
        else:
            return None
    return length


def _gsm7_safe(text: str) -> str:
    """``text`` with every character outside GSM-7 replaced, so one SMS stays one segment."""
    if _GSM7_ALL.issuperset(text):
        return text
    return "".join(c if c in _GSM7_ALL else "?" for c in text)


def zone_of(account: Account) -> ZoneInfo:
    """The account's zone, UTC if the stored name is unknown."""
    try:
        return ZoneInfo(account.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _abbreviation(local: datetime) -> str:
    """The zone's abbreviation; numeric ones ("-03", "+0545") as "UTC-3", "UTC+5:45"."""
    name = local.strftime("%Z")
    if name and name[0] not in "+-":
        return name
    offset = local.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    hours, rest = divmod(minutes, 60)
    if minutes == 0:
        return "UTC"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def long_time(instant: datetime, zone: ZoneInfo) -> str:
    """``Mon 2 Mar 2026, 10:00 CET (Europe/Berlin)``: for emails."""
    local = instant.astimezone(zone)
    abbreviation = _abbreviation(local)
    named = zone.key if abbreviation == zone.key else f"{abbreviation}, {zone.key}"
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({named})"


def short_time(instant: datetime, zone: ZoneInfo) -> str:
    """``Mon 2 Mar 10:00 CET``: for SMS and subjects."""
    local = instant.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M} {_abbreviation(local)}"


def subject_time(instant: datetime, zone: ZoneInfo) -> str:
    """``Mon 2 Mar 2026, 10:00 CET``: for email subjects."""
    local = instant.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {_abbreviation(local)}"


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def organisation() -> str:
    return " ".join(str(current_app.config.get("ORGANISATION_NAME") or "telesecond").split())


def support_contact() -> str:
    return str(current_app.config.get("SUPPORT_CONTACT") or "").strip()


def other_party(consultation: Consultation, recipient: Account) -> str:
    """How the recipient names the person they meet: "Dr X" for patients, the patient's name."""
    if recipient.id == consultation.specialist_id:
        return " ".join(consultation.patient.full_name.split())
    return doctor_name(consultation.specialist.full_name)


def render(template: str, **context: Any) -> str:
    """Render a message template without any request-bound context processors."""
    return current_app.jinja_env.get_template(template).render(**context)


# -- SMS ---------------------------------------------------------------------------------


def _sms(template: str, **context: Any) -> str:
    """One line of GSM-7 text; the organisation's name shortened until it fits a segment."""
    full = _gsm7_safe(organisation())
    text = ""
    for size in range(SMS_ORGANISATION_MAX, SMS_ORGANISATION_MIN - 1, -1):
        text = " ".join(render(template, organisation=full[:size].strip(), **context).split())
        if (gsm7_length(text) or SMS_LIMIT + 1) <= SMS_LIMIT:
            break
    return _gsm7_safe(text)


def sms_text(
    kind: str,
    consultation: Consultation | None,
    recipient: Account,
    *,
    now: datetime,
    agenda: list[Consultation] | None = None,
    day: date | None = None,
) -> str:
    """The SMS body for a message of ``kind`` to ``recipient`` (no health information)."""
    zone = zone_of(recipient)
    if kind == "agenda":
        if day is None:
            raise ValueError("an agenda SMS needs its day")
        return _sms(
            "sms/agenda.txt",
            count=len(agenda or []),
            day=f"{day:%a} {day.day} {day:%b}",
            link=links.absolute("/consultations"),
        )
    if consultation is None:
        raise ValueError(f"a {kind} SMS needs its consultation")
    # Close to the start, a text that says when the call is carries the join link: a late
    # booking's confirmation stands in for the reminder it makes needless.
    join = kind in JOIN_KINDS and consultation.start - now <= JOIN_LINK_WITHIN
    link = links.join_url(consultation.id) if join else links.consultation_url(consultation.id)
    return _sms(f"sms/{kind}.txt", when=short_time(consultation.start, zone), link=link, join=join)


def sms_reply(name: str) -> str:
    """A reply to an inbound keyword: ``help``, ``stopped`` or ``started``."""
    return _sms(f"sms/{name}.txt", contact=support_contact())


# -- emails (reminder and agenda; invites are in invite_mail) -------------------------


@dataclass(frozen=True)
class EmailText:
    """Subject, plain text and HTML of one email."""

    subject: str
    text: str
    html: str


def reminder_email(consultation: Consultation, recipient: Account, *, now: datetime) -> EmailText:
    """A reminder of an upcoming consultation: when (recipient's zone), join and manage links."""
    zone = zone_of(recipient)
    context = {
        "organisation": organisation(),
        "recipient_name": " ".join(recipient.full_name.split()),
        "with_name": other_party(consultation, recipient),
        "when": long_time(consultation.start, zone),
        "minutes": int((consultation.end - consultation.start).total_seconds() // 60),
        "join_url": links.join_url(consultation.id),
        "manage_url": links.consultation_url(consultation.id),
        "contact": support_contact(),
    }
    # No name in the subject: it shows in inbox lists, and a specialist's name tells why.
    subject = (
        f"Reminder: your {context['organisation']} consultation"
        f" on {subject_time(consultation.start, zone)}"
    )
    return EmailText(
        subject=subject,
        text=render("email/reminder.txt", **context),
        html=render("email/reminder.html", **context),
    )


def agenda_email(recipient: Account, day: date, consultations: list[Consultation]) -> EmailText:
    """A specialist's agenda for one local day: times and patient names only."""
    zone = zone_of(recipient)
    items = [
        {
            "start": c.start.astimezone(zone).strftime("%H:%M"),
            "end": c.end.astimezone(zone).strftime("%H:%M"),
            "patient": " ".join(c.patient.full_name.split()),
            "url": links.consultation_url(c.id),
        }
        for c in consultations
    ]
    context = {
        "organisation": organisation(),
        "recipient_name": " ".join(recipient.full_name.split()),
        "day": long_date(day),
        "zone": zone.key,
        "items": items,
        "agenda_url": links.absolute("/consultations"),
        "contact": support_contact(),
    }
    count = len(items)
    subject = f"Your agenda for {long_date(day)}: {count} consultation{'' if count == 1 else 's'}"
    return EmailText(
        subject=subject,
        text=render("email/agenda.txt", **context),
        html=render("email/agenda.html", **context),
    )
