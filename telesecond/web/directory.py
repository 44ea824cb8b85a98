"""The public directory: search specialists, and one specialist's week of free times.

The place the patient will be (typed in the search, as a name or a code) goes with them
as ``region=<ISO 3166 code>`` to the specialist's page and on to the booking form; the
page offers only the times a current licence for that place covers. When the search
names no place, a signed-in patient's usual place (their profile, else their latest
booking: ``services/accounts/home_region``) is assumed, and the page says so.

Places, languages and dates are written in the page's language (CLDR names via Babel).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from telesecond.clock import utcnow
from telesecond.domain import language_names, licensure, region_names
from telesecond.domain.accounts import is_valid_timezone
from telesecond.domain.pricing import money
from telesecond.domain.slots import Slot
from telesecond.domain.wall_clock import local_midnight
from telesecond.models import SpecialistProfile
from telesecond.services import languages
from telesecond.services.accounts import home_region
from telesecond.services.errors import ServiceError
from telesecond.services.fees import terms as fee_terms
from telesecond.services.scheduling import availability, directory
from telesecond.web.helpers import apply_errors, current_account
from telesecond.web.specialist_forms import DirectorySearchForm
from telesecond.web.templating import clock

bp = Blueprint("directory", __name__)


@bp.app_template_filter("language_name")
def language_name(tag: str) -> str:
    """The name of a language tag in the page's language ("Yoruba", "yoruba" in Spanish)."""
    return language_names.name(tag, languages.current_locale().language)


@bp.app_template_filter("region_name")
def region_name(code: str) -> str:
    """The name of a place in the page's language ("United Kingdom" for ``GB``, "New York
    (United States)", "Nueva York (Estados Unidos)")."""
    return region_names.name(code, languages.current_locale().language)


def _british_style() -> bool:
    """English outside the US keeps the directory's "Monday 02 March 2026"."""
    locale = languages.current_locale()
    return locale.language == "en" and locale.territory != "US"


@bp.app_template_filter("long_day")
def long_day(day: date) -> str:
    """A date with its month named: "31 December 2027", "31 de diciembre de 2027"."""
    locale = languages.current_locale()
    return format_date(day, "dd MMMM y" if _british_style() else "long", locale=locale)


def week_day(day: date, *, year: bool) -> str:
    """A day with its weekday: "Monday 02 March 2026", "lunes, 2 de marzo de 2026"."""
    locale = languages.current_locale()
    if _british_style():
        return format_date(day, "EEEE dd MMMM y" if year else "EEEE dd MMMM", locale=locale)
    if year:
        return format_date(day, "full", locale=locale)
    return format_skeleton("MMMMEEEEd", day, locale=locale)


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
    return fallback, _("We do not know that time zone; times are shown in %(zone)s.", zone=fallback)


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

    @property
    def label(self) -> str:
        return week_day(self.day, year=False)


@dataclass(frozen=True)
class WeekView:
    """A week of free slots in the viewer's zone, and where the week links may go."""

    monday: date
    days: list[DayView]
    previous: date | None
    next: date | None
    next_free: datetime | None  # the first free slot after this week, when it is empty

    @property
    def label(self) -> str:
        return week_day(self.monday, year=True)

    @property
    def next_free_week(self) -> date | None:
        """The Monday (viewer's zone) of the week holding ``next_free``."""
        return _monday(self.next_free.astimezone(self.zone).date()) if self.next_free else None

    zone: ZoneInfo = ZoneInfo("UTC")


def _first_free_after(
    specialist_id: int,
    after: datetime,
    until: datetime,
    now: datetime,
    bookable: Callable[[Slot], bool] | None = None,
) -> datetime | None:
    """The first free slot starting in [after, until], asked in windows the service allows."""
    start = after
    while start < until:
        end = min(start + availability.MAX_WINDOW, until)
        slots = availability.free_slots(specialist_id, start, end, now=now)
        slots = [s for s in slots if bookable(s)] if bookable else slots
        if slots:
            return slots[0].start
        start = end
    return None


def _group(slots: list[Slot], zone: ZoneInfo, their_zone: ZoneInfo) -> list[DayView]:
    days: dict[date, list[SlotView]] = {}
    for slot in slots:
        local = slot.start.astimezone(zone)
        days.setdefault(local.date(), []).append(
            SlotView(slot.start, clock(slot.start, zone.key), clock(slot.start, their_zone.key))
        )
    return [DayView(day, items) for day, items in days.items()]


def _week(
    profile: SpecialistProfile,
    zone: ZoneInfo,
    requested: date | None,
    now: datetime,
    bookable: Callable[[Slot], bool] | None = None,
) -> WeekView:
    """The requested week (clamped to now..horizon) or, by default, the first week with times.

    ``bookable`` keeps only some slots (those a licence for the patient's place covers).
    """
    horizon = now + timedelta(days=profile.horizon_days)
    first = _monday(now.astimezone(zone).date())
    last = _monday(horizon.astimezone(zone).date())
    monday = min(max(requested, first), last) if requested else first

    def slots_of(week: date) -> list[Slot]:
        start, end = local_midnight(week, zone), local_midnight(week + _WEEK, zone)
        found = availability.free_slots(profile.account_id, start, end, now=now)
        return [s for s in found if bookable(s)] if bookable else found

    slots = slots_of(monday)
    if not slots and requested is None:
        soonest = availability.next_available(profile, now)
        if soonest is not None:
            monday = _monday(soonest.astimezone(zone).date())
            slots = slots_of(monday)
    next_free = None
    if not slots:
        next_free = _first_free_after(
            profile.account_id,
            max(local_midnight(monday + _WEEK, zone), now),
            horizon,
            now,
            bookable,
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
    region = None
    # No place in the search (not even an emptied field): the patient's usual place.
    home = _home() if "region" not in request.args else None
    if home is not None:
        form.region.data = home_region.label(home.code)
    if form.validate():
        try:
            filters = directory.resolve(
                directory.Filters(
                    specialty=form.specialty.data or None,
                    condition=form.condition.data or None,
                    language=form.language.data or None,
                    region=(home.code if home else form.region.data) or None,
                )
            )
            region = filters.region
            results, cursor = directory.search(
                filters, now=utcnow(), cursor=request.args.get("cursor")
            )
        except ServiceError as error:
            apply_errors(form, error)
            region = None
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
        region=region,
        region_source=home.source if home is not None and region else "search",
        next_args={**args, "cursor": cursor} if cursor else None,
        searched=any(request.args.get(k) for k in ("specialty", "condition", "language", "region")),
        first_page_args=args if request.args.get("cursor") else None,
        tz_arg=request.args.get("tz") or None,
        money=money,
        terms=fee_terms.current(),
    ), 422 if failed else 200


def _home() -> home_region.HomeRegion | None:
    """A signed-in patient's usual place (profile, else latest booking), or None."""
    return home_region.of(current_account()) if current_user.is_authenticated else None


@dataclass(frozen=True)
class PlaceCheck:
    """Where the patient will be, and whether this specialist may consult them there."""

    code: str
    licensed: bool  # a current verified licence covers the place now
    source: str = "search"  # or "profile", "booking": the patient's usual place


def _place(form: DirectorySearchForm, licences, now: datetime) -> PlaceCheck | None:
    """The patient's place from ``?region=`` (a code or a name), checked against licences;
    without ``region`` in the query, the signed-in patient's usual place."""
    if "region" not in request.args:
        home = _home()
        if home is None:
            return None
        form.region.data = home_region.label(home.code)
        return _checked(home.code, licences, now, home.source)
    text = form.region.data
    if not text or not form.region.validate(form):
        return None
    try:
        code = directory.resolve(directory.Filters(region=text)).region
    except ServiceError as error:
        apply_errors(form, error)
        return None
    return _checked(code, licences, now, "search")


def _checked(code: str, licences, now: datetime, source: str) -> PlaceCheck:
    covers = [licensure.Cover(lic.region, lic.expires_on) for lic in licences]
    return PlaceCheck(code, licensure.covers(covers, code, until=now), source)


@bp.get("/specialists/<int:specialist_id>")
def specialist(specialist_id: int):
    """One specialist's profile and a week of free times in the viewer's zone.

    With the patient's place (``?region=``), only the times a licence for it covers are
    offered, and the page says so in words when there are none.
    """
    now = utcnow()
    profile = availability.get_profile(specialist_id)
    zone, zone_problem = viewer_zone(request.args.get("tz"))
    licences = directory.current_licences([specialist_id], now)[specialist_id]
    form = DirectorySearchForm(formdata=request.args)
    place = _place(form, licences, now)
    bookable = None
    if place is not None:
        covers = [licensure.Cover(lic.region, lic.expires_on) for lic in licences]

        def bookable(slot: Slot) -> bool:
            return licensure.covers(covers, place.code, until=slot.end)

    week = None
    if place is None or place.licensed:
        week = _week(
            profile, ZoneInfo(zone), _requested_week(request.args.get("week")), now, bookable
        )
    can_book = not (current_user.is_authenticated and current_user.role == "specialist")
    return render_template(
        "directory/detail.html",
        profile=profile,
        zone=zone,
        zone_problem=zone_problem,
        week=week,
        can_book=can_book,
        tz_arg=request.args.get("tz") or None,
        form=form,
        place=place,
        # Week links repeat a searched place; a usual place is found again on each page.
        region_arg=place.code if place and place.source == "search" else None,
        book_region=place.code if place else None,
        next_available=availability.next_available(profile, now),
        licences=licences,
        money=money,
        terms=fee_terms.current(),
    ), 422 if form.region.errors else 200
