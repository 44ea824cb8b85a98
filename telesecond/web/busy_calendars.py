"""A specialist's own calendars on the availability page: connect, refresh now, remove.

The panel (templates/specialist/_busy_calendars.html) is included by the availability
page and gets its data from the ``busy_calendar_panel()`` template global.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from telesecond.clock import utcnow
from telesecond.services.errors import ServiceError
from telesecond.services.scheduling import busy_calendars as service
from telesecond.services.scheduling import specialists
from telesecond.web.helpers import apply_errors, current_account, specialists_only
from telesecond.web.specialist import availability_page
from telesecond.web.specialist_forms import AvailabilityForm, TimeOffForm, no_nul

bp = Blueprint("busy_calendars", __name__, url_prefix="/specialist/busy-calendars")
ANCHOR = "#busy-calendars"


class BusyCalendarForm(FlaskForm):
    """Connect a calendar by its secret ICS address."""

    url = StringField(
        _l("Secret address of your calendar"),
        validators=[
            InputRequired("Enter your calendar's secret address."),
            Length(
                max=service.MAX_URL_LENGTH,
                message=f"The address is too long (at most {service.MAX_URL_LENGTH} characters).",
            ),
            no_nul,
        ],
    )
    label = StringField(
        _l("Name (optional)"),
        validators=[
            Length(
                max=service.MAX_LABEL_LENGTH,
                message=f"Keep the name to {service.MAX_LABEL_LENGTH} characters.",
            ),
            no_nul,
        ],
    )


bp.before_request(specialists_only)


def _back():
    return redirect(url_for("specialist.availability") + ANCHOR)


@bp.app_template_global()
def busy_calendar_panel() -> dict:
    """What the panel shows: the signed-in specialist's calendars and the add form."""
    now = utcnow()
    me = current_account()
    counts = service.upcoming_counts(me.id, now)
    rows = [
        {"calendar": c, "address": service.mask(c.url), "busy_count": counts.get(c.id, 0)}
        for c in service.calendars_of(me.id)
    ]
    form = g.get("busy_calendar_form") or BusyCalendarForm(prefix="busy", formdata=None)
    return {
        "rows": rows,
        "form": form,
        "max_calendars": service.MAX_CALENDARS,
        "zone": specialists.ensure_profile(me, now=utcnow()).timezone,
    }


@bp.post("", endpoint="add")
def add():
    """Connect a calendar, then read it at once so the page shows what it found."""
    form = BusyCalendarForm(prefix="busy")
    if form.validate_on_submit():
        now = utcnow()
        try:
            calendar = service.add_calendar(
                current_account(), form.url.data, form.label.data or "", now=now
            )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            outcome = service.refresh_now(current_account(), calendar.id, now=now)
            _flash_outcome(outcome, connected=True)
            return _back()
    # Show the whole availability page again, with this form's errors beside its fields.
    g.busy_calendar_form = form
    page, _ = availability_page(
        AvailabilityForm(formdata=None), TimeOffForm(prefix="time_off", formdata=None), fill=True
    )
    return page, 422


@bp.post("/<int:calendar_id>/refresh", endpoint="refresh")
def refresh(calendar_id: int):
    """Fetch one calendar now rather than at its next turn."""
    try:
        outcome = service.refresh_now(current_account(), calendar_id, now=utcnow())
    except ServiceError as error:
        abort(error.status)
    _flash_outcome(outcome, connected=False)
    return _back()


@bp.post("/<int:calendar_id>/delete", endpoint="remove")
def remove(calendar_id: int):
    """Disconnect a calendar; its busy times stop blocking slots at once."""
    try:
        service.remove_calendar(current_account(), calendar_id)
    except ServiceError as error:
        abort(error.status)
    flash("The calendar is removed. Its events no longer block your slots.", "success")
    return _back()


def _flash_outcome(outcome: service.Outcome, *, connected: bool) -> None:
    start = "Your calendar is connected" if connected else "Your calendar is refreshed"
    if outcome.status == "failed" and connected:
        flash(
            f"Your calendar is connected, but we could not read it yet: {outcome.error} "
            "We keep trying regularly.",
            "warning",
        )
    elif outcome.status == "failed":
        flash(
            f"We could not refresh your calendar: {outcome.error} "
            "The busy times read before still block your slots.",
            "warning",
        )
    elif outcome.status == "skipped":
        flash("This calendar was read less than a minute ago. Try again shortly.", "info")
    else:
        times = (
            "busy time ahead now blocks"
            if outcome.busy_count == 1
            else "busy times ahead now block"
        )
        flash(f"{start}: {outcome.busy_count} {times} your slots.", "success")
