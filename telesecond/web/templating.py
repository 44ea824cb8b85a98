"""Template globals and filters shared by every page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, url_for
from flask_login import current_user

from telesecond.domain.instants import to_rfc3339


def local_time(
    value: datetime | None, zone: str | None = None, fmt: str = "%a %d %b %Y, %H:%M"
) -> str:
    """An instant in a person's zone, with the zone named."""
    if value is None:
        return ""
    if zone is None:
        zone = current_user.timezone if current_user.is_authenticated else "UTC"
    local = value.astimezone(ZoneInfo(zone))
    abbreviation = local.strftime("%Z")
    named = zone if abbreviation in (zone, "") else f"{zone}, {abbreviation}"
    return f"{local.strftime(fmt)} ({named})"


def init_templating(app: Flask) -> None:
    """Register the navigation, the time filter and ``rfc3339()`` for machine-read times."""
    app.add_template_filter(local_time, "local_time")
    app.add_template_global(to_rfc3339, "rfc3339")

    @app.context_processor
    def navigation():
        nav = [
            (url_for("directory.specialists"), "Find a specialist"),
            (url_for("main.index"), "Home"),
        ]
        if current_user.is_authenticated:
            label = "Agenda" if current_user.role == "specialist" else "My consultations"
            nav.append((url_for("consultations.list"), label))
            if current_user.role == "specialist":
                nav.append((url_for("specialist.profile"), "My profile"))
                nav.append((url_for("specialist.availability"), "Availability"))
            if current_user.role == "admin":
                nav.append((url_for("admin_console.home"), "Admin"))
                nav.append((url_for("opinions.admin"), "Opinions"))
                nav.append((url_for("reminders.admin"), "Failed messages"))
            nav.append((url_for("auth.profile"), "My account"))
        return {"nav": nav}
