"""Busy time in a specialist's own calendar: an ICS body to merged busy UTC intervals.

Pure: the body, the window, the specialist's zone and the limits are arguments.

* Recurring events are expanded with ``recurring-ical-events`` (RRULE, RDATE, EXDATE,
  and RECURRENCE-ID overrides, which may move, shorten or cancel one occurrence).
* Times with a TZID or in UTC are exact instants. Floating times (no zone) and all-day
  DATE values have no zone: they are read as wall-clock times in the specialist's zone,
  so an all-day event blocks that whole local day (23 or 25 hours on a DST change).
* Events marked free (TRANSP:TRANSPARENT, or Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE)
  and cancelled ones (STATUS:CANCELLED) do not block; tentative ones do.
* The result is clipped to the window, merged where events overlap or touch, ascending.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from telesecond.domain.slots import Interval

MAX_OCCURRENCES = 20_000
# Rules this fine-grained describe no real appointment and would expand into millions.
_REFUSED_FREQUENCIES = {"SECONDLY", "MINUTELY"}
# Floating and all-day events can sit up to a day away from the UTC window's edges.
_MARGIN = timedelta(days=1)
# The parser's own message may quote the file, whose events can hold health details.
DAMAGED = "The calendar file is damaged and could not be read."
_TIMING = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}


class CalendarUnreadable(ValueError):
    """The body is not an iCalendar calendar this module can read; the message says why."""


def busy_intervals(
    body: bytes,
    *,
    start: datetime,
    end: datetime,
    timezone: str,
    max_occurrences: int = MAX_OCCURRENCES,
) -> list[Interval]:
    """The busy time in ``body`` overlapping [start, end), merged, clipped, ascending.

    :param timezone: the specialist's IANA zone, for floating times and all-day events.
    :raise CalendarUnreadable: the body is not a calendar, or expands past the limit.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("the window needs aware datetimes")
    zone = ZoneInfo(timezone)
    calendar = _parse(body)
    spans: list[tuple[datetime, datetime]] = []
    for occurrence in _occurrences(calendar, start - _MARGIN, end + _MARGIN, max_occurrences):
        if not _blocks(occurrence):
            continue
        span = _span(occurrence, zone)
        if span is None:
            continue
        lo, hi = max(span[0], start), min(span[1], end)
        if lo < hi:
            spans.append((lo.astimezone(UTC), hi.astimezone(UTC)))
    return [Interval(lo, hi) for lo, hi in merge(spans)]


def merge(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The union of half-open spans as disjoint ascending spans (touching ones joined)."""
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


# --- internals -------------------------------------------------------------------


def _parse(body: bytes) -> icalendar.Calendar:
    text = body.lstrip(b"\xef\xbb\xbf \t\r\n")  # a byte-order mark or blank lines first
    if not text.upper().startswith(b"BEGIN:VCALENDAR"):
        raise CalendarUnreadable(
            "The address did not return a calendar (perhaps a sign-in page): use the secret "
            "iCal address your calendar gives, not the address of its web page."
        )
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError):
        raise CalendarUnreadable(DAMAGED) from None
    if not calendars:
        raise CalendarUnreadable("The calendar file is incomplete or empty.")
    calendar = calendars[0]
    for extra in calendars[1:]:  # rare, but some servers concatenate calendars
        for component in extra.subcomponents:
            calendar.add_component(component)
    return calendar


def _occurrences(
    calendar: icalendar.Calendar, lo: datetime, hi: datetime, limit: int
) -> Iterable[icalendar.cal.Component]:
    events = calendar.walk("VEVENT")
    broken = sum(1 for event in events if any(name in _TIMING for name, _ in event.errors))
    if events and broken == len(events):
        raise CalendarUnreadable(DAMAGED)  # some broken events are skipped; all is a bad file
    for event in events:
        rule = event.get("RRULE")
        for value in rule if isinstance(rule, list) else [rule]:
            if value is not None and set(value.get("FREQ", [])) & _REFUSED_FREQUENCIES:
                raise CalendarUnreadable(
                    "The calendar repeats an event every second or minute, which we cannot use."
                )
    try:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        # ``after`` yields in order of start, so it can stop at the window's end.
        for count, occurrence in enumerate(query.after(lo), start=1):
            if _start_of(occurrence) >= hi:
                return
            if count > limit:
                raise CalendarUnreadable(
                    f"The calendar has more than {limit:,} events in the coming months."
                )
            yield occurrence
    except CalendarUnreadable:
        raise
    except (ValueError, KeyError, TypeError, OverflowError):
        raise CalendarUnreadable(DAMAGED) from None


def _start_of(occurrence) -> datetime:
    """A sortable aware start (floating and DATE values read as UTC: good enough to stop)."""
    value = occurrence.DTSTART
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _blocks(event) -> bool:
    """Whether the event makes its owner busy."""
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() != "FREE"


def _span(event, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The event's [start, end) as aware instants, or None if it takes no time."""
    try:
        start, end = event.DTSTART, event.DTEND
    except (icalendar.InvalidCalendar, KeyError, ValueError):
        return None
    begin, finish = _instant(start, zone), _instant(end, zone)
    if finish <= begin:
        return None
    return begin, finish


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A DTSTART/DTEND value as an aware instant; zone-less values are wall time in ``zone``."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        # fold=0: an ambiguous wall time (clocks going back) is its first occurrence;
        # a wall time inside a spring-forward gap lands just after the jump.
        return value.replace(tzinfo=zone)
    return value
