"""Read .ics bytes with two independent parsers (icalendar and vobject) and compare them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import icalendar
import vobject
import vobject.icalendar


@dataclass(frozen=True)
class Seen:
    """One VEVENT as a parser read it: instants in UTC, the wall times as written."""

    uid: str
    sequence: int
    status: str
    summary: str
    start: datetime
    end: datetime


def unfolded(data: bytes) -> list[str]:
    """The content lines, unfolded."""
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def vparse(data: bytes):
    """vobject, resolving TZIDs from this document's VTIMEZONEs only (its cache is global)."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    return vobject.readOne(data.decode("utf-8"))


def with_icalendar(data: bytes) -> tuple[str, list[Seen]]:
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.get_missing_tzids() == set()
    events = [
        Seen(
            uid=str(e["UID"]),
            sequence=int(e["SEQUENCE"]),
            status=str(e["STATUS"]),
            summary=str(e["SUMMARY"]),
            start=e.start.astimezone(UTC),
            end=e.end.astimezone(UTC),
        )
        for e in calendar.events
    ]
    return str(calendar["METHOD"]), events


def with_vobject(data: bytes) -> tuple[str, list[Seen]]:
    vcal = vparse(data)
    events = [
        Seen(
            uid=e.uid.value,
            sequence=int(e.sequence.value),
            status=e.status.value,
            summary=e.summary.value,
            start=e.dtstart.value.astimezone(UTC),
            end=e.dtend.value.astimezone(UTC),
        )
        for e in vcal.contents.get("vevent", [])
    ]
    return vcal.method.value, events


def read(data: bytes) -> tuple[str, list[Seen]]:
    """METHOD and events; both parsers must agree field by field."""
    ours = with_icalendar(data)
    theirs = with_vobject(data)
    assert ours == theirs
    return ours


def read_one(data: bytes) -> tuple[str, Seen]:
    method, events = read(data)
    assert len(events) == 1, events
    return method, events[0]
