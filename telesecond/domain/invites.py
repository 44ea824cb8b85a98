"""Calendar invites and feeds (RFC 5545 / iTIP RFC 5546) for consultations.

Pure: every input, including "now", comes in as an argument; the output is the
``.ics`` bytes (CRLF line endings, lines folded at 75 octets by icalendar).

Nothing here may carry health information: the SUMMARY names the other person only
(the specialist for the patient, the patient for the specialist), and the DESCRIPTION
holds links and a pointer to the app.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event, vCalAddress
from icalendar.enums import CLASS, STATUS, TRANSP

PRODID = "-//telesecond//telesecond//EN"
ALARM_BEFORE = timedelta(minutes=15)
FEED_REFRESH = timedelta(hours=1)
TZ_FIRST_DATE = date(1970, 1, 1)
TZ_LAST_DATE = date(2038, 1, 1)

Method = Literal["REQUEST", "CANCEL", "PUBLISH"]
_METHODS = frozenset({"REQUEST", "CANCEL", "PUBLISH"})
_TITLE = re.compile(r"(?i)^(dr|doctor|prof|professor)\b\.?")


@dataclass(frozen=True)
class Person:
    """A participant as the invite shows them."""

    name: str
    email: str


@dataclass(frozen=True)
class InviteTexts:
    """The words of an invite, in its reader's language (English unless the caller
    translates them). ``{doctor}``, ``{patient}``, ``{url}`` and ``{organisation}`` are
    filled in here."""

    summary: str = "Video consultation with {doctor}"
    summary_for_specialist: str = "Video consultation with {patient}"
    cancelled: str = "This video consultation has been cancelled."
    bookings: str = "Your bookings: {url}"
    join: str = "Join the video call: {url}"
    manage: str = "Manage the booking: {url}"
    details: str = "The details of the consultation are in your {organisation} account."
    organizer: str = "{doctor} via {organisation}"


@dataclass(frozen=True)
class InviteView:
    """What an invite needs to know about one consultation; no intake or opinion fields."""

    consultation_id: int
    uid_host: str
    start: datetime
    end: datetime
    sequence: int
    status: Literal["confirmed", "cancelled"]
    organizer_email: str
    specialist: Person
    patient: Person
    join_url: str
    manage_url: str
    organisation: str = "telesecond"
    timezone: str | None = None
    texts: InviteTexts = InviteTexts()
    # Whose calendar the event goes into: its title names the other person.
    viewer: Literal["patient", "specialist"] = "patient"

    def __post_init__(self) -> None:
        for label, value in (("start", self.start), ("end", self.end)):
            if value.utcoffset() is None:
                raise ValueError(f"InviteView.{label} must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("InviteView.end must be after start")
        if self.sequence < 0:
            raise ValueError("InviteView.sequence must not be negative")
        if self.status not in ("confirmed", "cancelled"):
            raise ValueError(f"unknown InviteView.status {self.status!r}")
        if self.viewer not in ("patient", "specialist"):
            raise ValueError(f"unknown InviteView.viewer {self.viewer!r}")
        if not self.uid_host.strip():
            raise ValueError("InviteView.uid_host must not be empty")

    @property
    def uid(self) -> str:
        """The calendar UID: stable for the consultation's whole life."""
        return f"consultation-{self.consultation_id}@{self.uid_host}"


def _clean(text: str) -> str:
    """One line of text: control characters and runs of whitespace become one space."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def doctor_name(name: str) -> str:
    """The specialist's name with the title "Dr" in front unless it already has one."""
    cleaned = _clean(name)
    return cleaned if _TITLE.match(cleaned) else f"Dr {cleaned}"


def event_summary(view: InviteView) -> str:
    """The SUMMARY: who the call is with, never any health information.

    In the specialist's calendar that is the patient (so their calls can be told apart),
    in the patient's the specialist.
    """
    if view.viewer == "specialist":
        return view.texts.summary_for_specialist.format(patient=_clean(view.patient.name))
    return view.texts.summary.format(doctor=doctor_name(view.specialist.name))


def _description(view: InviteView, cancelled: bool) -> str:
    org = _clean(view.organisation)
    texts = view.texts
    if cancelled:
        lines = [texts.cancelled, texts.bookings.format(url=view.manage_url)]
    else:
        lines = [texts.join.format(url=view.join_url), texts.manage.format(url=view.manage_url)]
    lines += ["", texts.details.format(organisation=org)]
    return "\n".join(lines)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _local(instant: datetime, zone_name: str | None) -> datetime:
    """The instant as it goes into DTSTART/DTEND: UTC ('Z') or wall time with TZID.

    A wall time that occurs twice (the repeated hour when clocks go back) means its
    *first* occurrence in iCalendar (RFC 5545 3.3.5), so an instant in the second
    occurrence cannot be written with a TZID; it is written in UTC instead.
    """
    utc = instant.astimezone(UTC)
    if zone_name is None:
        return utc
    local = utc.astimezone(_zone(zone_name))
    if local.replace(fold=0).astimezone(UTC) != utc:
        return utc
    return local.replace(fold=0)


def _address(person: Person, method: Method) -> vCalAddress:
    return vCalAddress.new(
        person.email.strip(),
        cn=_clean(person.name),
        cutype="INDIVIDUAL",
        role="REQ-PARTICIPANT",
        partstat="NEEDS-ACTION" if method == "REQUEST" else None,
        rsvp=False,
    )


def _event(view: InviteView, method: Method, now: datetime) -> Event:
    cancelled = method == "CANCEL" or view.status == "cancelled"
    organizer = vCalAddress.new(
        view.organizer_email.strip(),
        cn=view.texts.organizer.format(
            doctor=doctor_name(view.specialist.name), organisation=_clean(view.organisation)
        ),
    )
    # iTIP PUBLISH carries no ATTENDEE (RFC 5546 3.2.1); it also keeps patients'
    # addresses out of feeds, whose URL is a bearer secret.
    attendees = (
        None
        if method == "PUBLISH"
        else [_address(view.patient, method), _address(view.specialist, method)]
    )
    event = Event.new(
        uid=view.uid,
        stamp=now.astimezone(UTC),
        start=_local(view.start, view.timezone),
        end=_local(view.end, view.timezone),
        sequence=view.sequence,
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        summary=event_summary(view),
        description=_description(view, cancelled),
        location=None if cancelled else view.join_url,
        url=view.manage_url if cancelled else view.join_url,
        organizer=organizer,
        attendees=attendees,
        transparency=TRANSP.OPAQUE,
        classification=CLASS.PRIVATE,
    )
    if not cancelled:
        event.add_component(
            Alarm.new_display(description=event_summary(view), trigger=-ALARM_BEFORE)
        )
    return event


def _calendar(
    events: Sequence[Event],
    *,
    method: Method,
    prodid: str,
    name: str | None = None,
    refresh: timedelta | None = None,
) -> Calendar:
    calendar = Calendar.new(
        prodid=prodid,
        method=method,
        name=name,
        refresh_interval=refresh,
        subcomponents=list(events),
    )
    # Calendar.new invents a random calendar UID; the output must depend on the inputs only.
    calendar.pop("UID", None)
    if refresh is not None:
        calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    return calendar


def _add_timezones(calendar: Calendar, views: Sequence[InviteView]) -> None:
    """Add a VTIMEZONE for every TZID in use, in a shape every parser we know reads.

    - Span icalendar's default 1970-2038 (extended past the last event), not just the
      event's year: vobject (and so Radicale) compares a VTIMEZONE with UTC over
      2000-2020 and would take a one-year Europe/London for UTC.
    - One value per RDATE line: vobject keeps only the first value of a
      comma-separated RDATE in a VTIMEZONE. Several RDATE lines are equally valid
      RFC 5545. The result is about 3-4 KB per zone.
    """
    zoned = [v for v in views if v.timezone is not None]
    if not zoned:
        return
    last = max(v.end.astimezone(UTC) for v in zoned)
    calendar.add_missing_timezones(
        first_date=TZ_FIRST_DATE, last_date=max(TZ_LAST_DATE, date(last.year + 2, 1, 1))
    )
    for timezone in calendar.timezones:
        for observance in timezone.subcomponents:
            rdates = observance.pop("RDATE", None)
            if rdates is None:
                continue
            for rdate_list in rdates if isinstance(rdates, list) else [rdates]:
                for value in rdate_list.dts:
                    observance.add("RDATE", value.dt)


def _check_now(now: datetime) -> None:
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def build_invite(view: InviteView, *, method: Method, now: datetime, prodid: str = PRODID) -> bytes:
    """One consultation as an iTIP message: REQUEST (new or changed), CANCEL or PUBLISH.

    :param now: becomes DTSTAMP (in UTC).
    :raise ValueError: for an unknown method, a naive ``now``, an unknown zone, or a
        REQUEST for a cancelled consultation (send CANCEL instead).
    """
    if method not in _METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    if method == "REQUEST" and view.status == "cancelled":
        raise ValueError("a cancelled consultation is sent with method CANCEL, not REQUEST")
    _check_now(now)
    calendar = _calendar([_event(view, method, now)], method=method, prodid=prodid)
    _add_timezones(calendar, [view])
    return calendar.to_ical()


def build_feed(
    views: Sequence[InviteView], *, name: str, now: datetime, prodid: str = PRODID
) -> bytes:
    """A subscribable METHOD:PUBLISH calendar with one VEVENT per consultation.

    Cancelled consultations stay in the feed with STATUS:CANCELLED so that
    subscribed clients drop or strike them out. Events are ordered by start, then id.
    """
    _check_now(now)
    ordered = sorted(views, key=lambda v: (v.start.astimezone(UTC), v.consultation_id))
    calendar = _calendar(
        [_event(v, "PUBLISH", now) for v in ordered],
        method="PUBLISH",
        prodid=prodid,
        name=_clean(name),
        refresh=FEED_REFRESH,
    )
    calendar.add("X-PUBLISHED-TTL", "PT1H")
    _add_timezones(calendar, ordered)
    return calendar.to_ical()
