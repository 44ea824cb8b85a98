"""The admin console's blueprint, who may enter it, and how its filters are read.

Visitors are sent to sign in; signed-in people who are not admins get 403, as on the
older admin pages (``/admin/reminders``, ``/admin/opinions``).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app
from flask_babel import gettext as _
from flask_login import current_user

from telesecond.domain.wall_clock import local_midnight

bp = Blueprint("admin_console", __name__, url_prefix="/admin")

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


@bp.before_request
def admins_only():
    """Visitors sign in first; only admins get in."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role != "admin":
        abort(403)
    return None


class Filters:
    """Query-string values read one by one; what is wrong is kept per field."""

    def __init__(self, args) -> None:
        self.args = args
        self.errors: dict[str, str] = {}

    def text(self, name: str, limit: int = 200) -> str:
        value = self.args.get(name, "").strip()
        if len(value) > limit:
            self.errors[name] = _("Use at most %(num)s characters.", num=limit)
            return ""
        return value

    def choice(self, name: str, choices) -> str:
        value = self.args.get(name, "").strip()
        if value and value not in choices:
            self.errors[name] = _("Choose a value from the list.")
            return ""
        return value

    def number(self, name: str, *, default: int | None = None, limit: int = 2**31 - 1):
        raw = self.args.get(name, "").strip()
        if not raw:
            return default
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or not 1 <= int(raw) <= limit:
            self.errors[name] = _("Enter a whole number from 1.")
            return default
        return int(raw)

    def day(self, name: str) -> date | None:
        raw = self.args.get(name, "").strip()
        if not raw:
            return None
        try:
            value = date.fromisoformat(raw[:10]) if len(raw) == 10 else None
        except ValueError:
            value = None
        if value is None or not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            self.errors[name] = _(
                "Enter a date as YYYY-MM-DD between %(first)s and %(last)s.",
                first=EARLIEST_YEAR,
                last=LATEST_YEAR,
            )
            return None
        return value

    def day_range(self, start: str, end: str, zone: str) -> tuple[datetime | None, datetime | None]:
        """From the start of local day ``start`` to the end of local day ``end``, in UTC."""
        tz = ZoneInfo(zone)
        first, last = self.day(start), self.day(end)
        since = local_midnight(first, tz) if first else None
        before = local_midnight(date.fromordinal(last.toordinal() + 1), tz) if last else None
        if first and last and last < first:
            self.errors[end] = _("The end date must not be before the start date.")
        return since, before
