"""Forms for a specialist's profile, weekly hours, time off, and the directory search.

The fields here only turn text into values (lists, minutes, cents, local date-times);
whether those values are acceptable is the services' call.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, Field, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import TextArea, TextInput

from telesecond.domain.tags import format_hhmm, parse_hhmm
from telesecond.domain.wall_clock import existing_instant
from telesecond.services.scheduling.specialists import LIMITS, WEEKDAYS
from telesecond.web.form_text import Present, Required

MIN_YEAR, MAX_YEAR = 1970, 2200
MAX_NOTICE_HOURS = LIMITS["min_notice_minutes"][1] // 60
_LIST_SPLIT = re.compile(r"[,\n;]")
_WINDOW_SPLIT = re.compile(r"[,;]")
_DASH = re.compile(r"\s*[-\u2013\u2014]\s*")  # hyphen, en dash, em dash
_HOUR = re.compile(r"^(\d{1,2}):(\d{2})$")
_MONEY = re.compile(r"^\d{1,6}(?:[.,]\d{1,2})?$")
_HOURS = re.compile(r"^\d{1,4}(?:[.,]\d{1,2})?$")
_OVERRIDE_LINE = re.compile(r"^(\S+?)\s*:\s*(.*)$")
MAX_FEE_CENTS = 10_000_000


def no_nul(form, field) -> None:
    """Refuse NUL characters, which no database column can hold."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise ValidationError(_("Remove the invisible control characters from this text."))


def split_list(text: str) -> list[str]:
    """Items separated by commas, semicolons or new lines, trimmed, empties dropped."""
    return [item.strip() for item in _LIST_SPLIT.split(text or "") if item.strip()]


def _minutes(text: str, *, allow_24: bool = False) -> int:
    match = _HOUR.match(text.strip())
    if match:  # be kind to "9:00"
        text = f"{int(match.group(1)):02d}:{match.group(2)}"
    return parse_hhmm(text, allow_24=allow_24)


def parse_windows(text: str) -> list[tuple[int, int]]:
    """``"09:00-12:00, 13:00-17:00"`` as minute pairs; empty text is a closed day.

    Only the syntax is checked here; an inverted or overlapping window is the service's
    to refuse, with its own message.
    """
    windows = []
    for part in _WINDOW_SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        pieces = _DASH.split(part)
        if len(pieces) != 2:
            raise ValueError(f"“{part[:40]}” is not a time window such as 09:00-12:00.")
        try:
            windows.append((_minutes(pieces[0]), _minutes(pieces[1], allow_24=True)))
        except ValueError as exc:
            raise ValueError(f"“{part[:40]}”: {exc}") from None
    if len(windows) > 12:
        raise ValueError("Give at most 12 windows a day.")
    return windows


def format_windows(windows: list[tuple[int, int]]) -> str:
    """The text form of a day's windows."""
    return ", ".join(f"{format_hhmm(s)}-{format_hhmm(e)}" for s, e in windows)


def parse_overrides(text: str) -> tuple[list[tuple[date, list[tuple[int, int]]]], list[str]]:
    """Lines like ``2026-12-24: closed`` or ``2026-12-27: 10:00-14:00``; (overrides, errors)."""
    overrides: list[tuple[date, list[tuple[int, int]]]] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _OVERRIDE_LINE.match(line)
        try:
            if not match:
                raise ValueError(
                    "write the date, a colon, then “closed” or hours such as 10:00-14:00."
                )
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                raise ValueError(f"“{match.group(1)[:20]}” is not a date (YYYY-MM-DD).") from None
            if day in seen:
                raise ValueError(f"{day.isoformat()} is already given on line {seen[day]}.")
            rest = match.group(2).strip()
            windows = [] if rest.casefold() == "closed" else parse_windows(rest)
            if not windows and rest.casefold() != "closed":
                raise ValueError("write “closed” or hours such as 10:00-14:00.")
        except ValueError as exc:
            errors.append(f"Line {number}: {exc}")
            continue
        seen[day] = number
        overrides.append((day, windows))
    if len(overrides) > 400:
        errors.append("Give at most 400 dates.")
    return overrides, errors


def overrides_of(rows) -> list[tuple[date, list[tuple[int, int]]]]:
    """A profile's date override rows (ordered by day, start) as (date, windows)."""
    by_day: dict[date, list[tuple[int, int]]] = {}
    for row in rows:
        windows = by_day.setdefault(row.day, [])
        if row.start_minute is not None and row.end_minute is not None:
            windows.append((row.start_minute, row.end_minute))
    return list(by_day.items())


def local_to_utc(value: datetime, zone_name: str) -> datetime:
    """A naive wall-clock time in ``zone_name`` as aware UTC.

    A time the clocks skip (spring forward) is refused; a time that happens twice (fall
    back) is taken at its first occurrence.
    """
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Use a year between {MIN_YEAR} and {MAX_YEAR}.")
    instant = existing_instant(value, ZoneInfo(zone_name))
    if instant is None:
        raise ValueError(
            f"{value:%H:%M} on {value:%d %B %Y} does not exist in {zone_name}: the clocks "
            "go forward then. Choose a time after the change."
        )
    return instant


class _TextValueField(Field):
    """A text field that parses its input and, when it cannot, shows it back as typed."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parse_errors: list[str] = []

    def to_text(self, value) -> str:
        raise NotImplementedError

    def parse(self, text: str):
        raise NotImplementedError

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.to_text(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        self.data = None
        try:
            self.data = self.parse(valuelist[0])
        except ValueError as exc:
            self.parse_errors = [str(exc)]

    def pre_validate(self, form) -> None:
        if self.raw_data and "\x00" in self.raw_data[0]:
            raise StopValidation(_("Remove the invisible control characters from this text."))
        if self.raw_data and len(self.raw_data[0]) > 20_000:
            raise StopValidation(_("This text is too long."))
        if self.parse_errors:
            self.errors.extend(self.parse_errors)
            raise StopValidation()


class TagListField(_TextValueField):
    """Comma- or newline-separated tags as a list of strings."""

    def __init__(
        self, label=None, validators=None, *, max_items: int = 20, joiner: str = ", ", **kwargs
    ):
        super().__init__(label, validators, **kwargs)
        self.max_items = max_items
        self.joiner = joiner

    def to_text(self, value) -> str:
        return self.joiner.join(value)

    def parse(self, text: str) -> list[str]:
        items = split_list(text)
        if len(items) > self.max_items:
            raise ValueError(_("Give at most %(num)d.", num=self.max_items))
        return items


class WindowsField(_TextValueField):
    """One day's hours: ``09:00-12:00, 13:00-17:00``; empty means closed."""

    def to_text(self, value) -> str:
        return format_windows(value)

    def parse(self, text: str) -> list[tuple[int, int]]:
        return parse_windows(text)


class OverridesField(_TextValueField):
    """Date overrides, one date a line; every faulty line is named."""

    widget = TextArea()

    def to_text(self, value) -> str:
        return "\n".join(
            f"{day.isoformat()}: {format_windows(w) if w else 'closed'}" for day, w in value
        )

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        self.data, self.parse_errors = parse_overrides(valuelist[0])


class MoneyField(_TextValueField):
    """An amount in major units (``150.00``) held as minor units (15000)."""

    def to_text(self, value) -> str:
        return f"{Decimal(value) / 100:.2f}"

    def parse(self, text: str) -> int:
        text = text.strip().replace(" ", "")
        if not _MONEY.match(text):
            raise ValueError(_("Enter an amount such as 150 or 150.00."))
        cents = int(Decimal(text.replace(",", ".")) * 100)
        if cents > MAX_FEE_CENTS:
            raise ValueError(_("Enter at most %(amount)s.", amount=f"{MAX_FEE_CENTS // 100:,}"))
        return cents


class HoursField(_TextValueField):
    """A number of hours (``24`` or ``1.5``) held as whole minutes."""

    def to_text(self, value) -> str:
        hours = Decimal(value) / 60
        return f"{hours:.0f}" if value % 60 == 0 else f"{hours:.2f}".rstrip("0")

    def parse(self, text: str) -> int:
        text = text.strip()
        if not _HOURS.match(text):
            raise ValueError("Enter a number of hours, such as 24 or 1.5.")
        hours = Decimal(text.replace(",", "."))
        if hours > MAX_NOTICE_HOURS:
            raise ValueError(
                f"Use at most {MAX_NOTICE_HOURS} hours ({MAX_NOTICE_HOURS // 24} days)."
            )
        return int((hours * 60).to_integral_value())


def _at_most(limit: int) -> Length:
    """``Length(max=limit)`` whose message is in the page's language."""
    return Length(max=limit, message=_l("Use at most %(max)d characters."))


class SpecialistProfileForm(FlaskForm):
    """The public profile: tags, bio, credentials and fee."""

    specialties = TagListField(_l("Specialties"), widget=TextArea(), joiner="\n", max_items=20)
    conditions = TagListField(
        _l("Conditions you give second opinions on"), widget=TextArea(), joiner="\n", max_items=50
    )
    languages = TagListField(_l("Languages you consult in"), max_items=20)
    licensed_regions = TagListField(_l("Where you are licensed"), max_items=100)
    bio = TextAreaField(_l("About you"), validators=[Optional(), _at_most(5000), no_nul])
    credentials = TextAreaField(_l("Credentials"), validators=[Optional(), _at_most(2000), no_nul])
    fee = MoneyField(_l("Fee per consultation"), validators=[Present()])
    currency = StringField(_l("Currency"), validators=[Present(), _at_most(40), no_nul])

    def fill(self, profile) -> None:
        """Show the saved profile."""
        self.specialties.data = profile.labels("specialty")
        self.conditions.data = profile.labels("condition")
        self.languages.data = profile.labels("language")
        self.licensed_regions.data = profile.labels("region")
        self.bio.data = profile.bio
        self.credentials.data = profile.credentials
        self.fee.data = profile.fee_cents
        self.currency.data = profile.currency

    def values(self) -> dict:
        """Keyword arguments for ``specialists.update_profile``."""
        return {
            "specialties": self.specialties.data or [],
            "conditions": self.conditions.data or [],
            "languages": self.languages.data or [],
            "licensed_regions": self.licensed_regions.data or [],
            "bio": self.bio.data or "",
            "credentials": self.credentials.data or "",
            "fee_cents": self.fee.data,
            "currency": self.currency.data,
        }


_HOURS_HINT = "For example 09:00-12:00, 13:00-17:00. Leave empty when you do not work that day."


class AvailabilityForm(FlaskForm):
    """Time zone, slot rules, one text field per weekday, and date overrides."""

    timezone = StringField(_l("Time zone"), validators=[InputRequired(), Length(max=64), no_nul])
    consultation_minutes = IntegerField(
        _l("Consultation length (minutes)"), validators=[InputRequired()]
    )
    buffer_minutes = IntegerField(
        _l("Break after each consultation (minutes)"), validators=[InputRequired()]
    )
    min_notice_hours = HoursField(_l("Minimum notice (hours)"), validators=[InputRequired()])
    horizon_days = IntegerField(_l("Bookable how far ahead (days)"), validators=[InputRequired()])
    monday = WindowsField(_l("Monday"), validators=[Optional()])
    tuesday = WindowsField(_l("Tuesday"), validators=[Optional()])
    wednesday = WindowsField(_l("Wednesday"), validators=[Optional()])
    thursday = WindowsField(_l("Thursday"), validators=[Optional()])
    friday = WindowsField(_l("Friday"), validators=[Optional()])
    saturday = WindowsField(_l("Saturday"), validators=[Optional()])
    sunday = WindowsField(_l("Sunday"), validators=[Optional()])
    overrides = OverridesField(_l("Dates with different hours"), validators=[Optional()])

    hours_hint = _HOURS_HINT

    def day_fields(self) -> list[Field]:
        """The seven weekday fields, Monday first."""
        return [self[name.lower()] for name in WEEKDAYS]

    def fill(self, profile) -> None:
        """Show the saved rules."""
        self.timezone.data = profile.timezone
        self.consultation_minutes.data = profile.consultation_minutes
        self.buffer_minutes.data = profile.buffer_minutes
        self.min_notice_hours.data = profile.min_notice_minutes
        self.horizon_days.data = profile.horizon_days
        days: list[list[tuple[int, int]]] = [[] for _ in WEEKDAYS]
        for window in profile.windows:
            days[window.weekday].append((window.start_minute, window.end_minute))
        for field, windows in zip(self.day_fields(), days, strict=True):
            field.data = windows
        self.overrides.data = overrides_of(profile.overrides)

    def weekly(self) -> list[tuple[int, int, int]]:
        """(weekday, start minute, end minute) for every window entered."""
        return [
            (weekday, start, end)
            for weekday, field in enumerate(self.day_fields())
            for start, end in field.data or []
        ]


class TimeOffForm(FlaskForm):
    """A stretch of time off, entered as local date-times."""

    _formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    start = DateTimeLocalField(_l("Starts"), format=_formats, validators=[Required()])
    end = DateTimeLocalField(_l("Ends"), format=_formats, validators=[Required()])
    note = StringField(
        _l("Note (optional, only you see it)"), validators=[Optional(), Length(max=200), no_nul]
    )

    def span_in(self, zone_name: str) -> tuple[datetime, datetime] | None:
        """(start, end) as UTC, reading the inputs as wall-clock times in ``zone_name``.

        Appends a message to the field and returns None when a time does not exist.
        """
        span = []
        for field in (self.start, self.end):
            try:
                span.append(local_to_utc(field.data, zone_name))
            except ValueError as exc:
                field.errors = [*field.errors, str(exc)]
        return (span[0], span[1]) if len(span) == 2 else None


class HoursGridForm(FlaskForm):
    """The weekly hours grid: its cells are read from the request, this carries the CSRF."""


class DateOverrideForm(FlaskForm):
    """One date's own hours, or the date closed, from the month calendar."""

    day = DateField(_l("Date"), validators=[Required()])
    hours = StringField(_l("Hours on that date"), validators=[Optional(), Length(max=200), no_nul])

    def override(self) -> tuple[date, list[tuple[int, int]]] | None:
        """The date and its windows (none: closed), read by the date overrides' parser.

        Appends the parser's message to ``hours`` and returns None when it cannot read them.
        """
        text = (self.hours.data or "").strip() or "closed"
        overrides, errors = parse_overrides(f"{self.day.data.isoformat()}: {text}")
        if errors:
            self.hours.errors = [*self.hours.errors, *(e.partition(": ")[2] for e in errors)]
            return None
        return overrides[0]


class DirectorySearchForm(FlaskForm):
    """The directory's search, sent by GET."""

    class Meta:
        csrf = False  # a GET search: nothing changes, and the URL can be shared

    specialty = StringField(_l("Specialty"), validators=[Optional(), Length(max=120), no_nul])
    condition = StringField(_l("Condition"), validators=[Optional(), Length(max=120), no_nul])
    # Names or codes: "Spanish" or es, "New York" or US-NY (issue 19.1).
    language = StringField(_l("Language"), validators=[Optional(), Length(max=80), no_nul])
    region = StringField(
        _l("Where will you be during the consultation?"),
        validators=[Optional(), Length(max=80), no_nul],
    )
    tz = StringField(_l("Show times in"), validators=[Optional(), Length(max=64), no_nul])
