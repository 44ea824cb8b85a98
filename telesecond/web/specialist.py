"""The signed-in specialist's own pages: dashboard, public profile, weekly hours, time off."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from telesecond.clock import utcnow
from telesecond.services import dashboard as dashboards
from telesecond.services import languages
from telesecond.services.errors import ServiceError
from telesecond.services.fees import terms as fee_terms
from telesecond.services.scheduling import availability, specialists
from telesecond.web import specialist_grid, specialist_month
from telesecond.web.helpers import apply_errors, current_account, specialists_only
from telesecond.web.specialist_forms import (
    AvailabilityForm,
    HoursGridForm,
    SpecialistProfileForm,
    TimeOffForm,
)

bp = Blueprint("specialist", __name__, url_prefix="/specialist")

PREVIEW_DAYS = 14
PREVIEW_COUNT = 5
# Service field names that the HTML form spells differently.
_FIELD_NAMES = {"min_notice_minutes": "min_notice_hours"}


bp.before_request(specialists_only)


def _status(*forms) -> int:
    return 422 if any(f.errors or f.form_errors for f in forms) else 200


def _routed(error: ServiceError) -> ServiceError:
    """The error with weekly-hours messages moved onto their day's field.

    The service reports every weekly problem under ``weekly`` as ``"Monday: …"``; the
    form has one field per day, so each message goes beside the day it names.
    """
    errors: dict[str, list[str]] = {}
    for name, messages in error.errors.items():
        for message in messages:
            target = _FIELD_NAMES.get(name, name)
            if name == "weekly":
                day, _, rest = message.partition(": ")
                if day in specialists.WEEKDAYS and rest:
                    # The field is labelled with the day, so the summary still reads
                    # "Monday: 11:00-13:00 overlaps 09:00-12:00".
                    target, message = day.lower(), rest
            errors.setdefault(target, []).append(message)
    return type(error)(error.detail, errors)


@bp.get("/", endpoint="dashboard")
def dashboard_page():
    """Today's and the next days' consultations, with conditions, records and opinions."""
    board = dashboards.dashboard_for(current_account(), now=utcnow(), ip=request.remote_addr)
    zone = ZoneInfo(board.zone)
    clock = languages.patterns().clock
    return render_template(
        "specialist/dashboard.html",
        board=board,
        day_label=specialist_month.day_label,
        clock_time=lambda instant: languages.format_local(instant, zone, clock),
        last_day=board.today + timedelta(days=dashboards.DAYS_AHEAD),
    )


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    """Edit the public profile patients search."""
    form = SpecialistProfileForm()
    if form.validate_on_submit():
        try:
            specialists.update_profile(
                current_account(), **form.values(), ip=request.remote_addr, now=utcnow()
            )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("specialist.profile"))
    elif request.method == "GET":
        form.fill(specialists.ensure_profile(current_account(), now=utcnow()))
    review = specialists.verification_of(current_account())
    return render_template(
        "specialist/profile.html", form=form, review=review, fee_terms=fee_terms.current()
    ), _status(form)


def saved_rules(profile, *, weekly=None, overrides=None) -> specialists.AvailabilityInput:
    """The profile's saved rules, with new weekly hours or date overrides in their place."""
    return specialists.AvailabilityInput(
        timezone=profile.timezone,
        weekly=weekly
        if weekly is not None
        else [(w.weekday, w.start_minute, w.end_minute) for w in profile.windows],
        consultation_minutes=profile.consultation_minutes,
        buffer_minutes=profile.buffer_minutes,
        min_notice_minutes=profile.min_notice_minutes,
        horizon_days=profile.horizon_days,
        overrides=overrides,
    )


def _preview(me, now: datetime):
    return availability.free_slots(
        me.id, now, now + timedelta(days=PREVIEW_DAYS), now=now, listed_only=False
    )[:PREVIEW_COUNT]


def availability_page(form: AvailabilityForm, time_off_form: TimeOffForm, *, fill: bool):
    """Render the hours editor with the time off list and a preview of free slots."""
    me, now = current_account(), utcnow()
    profile = specialists.ensure_profile(me, now=now)
    if fill:
        form.fill(profile)
    preview = _preview(me, now)
    return render_template(
        "specialist/availability.html",
        form=form,
        time_off_form=time_off_form,
        profile=profile,
        preview=preview,
        preview_days=PREVIEW_DAYS,
        time_off=specialists.time_off_of(me.id, since=now),
    ), _status(form, time_off_form)


@bp.route("/availability", methods=["GET", "POST"], endpoint="availability")
def edit_availability():
    """Edit the time zone, weekly hours, date overrides and booking rules."""
    form = AvailabilityForm()
    if form.validate_on_submit():
        data = specialists.AvailabilityInput(
            timezone=form.timezone.data.strip(),
            weekly=form.weekly(),
            consultation_minutes=form.consultation_minutes.data,
            buffer_minutes=form.buffer_minutes.data,
            min_notice_minutes=form.min_notice_hours.data,
            horizon_days=form.horizon_days.data,
            overrides=form.overrides.data or [],
        )
        try:
            specialists.set_availability(
                current_account(), data, ip=request.remote_addr, now=utcnow()
            )
        except ServiceError as error:
            apply_errors(form, _routed(error))
        else:
            flash(_("Your hours are saved."), "success")
            return redirect(url_for("specialist.availability"))
    return availability_page(
        form, TimeOffForm(prefix="time_off", formdata=None), fill=request.method == "GET"
    )


@bp.post("/time-off")
def add_time_off():
    """Block a stretch of local time; the inputs are wall-clock times in the specialist's zone."""
    form = TimeOffForm(prefix="time_off")
    if form.validate_on_submit():
        zone = specialists.ensure_profile(current_account(), now=utcnow()).timezone
        span = form.span_in(zone)
        if span is not None:
            try:
                specialists.add_time_off(
                    current_account(),
                    start=span[0],
                    end=span[1],
                    note=form.note.data or "",
                    ip=request.remote_addr,
                    now=utcnow(),
                )
            except ServiceError as error:
                apply_errors(form, error)
            else:
                flash(_("Your time off is added."), "success")
                return redirect(url_for("specialist.availability") + "#time-off")
    return availability_page(AvailabilityForm(formdata=None), form, fill=True)


@bp.post("/time-off/<int:time_off_id>/delete")
def delete_time_off(time_off_id: int):
    """Remove one of the specialist's own time-off entries."""
    specialists.delete_time_off(current_account(), time_off_id, ip=request.remote_addr)
    flash(_("The time off is removed."), "success")
    return redirect(url_for("specialist.availability") + "#time-off")


@bp.route("/hours", methods=["GET", "POST"], endpoint="hours_grid")
def hours_grid():
    """The weekly hours on a grid of half hours; saves what the text form saves."""
    me, now = current_account(), utcnow()
    profile = specialists.ensure_profile(me, now=now)
    form = HoursGridForm()
    saved = [(w.weekday, w.start_minute, w.end_minute) for w in profile.windows]
    whole_day = request.values.get("rows") == "all"
    shown = saved
    if form.validate_on_submit():
        try:
            shown = specialist_grid.parse_cells(request.form.getlist("cell"))
            specialists.set_availability(
                me, saved_rules(profile, weekly=shown), ip=request.remote_addr, now=now
            )
        except ValueError as exc:
            form.form_errors.append(str(exc))
            shown = saved
        except ServiceError as error:
            messages = [m for ms in error.errors.values() for m in ms] or [error.detail]
            form.form_errors.extend(messages)
        else:
            flash(_("Your weekly hours are saved."), "success")
            return redirect(url_for("specialist.hours_grid", rows="all" if whole_day else None))
    grid = specialist_grid.build(shown, whole_day=whole_day)
    return render_template(
        "specialist/hours.html",
        form=form,
        grid=grid,
        profile=profile,
        preview=_preview(me, now),
        preview_days=PREVIEW_DAYS,
    ), _status(form)
