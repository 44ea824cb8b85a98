"""Template globals and filters shared by every page."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location
from flask import Flask, url_for
from flask_babel import gettext as _
from flask_login import current_user

from telesecond.domain.instants import to_rfc3339
from telesecond.domain.languages import cldr_pattern, uses_12_hour_clock
from telesecond.services import languages


def local_time(
    value: datetime | None, zone: str | None = None, fmt: str = "%a %d %b %Y, %H:%M"
) -> str:
    """An instant in a person's zone, with the zone named, in the page's language (names
    of days and months; a 12-hour clock in US English)."""
    if value is None:
        return ""
    if zone is None:
        zone = current_user.timezone if current_user.is_authenticated else "UTC"
    local = value.astimezone(ZoneInfo(zone))
    abbreviation = local.strftime("%Z")
    named = zone if abbreviation in (zone, "") else f"{zone}, {abbreviation}"
    locale = languages.current_locale()
    pattern = cldr_pattern(fmt, uses_12_hour_clock(locale.language, locale.territory))
    return f"{languages.format_local(value, ZoneInfo(zone), pattern)} ({named})"


def _viewer_zone(zone: str | None) -> str:
    if zone is None:
        return current_user.timezone if current_user.is_authenticated else "UTC"
    return zone


def clock(value: datetime | None, zone: str | None = None) -> str:
    """The wall-clock time alone, as the page's locale writes it: ``4:00 PM`` in US
    English, ``16:00`` elsewhere (``en`` without a region included)."""
    if value is None:
        return ""
    return languages.format_local(value, ZoneInfo(_viewer_zone(zone)), languages.patterns().clock)


def zone_city(zone: str) -> str:
    """A zone as people name it, in the page's language: ``New York``, ``Londres``."""
    if zone == "UTC" or zone.startswith("Etc/"):
        return "UTC"
    return get_timezone_location(ZoneInfo(zone), languages.current_locale(), return_city=True)


def zone_time(value: datetime | None, zone: str | None = None) -> str:
    """The wall-clock time with its zone named: ``4:00 AM New York time``."""
    if value is None:
        return ""
    zone = _viewer_zone(zone)
    return _("%(time)s %(city)s time", time=clock(value, zone), city=zone_city(zone))


def local_day(value: date | None, fmt: str | None = None) -> str:
    """A day in the page's language: by default with its weekday, as the locale writes
    it (``Tuesday, March 3`` in US English, ``Tuesday 03 March`` elsewhere); else in
    ``fmt``, in ``strftime`` terms."""
    if value is None:
        return ""
    if fmt is not None:
        return languages.format_day(value, cldr_pattern(fmt))
    locale = languages.current_locale()
    us = uses_12_hour_clock(locale.language, locale.territory)
    return languages.format_day(value, "EEEE, MMMM d" if us else "EEEE dd MMMM")


def init_templating(app: Flask) -> None:
    """Register the navigation, the time filter and ``rfc3339()`` for machine-read times."""
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(clock, "clock")
    app.add_template_filter(zone_time, "zone_time")
    app.add_template_filter(zone_city, "zone_city")
    app.add_template_filter(local_day, "local_day")
    app.add_template_global(to_rfc3339, "rfc3339")

    @app.context_processor
    def navigation():
        nav = [
            (url_for("directory.specialists"), _("Find a specialist")),
            (url_for("main.index"), _("Home")),
        ]
        if current_user.is_authenticated:
            if current_user.role == "specialist":
                nav.append((url_for("specialist.dashboard"), _("Dashboard")))
            label = _("Agenda") if current_user.role == "specialist" else _("My consultations")
            nav.append((url_for("consultations.list"), label))
            if current_user.role == "specialist":
                nav.append((url_for("specialist.profile"), _("My profile")))
                nav.append((url_for("specialist.availability"), _("Availability")))
            if current_user.role == "admin":
                nav.append((url_for("admin_console.home"), _("Admin")))
                nav.append((url_for("opinions.admin"), _("Opinions")))
                nav.append((url_for("reminders.admin"), _("Failed messages")))
            nav.append((url_for("auth.profile"), _("My account")))
        return {"nav": nav}
