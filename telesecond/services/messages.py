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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from telesecond.domain.invites import doctor_name
from telesecond.domain.sms_segments import gsm7_safe, sms_size
from telesecond.models import Account, Consultation
from telesecond.services import languages, links

# Every SMS stays within 160 characters in every language: one segment in GSM-7
# (English, most Spanish), at most three in UCS-2 (Hindi, or a Spanish "sáb"): 67 a part.
SMS_LIMIT = 160
SMS_MAX_SEGMENTS = {"GSM-7": 1, "UCS-2": 3}
# The organisation's name is cut to this in SMS, and further (down to the minimum) when a
# long base URL needs the room: every text fits for base URLs up to ~50 chars.
SMS_ORGANISATION_MAX = 20
SMS_ORGANISATION_MIN = 8
# Within this time of the start, a reminder SMS carries the join link, else the manage link.
JOIN_LINK_WITHIN = timedelta(hours=3)
JOIN_KINDS = ("reminder", "confirmation", "rescheduled")


def sms_fits(text: str) -> bool:
    """Whether ``text`` keeps the SMS limit: 160 characters, so one GSM-7 segment."""
    size = sms_size(text)
    return size.units <= SMS_LIMIT and size.segments <= SMS_MAX_SEGMENTS[size.encoding]


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
    """``Mon 2 Mar 2026, 10:00 (CET, Europe/Berlin)``: for emails, in the language in force."""
    local = instant.astimezone(zone)
    abbreviation = _abbreviation(local)
    named = zone.key if abbreviation == zone.key else f"{abbreviation}, {zone.key}"
    return f"{languages.format_local(instant, zone, languages.patterns().long)} ({named})"


def short_time(instant: datetime, zone: ZoneInfo) -> str:
    """``Mon 2 Mar 10:00 CET``: for SMS."""
    written = languages.format_local(instant, zone, languages.patterns().short)
    return f"{written} {_abbreviation(instant.astimezone(zone))}"


def subject_time(instant: datetime, zone: ZoneInfo) -> str:
    """``Mon 2 Mar 2026, 10:00 CET``: for email subjects."""
    local = instant.astimezone(zone)
    return (
        f"{languages.format_local(instant, zone, languages.patterns().long)} {_abbreviation(local)}"
    )


def clock_time(instant: datetime, zone: ZoneInfo) -> str:
    """``10:00`` (``10:00 AM`` in US English) on the wall clock of ``zone``."""
    return languages.format_local(instant, zone, languages.patterns().clock)


def long_date(day: date) -> str:
    return languages.format_day(day)


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
    context.setdefault("page_lang", languages.current_tag())  # <html lang> of HTML emails
    return current_app.jinja_env.get_template(template).render(**context)


# -- SMS ---------------------------------------------------------------------------------


def _line(template: str, name: str, context: dict[str, Any]) -> str:
    return " ".join(render(template, organisation=name, **context).split())


def _sms(template: str, **context: Any) -> str:
    """One line in the language in force; the organisation's name shortened until it fits.

    A name outside GSM-7 cannot turn a GSM-7 text into UCS-2 (its other letters become
    ``?``); a text in UCS-2 anyway (Hindi) keeps the name as written.
    """
    full = organisation()
    name = gsm7_safe(full)
    if sms_size(_line(template, name, context)).encoding == "UCS-2":
        name = full
    text = ""
    for size in range(SMS_ORGANISATION_MAX, SMS_ORGANISATION_MIN - 1, -1):
        text = _line(template, name[:size].strip(), context)
        if sms_fits(text):
            break
    return text


def sms_text(
    kind: str,
    consultation: Consultation | None,
    recipient: Account,
    *,
    now: datetime,
    agenda: list[Consultation] | None = None,
    day: date | None = None,
    slot: str = "",
) -> str:
    """The SMS body for a message of ``kind`` to ``recipient``, in their language (no
    health information)."""
    with languages.speaking(recipient):
        return _sms_text(kind, consultation, recipient, now=now, agenda=agenda, day=day, slot=slot)


def _sms_text(
    kind: str,
    consultation: Consultation | None,
    recipient: Account,
    *,
    now: datetime,
    agenda: list[Consultation] | None,
    day: date | None,
    slot: str,
) -> str:
    zone = zone_of(recipient)
    if kind == "agenda":
        if day is None:
            raise ValueError("an agenda SMS needs its day")
        return _sms(
            "sms/agenda.txt",
            count=len(agenda or []),
            day=languages.format_day(day, "EEE d MMM"),
            link=links.absolute("/consultations"),
        )
    if consultation is None:
        raise ValueError(f"a {kind} SMS needs its consultation")
    if kind == "opinion_ready":
        return _sms(
            "sms/opinion_ready.txt",
            addendum=is_addendum_slot(slot),
            link=opinion_url(consultation.id),
        )
    # Close to the start, a text that says when the call is carries the join link: a late
    # booking's confirmation stands in for the reminder it makes needless.
    join = kind in JOIN_KINDS and consultation.start - now <= JOIN_LINK_WITHIN
    link = links.join_url(consultation.id) if join else links.consultation_url(consultation.id)
    return _sms(f"sms/{kind}.txt", when=short_time(consultation.start, zone), link=link, join=join)


def sms_reply(name: str, recipient: Account | None = None) -> str:
    """A reply to an inbound keyword: ``help``, ``stopped`` or ``started``, in the language
    of the account the number belongs to (the default language for an unknown number)."""
    if recipient is None:
        return _sms(f"sms/{name}.txt", contact=support_contact())
    with languages.speaking(recipient):
        return _sms(f"sms/{name}.txt", contact=support_contact())


# -- emails (reminder and agenda; invites are in invite_mail) -------------------------


@dataclass(frozen=True)
class EmailText:
    """Subject, plain text and HTML of one email."""

    subject: str
    text: str
    html: str


def reminder_email(consultation: Consultation, recipient: Account, *, now: datetime) -> EmailText:
    """A reminder of an upcoming consultation: when (recipient's zone), join and manage links,
    in the recipient's language."""
    with languages.speaking(recipient):
        return _reminder_email(consultation, recipient)


def _reminder_email(consultation: Consultation, recipient: Account) -> EmailText:
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
    subject = _("Reminder: your {organisation} consultation on {when}").format(
        organisation=context["organisation"], when=subject_time(consultation.start, zone)
    )
    return EmailText(
        subject=subject,
        text=render("email/reminder.txt", **context),
        html=render("email/reminder.html", **context),
    )


def is_addendum_slot(slot: str) -> bool:
    """Whether an opinion notice's outbox slot announces an addendum (``addendum-N``)."""
    return slot.startswith("addendum-")


def opinion_url(consultation_id: int) -> str:
    """The opinion's page; signed-out readers are asked to sign in first."""
    return links.absolute(f"/consultations/{consultation_id}/opinion")


# Subjects say nothing clinical and name nobody: they show in inbox lists.
OPINION_READY_SUBJECT = _l("Your written opinion is ready")
ADDENDUM_SUBJECT = _l("Your written opinion has an addendum")
FOLLOW_UP_SUBJECT = _l("A patient asked a follow-up question")


def opinion_email(
    kind: str, consultation: Consultation, recipient: Account, *, slot: str
) -> EmailText:
    """The patient's ready notice (``opinion_ready``) or the specialist's ``follow_up`` alert,
    in the recipient's language."""
    with languages.speaking(recipient):
        return _opinion_email(kind, consultation, recipient, slot=slot)


def _opinion_email(
    kind: str, consultation: Consultation, recipient: Account, *, slot: str
) -> EmailText:
    addendum = is_addendum_slot(slot)
    if kind == "follow_up":
        subject, template = str(FOLLOW_UP_SUBJECT), "email/follow_up"
    else:
        subject = str(ADDENDUM_SUBJECT if addendum else OPINION_READY_SUBJECT)
        template = "email/opinion_ready"
    context = {
        "organisation": organisation(),
        "subject": subject,
        "recipient_name": " ".join(recipient.full_name.split()),
        "patient_name": " ".join(consultation.patient.full_name.split()),
        "addendum": addendum,
        "link": opinion_url(consultation.id),
        "contact": support_contact(),
    }
    return EmailText(
        subject=subject,
        text=render(f"{template}.txt", **context),
        html=render(f"{template}.html", **context),
    )


def agenda_email(recipient: Account, day: date, consultations: list[Consultation]) -> EmailText:
    """A specialist's agenda for one local day: times and patient names only, in their
    language."""
    with languages.speaking(recipient):
        return _agenda_email(recipient, day, consultations)


def _agenda_email(recipient: Account, day: date, consultations: list[Consultation]) -> EmailText:
    zone = zone_of(recipient)
    items = [
        {
            "start": clock_time(c.start, zone),
            "end": clock_time(c.end, zone),
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
    subject = ngettext(
        "Your agenda for {day}: {num} consultation",
        "Your agenda for {day}: {num} consultations",
        count,
    ).format(day=long_date(day), num=count)
    return EmailText(
        subject=subject,
        text=render("email/agenda.txt", **context),
        html=render("email/agenda.html", **context),
    )
