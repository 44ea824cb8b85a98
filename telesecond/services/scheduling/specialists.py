"""Use cases for a specialist's own profile, hours and time off."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from telesecond.db.locks import lock_specialist
from telesecond.domain import slots as engine
from telesecond.domain import tags
from telesecond.domain.accounts import is_valid_timezone
from telesecond.extensions import db
from telesecond.models import (
    Account,
    DateOverrideRow,
    SpecialistProfile,
    SpecialistTag,
    TimeOff,
    WeeklyWindowRow,
)
from telesecond.services import audit
from telesecond.services.errors import Forbidden, Invalid, NotFound
from telesecond.services.scheduling import profile_words
from telesecond.services.scheduling.availability import invalidate

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_FEE_CENTS = 10_000_000
OVERRIDE_YEARS = (2000, 2200)
LIMITS = {
    "consultation_minutes": (10, 240),
    "buffer_minutes": (0, 120),
    "min_notice_minutes": (0, 43_200),
    "horizon_days": (1, 365),
}


@dataclass(frozen=True)
class AvailabilityInput:
    """Everything the availability editor (HTML or API) submits."""

    timezone: str
    weekly: list[tuple[int, int, int]]  # (weekday, start_minute, end_minute)
    consultation_minutes: int
    buffer_minutes: int
    min_notice_minutes: int
    horizon_days: int
    overrides: list[tuple[date, list[tuple[int, int]]]] | None = None  # None = keep


def _require_specialist(account: Account) -> None:
    if account.role != "specialist":
        raise Forbidden("Only specialists have a profile and availability.")


def ensure_profile(account: Account, *, now: datetime) -> SpecialistProfile:
    """The specialist's profile, created with defaults on first use."""
    _require_specialist(account)
    profile = db.session.get(SpecialistProfile, account.id)
    if profile is None:
        profile = SpecialistProfile(
            account_id=account.id,
            timezone=account.timezone,
            updated_at=now,
            bio="",
            credentials="",
            fee_cents=0,
            currency="EUR",
        )
        db.session.add(profile)
        db.session.flush()
    return profile


def own_profile(account: Account, *, now: datetime) -> SpecialistProfile:
    """The caller's profile for reading, created (and saved) with defaults on first use."""
    profile = ensure_profile(account, now=now)
    db.session.commit()
    return profile


def _tag_rows(kind: str, values: list[str], errors: dict[str, list[str]], field: str):
    rows, seen = [], set()
    for value in values:
        try:
            if kind == "language":
                key, label = tags.normalize_language(value)
            elif kind == "region":
                key = label = tags.normalize_region(value)
            else:
                key, label = tags.normalize_term(value)
        except ValueError:
            errors.setdefault(field, []).append(profile_words.tag_problem(kind, value))
            continue
        if key not in seen:
            seen.add(key)
            rows.append(SpecialistTag(kind=kind, value=key.casefold(), label=label))
    return rows


def update_profile(
    account: Account,
    *,
    specialties: list[str],
    conditions: list[str],
    languages: list[str],
    licensed_regions: list[str],
    bio: str,
    fee_cents: int,
    currency: str,
    now: datetime,
    credentials: str = "",
    ip: str | None = None,
) -> SpecialistProfile:
    """Replace the public profile; raise Invalid with field errors."""
    profile = ensure_profile(account, now=now)
    errors: dict[str, list[str]] = {}
    new_tags = (
        _tag_rows("specialty", specialties, errors, "specialties")
        + _tag_rows("condition", conditions, errors, "conditions")
        + _tag_rows("language", languages, errors, "languages")
        + _tag_rows("region", licensed_regions, errors, "licensed_regions")
    )
    try:
        currency = tags.normalize_currency(currency)
    except ValueError:
        errors["currency"] = [profile_words.currency_problem()]
    if not specialties:
        errors.setdefault("specialties", []).append(profile_words.no_specialty())
    for field, values, most in (
        ("specialties", specialties, 20),
        ("conditions", conditions, 50),
        ("languages", languages, 20),
        ("licensed_regions", licensed_regions, 100),
    ):
        if len(values) > most:
            errors.setdefault(field, []).append(profile_words.too_many(most))
    if not 0 <= fee_cents <= MAX_FEE_CENTS:
        errors["fee_cents"] = [profile_words.fee_out_of_range(MAX_FEE_CENTS)]
    if not languages:
        errors.setdefault("languages", []).append(profile_words.no_language())
    if errors:
        db.session.rollback()
        raise Invalid(profile_words.needs_attention(), errors)
    lock_specialist(profile.account_id)  # bookings in flight finish with the old regions
    profile.tags = new_tags
    profile.bio = bio.strip()
    profile.credentials = credentials.strip()
    profile.fee_cents = fee_cents
    profile.currency = currency
    profile.updated_at = now
    audit.record(
        "specialist.profile_updated",
        actor_id=account.id,
        target_type="specialist",
        target_id=account.id,
        ip=ip,
    )
    db.session.commit()
    return profile


def _check_day(
    windows: list[tuple[int, int]], field: str, label: str, errors: dict[str, list[str]]
) -> None:
    for problem in engine.validate_windows(windows):
        errors.setdefault(field, []).append(f"{label}: {problem}")


def set_availability(
    account: Account, data: AvailabilityInput, *, now: datetime, ip: str | None = None
) -> SpecialistProfile:
    """Replace weekly hours (and overrides, when given) and slot settings."""
    profile = ensure_profile(account, now=now)
    errors: dict[str, list[str]] = {}
    if not is_valid_timezone(data.timezone):
        errors["timezone"] = ["Choose a time zone such as Europe/Berlin."]
    for name, (low, high) in LIMITS.items():
        value = getattr(data, name)
        if not low <= value <= high:
            errors[name] = [f"Must be between {low} and {high}."]
    by_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for weekday, start, end in data.weekly:
        if not 0 <= weekday <= 6:
            errors.setdefault("weekly", []).append("Weekday must be 0 (Monday) to 6 (Sunday).")
            continue
        by_day[weekday].append((start, end))
    for weekday, windows in sorted(by_day.items()):
        _check_day(windows, "weekly", WEEKDAYS[weekday], errors)
    for day, windows in data.overrides or []:
        if not OVERRIDE_YEARS[0] <= day.year <= OVERRIDE_YEARS[1]:
            errors.setdefault("overrides", []).append(f"{day.isoformat()}: not a usable date.")
            continue
        _check_day(windows, "overrides", day.isoformat(), errors)
    if errors:
        raise Invalid("Some fields need attention.", errors)
    lock_specialist(profile.account_id)  # bookings in flight finish with the old rules
    profile.timezone = data.timezone
    for name in LIMITS:
        setattr(profile, name, getattr(data, name))
    profile.windows = [
        WeeklyWindowRow(weekday=w, start_minute=s, end_minute=e) for w, s, e in sorted(data.weekly)
    ]
    if data.overrides is not None:
        rows = []
        for day, windows in sorted(data.overrides):
            rows += [DateOverrideRow(day=day, start_minute=s, end_minute=e) for s, e in windows]
            if not windows:
                rows.append(DateOverrideRow(day=day, start_minute=None, end_minute=None))
        profile.overrides = rows
    profile.updated_at = now
    invalidate(profile)
    audit.record(
        "specialist.availability_updated",
        actor_id=account.id,
        target_type="specialist",
        target_id=account.id,
        ip=ip,
    )
    db.session.commit()
    return profile


def add_time_off(
    account: Account,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    note: str = "",
    ip: str | None = None,
) -> TimeOff:
    """Block a stretch of time; raise Invalid when it ends before it starts."""
    profile = ensure_profile(account, now=now)
    if end <= start:
        raise Invalid.field("end", "The end must be after the start.")
    if (end - start).days > 366:
        raise Invalid.field("end", "Time off can last at most a year; add another after it.")
    entry = TimeOff(account_id=profile.account_id, start=start, end=end, note=note.strip())
    db.session.add(entry)
    invalidate(profile)
    db.session.flush()
    audit.record(
        "specialist.time_off_added",
        actor_id=account.id,
        target_type="time_off",
        target_id=entry.id,
        ip=ip,
    )
    db.session.commit()
    return entry


def delete_time_off(account: Account, time_off_id: int, *, ip: str | None = None) -> None:
    """Remove one of the caller's own time-off entries (404 for anyone else's)."""
    entry = db.session.get(TimeOff, time_off_id)
    if entry is None or entry.account_id != account.id:
        raise NotFound("No such time off.")
    db.session.delete(entry)
    profile = db.session.get(SpecialistProfile, account.id)
    if profile is not None:
        invalidate(profile)
    audit.record(
        "specialist.time_off_deleted",
        actor_id=account.id,
        target_type="time_off",
        target_id=time_off_id,
        ip=ip,
    )
    db.session.commit()


def time_off_of(account_id: int, *, since: datetime | None = None) -> list[TimeOff]:
    """The specialist's time off that has not ended yet (or all, without ``since``)."""
    query = select(TimeOff).where(TimeOff.account_id == account_id).order_by(TimeOff.start)
    if since is not None:
        query = query.where(TimeOff.end > since)
    return list(db.session.scalars(query))


def verification_of(account: Account) -> SpecialistProfile | None:
    """A specialist's profile, to read where their review stands (None for others)."""
    if account.role != "specialist":
        return None
    return db.session.get(SpecialistProfile, account.id)
