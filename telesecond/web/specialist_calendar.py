"""The specialist's month calendar: dates with their own hours, closed dates, time off.

Dates change through the same date-override rules as the text form of the hours page
(``parse_overrides``), and time off through the same use case as its time-off form.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from telesecond.clock import utcnow
from telesecond.services.errors import ServiceError
from telesecond.services.scheduling import specialists
from telesecond.web import specialist_grid, specialist_month
from telesecond.web.helpers import apply_errors, current_account, specialists_only
from telesecond.web.specialist import saved_rules
from telesecond.web.specialist_forms import DateOverrideForm, TimeOffForm, overrides_of

bp = Blueprint("specialist_calendar", __name__, url_prefix="/specialist")
bp.before_request(specialists_only)


def _status(*forms) -> int:
    return 422 if any(f.errors or f.form_errors for f in forms) else 200


def calendar_page(
    override_form: DateOverrideForm, time_off_form: TimeOffForm, *, month: str | None = None
):
    """The month calendar with its two forms (a date's hours, time off)."""
    me, now = current_account(), utcnow()
    profile = specialists.ensure_profile(me, now=now)
    zone = ZoneInfo(profile.timezone)
    today = now.astimezone(zone).date()
    first = specialist_month.parse_month(month or request.args.get("month"), today)
    chosen = _chosen_day(request.args.get("day"), first, today)
    if request.method == "GET":
        override_form.day.data = chosen
        time_off_form.start.data = datetime.combine(chosen, datetime.min.time())
        time_off_form.end.data = datetime.combine(chosen + timedelta(days=1), datetime.min.time())
    overrides = overrides_of(profile.overrides)
    board = specialist_month.build(
        first,
        today=today,
        zone=zone,
        overrides=overrides,
        time_off=[(t.start, t.end) for t in specialists.time_off_of(me.id)],
    )
    return render_template(
        "specialist/calendar.html",
        month=board,
        profile=profile,
        override_form=override_form,
        time_off_form=time_off_form,
        overrides=[(day, windows) for day, windows in overrides if day >= today],
        format_windows=specialist_month.format_windows,
        day_names=specialist_grid.day_names(),
        short_day_names=specialist_grid.short_day_names(),
        day_label=specialist_month.day_label,
        chosen=chosen,
    ), _status(override_form, time_off_form)


def _chosen_day(text: str | None, first: date, today: date) -> date:
    """The day asked for, when in the month shown; else today in this month, or the 1st."""
    fallback = today if (today.year, today.month) == (first.year, first.month) else first
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return fallback
    return day if (day.year, day.month) == (first.year, first.month) else fallback


def _to_month(day: date):
    return redirect(
        url_for("specialist_calendar.month", month=specialist_month.month_key(day)) + "#month-title"
    )


@bp.get("/calendar", endpoint="month")
def month_calendar():
    """Date overrides and time off on a month calendar."""
    return calendar_page(
        DateOverrideForm(prefix="date", formdata=None),
        TimeOffForm(prefix="time_off", formdata=None),
    )


@bp.post("/calendar/date")
def set_date():
    """Give one date its own hours, or close it, keeping the other dates' overrides."""
    form = DateOverrideForm(prefix="date")
    if form.validate_on_submit():
        me, now = current_account(), utcnow()
        profile = specialists.ensure_profile(me, now=now)
        change = form.override()
        if change is not None:
            day, windows = change
            kept = [(d, w) for d, w in overrides_of(profile.overrides) if d != day]
            try:
                specialists.set_availability(
                    me,
                    saved_rules(profile, overrides=[*kept, (day, windows)]),
                    ip=request.remote_addr,
                    now=now,
                )
            except ServiceError as error:
                messages = [m for ms in error.errors.values() for m in ms] or [error.detail]
                form.hours.errors = [*form.hours.errors, *messages]
            else:
                if windows:
                    flash(_("%(day)s now has its own hours.", day=day.isoformat()), "success")
                else:
                    flash(_("%(day)s is now closed.", day=day.isoformat()), "success")
                return _to_month(day)
    month = specialist_month.month_key(form.day.data) if form.day.data else None
    return calendar_page(form, TimeOffForm(prefix="time_off", formdata=None), month=month)


@bp.post("/calendar/date/<day>/remove")
def remove_date(day: str):
    """Give a date back its weekly hours."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    me, now = current_account(), utcnow()
    profile = specialists.ensure_profile(me, now=now)
    overrides = overrides_of(profile.overrides)
    kept = [(d, w) for d, w in overrides if d != when]
    if len(kept) == len(overrides):
        abort(404)
    specialists.set_availability(
        me, saved_rules(profile, overrides=kept), ip=request.remote_addr, now=now
    )
    flash(_("%(day)s has its weekly hours again.", day=when.isoformat()), "success")
    return _to_month(when)


@bp.post("/calendar/time-off", endpoint="time_off")
def calendar_time_off():
    """Add time off from the month calendar; back to the month it starts in."""
    form = TimeOffForm(prefix="time_off")
    if form.validate_on_submit():
        me, now = current_account(), utcnow()
        zone = specialists.ensure_profile(me, now=now).timezone
        span = form.span_in(zone)
        if span is not None:
            try:
                specialists.add_time_off(
                    me,
                    start=span[0],
                    end=span[1],
                    note=form.note.data or "",
                    ip=request.remote_addr,
                    now=now,
                )
            except ServiceError as error:
                apply_errors(form, error)
            else:
                flash(_("Your time off is added."), "success")
                return _to_month(span[0].astimezone(ZoneInfo(zone)).date())
    month = specialist_month.month_key(form.start.data) if form.start.data else None
    return calendar_page(DateOverrideForm(prefix="date", formdata=None), form, month=month)
