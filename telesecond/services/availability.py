"""Free slots for a specialist, and the cached first free slot the directory sorts by."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from telesecond.domain import slots as engine
from telesecond.extensions import db
from telesecond.models import SpecialistProfile, TimeOff
from telesecond.services import busy
from telesecond.services.errors import Invalid, NotFound

MAX_WINDOW = timedelta(days=62)
# A cached "next available" is trusted at most this long; changes that could free an
# earlier slot (rules, time off, cancellations) invalidate it at once anyway.
CACHE_TTL = timedelta(hours=1)
CACHE_TTL_NONE = timedelta(minutes=15)


def schedule_of(profile: SpecialistProfile) -> engine.Schedule:
    """The pure engine's view of a profile's rules."""
    overrides: dict = defaultdict(list)
    for row in profile.overrides:
        windows = overrides[row.day]
        if row.start_minute is not None and row.end_minute is not None:
            windows.append((row.start_minute, row.end_minute))
    return engine.Schedule(
        timezone=profile.timezone,
        weekly=tuple(
            engine.WeeklyWindow(w.weekday, w.start_minute, w.end_minute) for w in profile.windows
        ),
        policy=engine.SlotPolicy(
            consultation_minutes=profile.consultation_minutes,
            buffer_minutes=profile.buffer_minutes,
            min_notice_minutes=profile.min_notice_minutes,
            horizon_days=profile.horizon_days,
        ),
        overrides=tuple(engine.DateOverride(day, tuple(w)) for day, w in overrides.items()),
    )


def _intervals(rows: Iterable) -> list[engine.Interval]:
    return [engine.Interval(r.start, r.end) for r in rows]


def busy_intervals(
    account_id: int,
    start: datetime,
    end: datetime,
    *,
    ignore_consultation: int | None = None,
    patient_id: int | None = None,
) -> tuple[list, list]:
    """(booked consultations, live holds but the patient's own) overlapping [start, end)."""
    return (
        busy.booked(account_id, start, end, ignore_consultation),
        busy.held(account_id, start, end, except_patient=patient_id),
    )


def time_off_between(account_id: int, start: datetime, end: datetime) -> list[engine.Interval]:
    """Time off overlapping [start, end)."""
    rows = db.session.execute(
        select(TimeOff.start, TimeOff.end).where(
            TimeOff.account_id == account_id, TimeOff.start < end, TimeOff.end > start
        )
    )
    return _intervals(rows)


def _inputs(
    profile: SpecialistProfile,
    start: datetime,
    end: datetime,
    ignore_consultation: int | None = None,
    patient_id: int | None = None,
) -> dict:
    # Widen the fetch by the buffer so a booking just outside the range still pushes slots.
    pad = timedelta(minutes=profile.buffer_minutes + profile.consultation_minutes)
    booked, holds = busy_intervals(
        profile.account_id,
        start - pad,
        end + pad,
        ignore_consultation=ignore_consultation,
        patient_id=patient_id,
    )
    return {
        "busy": booked,
        "holds": holds,
        "time_off": time_off_between(profile.account_id, start - pad, end + pad),
    }


def get_profile(account_id: int) -> SpecialistProfile:
    """A specialist's profile, or NotFound."""
    profile = db.session.get(SpecialistProfile, account_id)
    if profile is None or not profile.account.active:
        raise NotFound("No such specialist.")
    return profile


def free_slots(
    account_id: int,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    ignore_consultation: int | None = None,
    patient_id: int | None = None,
) -> list[engine.Slot]:
    """Bookable slots in [start, end); the window may span at most 62 days."""
    if end <= start:
        raise Invalid.field("end", "The end must be after the start.")
    if end - start > MAX_WINDOW:
        raise Invalid.field("end", "Ask for at most 62 days at a time.")
    profile = get_profile(account_id)
    return engine.free_slots(
        schedule_of(profile),
        now=now,
        start=start,
        end=end,
        **_inputs(profile, start, end, ignore_consultation, patient_id),
    )


def is_free_slot(
    account_id: int,
    start: datetime,
    *,
    now: datetime,
    ignore_consultation: int | None = None,
    patient_id: int | None = None,
) -> engine.Slot | None:
    """The slot starting exactly at ``start`` if it is bookable now (for this patient)."""
    profile = get_profile(account_id)
    length = timedelta(minutes=profile.consultation_minutes)
    for slot in engine.free_slots(
        schedule_of(profile),
        now=now,
        start=start,
        end=start + length,
        **_inputs(profile, start, start + length, ignore_consultation, patient_id),
    ):
        if slot.start == start:
            return slot
    return None


def invalidate(profile: SpecialistProfile) -> None:
    """Forget the cached first free slot (call in the transaction that changed things)."""
    profile.next_available_valid_until = None


def invalidate_by_id(account_id: int) -> None:
    """Same as invalidate, by specialist id."""
    profile = db.session.get(SpecialistProfile, account_id)
    if profile is not None:
        invalidate(profile)


def refresh_next_available(profile: SpecialistProfile, now: datetime) -> datetime | None:
    """Recompute and store the first free slot's start; the caller commits."""
    horizon = now + timedelta(days=profile.horizon_days)
    slot = engine.first_free_slot(schedule_of(profile), now=now, **_inputs(profile, now, horizon))
    profile.next_available_at = slot.start if slot else None
    if slot is None:
        profile.next_available_valid_until = now + CACHE_TTL_NONE
    else:
        notice = timedelta(minutes=profile.min_notice_minutes)
        profile.next_available_valid_until = min(slot.start - notice, now + CACHE_TTL)
    return profile.next_available_at


def public_profile(account_id: int, now: datetime) -> tuple[SpecialistProfile, datetime | None]:
    """A specialist's profile and first free slot (refreshing and saving the cache)."""
    profile = get_profile(account_id)
    start = next_available(profile, now)
    db.session.commit()
    return profile, start


def next_available(profile: SpecialistProfile, now: datetime) -> datetime | None:
    """The cached first free slot, recomputed when stale."""
    valid = profile.next_available_valid_until
    if valid is None or valid <= now:
        refresh_next_available(profile, now)
    return profile.next_available_at
