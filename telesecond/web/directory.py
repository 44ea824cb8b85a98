"""The public directory: search specialists, and one specialist's week of free times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask_login import current_user

from telesecond.clock import utcnow
from telesecond.domain.accounts import is_valid_timezone
from telesecond.domain.pricing import money
from telesecond.domain.slots import Slot
from telesecond.domain.wall_clock import local_midnight
from telesecond.models import SpecialistProfile
from telesecond.services.errors import ServiceError
from telesecond.services.fees import terms as fee_terms
from telesecond.services.scheduling import availability, directory
from telesecond.web.helpers import apply_errors
from telesecond.web.specialist_forms import DirectorySearchForm

bp = Blueprint("directory", __name__)

_WEEK = timedelta(days=7)


def viewer_zone(requested: str | None) -> tuple[str, str | None]:
    """The zone to show times in, and a message when the requested one is unknown.

    An explicit ``tz`` wins; otherwise the signed-in account's zone, otherwise UTC.
    """
    fallback = current_user.timezone if current_user.is_authenticated else "UTC"
    requested = (requested or "").strip()
    if not requested:
        return fallback, None
    if is_valid_timezone(requested):
        return requested, None
    return fallback, f"We do not know that time zone; times are shown in {fallback}."


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _requested_week(text: str | None) -> date | None:
    try:
        return _monday(date.fromisoformat(text)) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class SlotView:
    """One free slot as the viewer reads it, with the specialist's own clock beside it."""

    start: datetime
    viewer_time: str
    specialist_time: str


@dataclass(frozen=True)
class DayView:
    """The free slots on one of the viewer's local days."""

    day: date
    slots: list[SlotView]


@dataclass(frozen=True)
class WeekView:
    """A week of free slots in the viewer's zone, and where the week links may go."""

    monday: date
    days: list[DayView]
    previous: date | None
    next: date | None
    next_free: datetime | None  # the first free slot after this week, when it is empty

    @property
    def next_free_week(self) -> date | None:
        """The Monday (viewer's zone) of the week holding ``next_free``."""
        return _monday(self.next_free.astimezone(self.zone).date()) if self.next_free else None

    zone: ZoneInfo = ZoneInfo("UTC")


def _first_free_after(
    specialist_id: int, after: datetime, until: datetime, now: datetime
) -> datetime | None:
    """The first free slot starting in [after, until], asked in windows the service allows."""
    start = after
    while start < until:
        end = min(start + availability.MAX_WINDOW, until)
        slots = availability.free_slots(specialist_id, start, end, now=now)
        if slots:
            return slots[0].start
        start = end
    return None


def _group(slots: list[Slot], zone: ZoneInfo, their_zone: ZoneInfo) -> list[DayView]:
    days: dict[date, list[SlotView]] = {}
    for slot in slots:
        local = slot.start.astimezone(zone)
        theirs = slot.start.astimezone(their_zone)
        days.setdefault(local.date(), []).append(
            SlotView(slot.start, local.strftime("%H:%M"), theirs.strftime("%H:%M"))
        )
    return [DayView(day, items) for day, items in days.items()]


def _week(
    profile: SpecialistProfile, zone: ZoneInfo, requested: date | None, now: datetime
) -> WeekView:
    """The requested week (clamped to now..horizon) or, by default, the first week with times."""
    horizon = now + timedelta(days=profile.horizon_days)
    first = _monday(now.astimezone(zone).date())
    last = _monday(horizon.astimezone(zone).date())
    monday = min(max(requested, first), last) if requested else first

    def slots_of(week: date) -> list[Slot]:
        start, end = local_midnight(week, zone), local_midnight(week + _WEEK, zone)
        return availability.free_slots(profile.account_id, start, end, now=now)

    slots = slots_of(monday)
    if not slots and requested is None:
        soonest = availability.next_available(profile, now)
        if soonest is not None:
            monday = _monday(soonest.astimezone(zone).date())
            slots = slots_of(monday)
    next_free = None
    if not slots:
        next_free = _first_free_after(
            profile.account_id, max(local_midnight(monday + _WEEK, zone), now), horizon, now
        )
    return WeekView(
        monday=monday,
        days=_group(slots, zone, ZoneInfo(profile.timezone)),
        previous=monday - _WEEK if monday > first else None,
        next=monday + _WEEK if monday < last else None,
        next_free=next_free,
        zone=zone,
    )


@bp.get("/specialists")
def specialists():
    """Search specialists; results as cards with the next free time in the viewer's zone."""
    form = DirectorySearchForm(formdata=request.args)
    if not form.tz.data and current_user.is_authenticated:
        form.tz.data = current_user.timezone
    zone, zone_problem = viewer_zone(form.tz.data)
    results: list[SpecialistProfile] = []
    cursor = None
    if form.validate():
        filters = directory.Filters(
            specialty=form.specialty.data or None,
            condition=form.condition.data or None,
            language=form.language.data or None,
            region=form.region.data or None,
        )
        try:
            results, cursor = directory.search(
                filters, now=utcnow(), cursor=request.args.get("cursor")
            )
        except ServiceError as error:
            apply_errors(form, error)
    licences = directory.current_licences([p.account_id for p in results], utcnow())
    failed = bool(form.errors or form.form_errors)
    if zone_problem:
        form.tz.errors = [*form.tz.errors, zone_problem]
    args = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return render_template(
        "directory/list.html",
        form=form,
        results=results,
        licences=licences,
        zone=zone,
        next_args={**args, "cursor": cursor} if cursor else None,
        searched=any(request.args.get(k) for k in ("specialty", "condition", "language", "region")),
        first_page_args=args if request.args.get("cursor") else None,
        tz_arg=request.args.get("tz") or None,
        money=money,
        terms=fee_terms.current(),
    ), 422 if failed else 200


@bp.get("/specialists/<int:specialist_id>")
def specialist(specialist_id: int):
    """One specialist's profile and a week of free times in the viewer's zone."""
    now = utcnow()
    profile = availability.get_profile(specialist_id)
    zone, zone_problem = viewer_zone(request.args.get("tz"))
    week = _week(profile, ZoneInfo(zone), _requested_week(request.args.get("week")), now)
    can_book = not (current_user.is_authenticated and current_user.role == "specialist")
    return render_template(
        "directory/detail.html",
        profile=profile,
        zone=zone,
        zone_problem=zone_problem,
        week=week,
        can_book=can_book,
        tz_arg=request.args.get("tz") or None,
        next_available=availability.next_available(profile, now),
        licences=directory.current_licences([specialist_id], now)[specialist_id],
        money=money,
        terms=fee_terms.current(),
    )
