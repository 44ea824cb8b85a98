"""Build small iCalendar bodies for the busy-calendar tests."""

from __future__ import annotations


def event(uid: str, *lines: str) -> str:
    """One VEVENT with the given content lines (DTSTART, DTEND, RRULE, ...)."""
    return "\r\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260301T000000Z", *lines, "END:VEVENT"]
    )


def calendar(*events: str, extra: tuple[str, ...] = ()) -> bytes:
    """A VCALENDAR holding ``events`` (and any extra components such as a VTIMEZONE)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//telesecond tests//EN", *extra, *events]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()
