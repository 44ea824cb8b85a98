"""A month of the specialist's calendar: which days have other hours, are closed, or off."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton
from flask_babel import gettext as _

from telesecond.domain.wall_clock import day_bounds
from telesecond.services import languages
from telesecond.services.scheduling.specialists import OVERRIDE_YEARS
from telesecond.web.specialist_forms import format_windows

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class MonthDay:
    day: date
    in_month: bool
    today: bool
    closed: bool = False
    hours: str = ""  # the date's own hours, when it has some
    time_off: list[str] = field(default_factory=list)  # "all day" or "14:00-18:00"

    @property
    def css(self) -> str:
        classes = []
        if not self.in_month:
            classes.append("outside")
        if self.closed or self.time_off:
            classes.append("is-closed")
        elif self.hours:
            classes.append("is-override")
        if self.today:
            classes.append("is-today")
        return " ".join(classes)

    @property
    def marked(self) -> bool:
        return self.closed or bool(self.hours) or bool(self.time_off)


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[MonthDay]]
    previous: str  # "2026-02"
    next: str
    title: str  # "March 2026"

    @property
    def key(self) -> str:
        return month_key(self.first)


def day_label(day: date) -> str:
    """A date in full as the page's language writes it: "Monday 2 March 2026" in English
    (as the rest of the site), "lunes, 2 de marzo de 2026" in Spanish."""
    locale = languages.current_locale()
    if locale.language == "en" and locale.territory != "US":
        return languages.format_day(day, "EEEE d MMMM y")
    return format_date(day, "full", locale=locale)


def month_title(first: date) -> str:
    """A month and its year: "March 2026", "marzo de 2026"."""
    return format_skeleton("yMMMM", first, locale=languages.current_locale())


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str | None, today: date) -> date:
    """The first day of ``"YYYY-MM"``; this month for anything else (or out of range)."""
    match = _MONTH.match(text or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if OVERRIDE_YEARS[0] <= year <= OVERRIDE_YEARS[1] and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def _clock(instant: datetime, zone: ZoneInfo) -> str:
    return languages.format_local(instant, zone, languages.patterns().clock)


def build(
    first: date,
    *,
    today: date,
    zone: ZoneInfo,
    overrides: list[tuple[date, list[tuple[int, int]]]],
    time_off: list[tuple[datetime, datetime]],
) -> Month:
    """The weeks (Monday first) of ``first``'s month with each day's changes marked."""
    by_day = dict(overrides)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        row = []
        for day in week:
            cell = MonthDay(day, day.month == first.month, day == today)
            if day in by_day:
                windows = by_day[day]
                cell.closed = not windows
                cell.hours = format_windows(windows) if windows else ""
            start, end = day_bounds(day, zone)
            for off_start, off_end in time_off:
                lo, hi = max(off_start, start), min(off_end, end)
                if hi <= lo:
                    continue
                if lo == start and hi == end:
                    cell.time_off.append(_("all day"))
                else:
                    cell.time_off.append(f"{_clock(lo, zone)}–{_clock(hi, zone)}")
            row.append(cell)
        weeks.append(row)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Month(
        first=first,
        weeks=weeks,
        previous=month_key(previous),
        next=month_key(following),
        title=month_title(first),
    )
