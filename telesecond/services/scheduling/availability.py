"""Free slots for a specialist, and the cached first free slot the directory sorts by."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from telesecond.domain import slots as engine
from telesecond.extensions import db
from telesecond.models import SpecialistProfile
from telesecond.services.errors import Invalid, NotFound
from telesecond.services.scheduling import busy
from telesecond.services.scheduling.rules_cache import SpecialistFacts, facts_of, schedule_for

MAX_WINDOW = timedelta(days=62)
# A cached "next available" is trusted for a random 30-90 minutes (so the entries of
# specialists refreshed together do not all lapse in the same later request); changes
# that could free an earlier slot (rules, time off, cancellations) invalidate it at once.
CACHE_TTL_MINUTES = (30, 90)
CACHE_TTL_NONE_MINUTES = (10, 20)  # when there is no free slot at all
# The directory's batch refresh looks this far ahead first (one query for every stale
# specialist); only a specialist without a free slot that soon is searched further.
BATCH_WINDOW = timedelta(days=14)


def _inputs(
    profile: SpecialistProfile,
    start: datetime,
    end: datetime,
    ignore_consultation: int | None = None,
    patient_id: int | None = None,
    *,
    now: datetime,
) -> dict:
    # Widen the fetch by the buffer so a booking just outside the range still pushes slots.
    pad = timedelta(minutes=profile.buffer_minutes + profile.consultation_minutes)
    found = busy.busy_time(
        profile.account_id,
        start - pad,
        end + pad,
        now=now,
        except_patient=patient_id,
        ignore_consultation=ignore_consultation,
    )
    return {"busy": found.booked, "holds": found.holds, "time_off": found.time_off}


def get_profile(account_id: int, *, listed_only: bool = True) -> SpecialistProfile:
    """A specialist's profile, or NotFound.

    Only a verified specialist is public: a pending, refused or suspended one is NotFound
    unless ``listed_only`` is False (the specialist's own pages).
    """
    profile = db.session.get(SpecialistProfile, account_id)
    if profile is None or not profile.account.active:
        raise NotFound("No such specialist.")
    if listed_only and profile.verification != "verified":
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
    listed_only: bool = True,
) -> list[engine.Slot]:
    """Bookable slots in [start, end); the window may span at most 62 days.

    ``listed_only=False`` lets a specialist preview their own slots before verification.
    """
    if end <= start:
        raise Invalid.field("end", "The end must be after the start.")
    if end - start > MAX_WINDOW:
        raise Invalid.field("end", "Ask for at most 62 days at a time.")
    profile = get_profile(account_id, listed_only=listed_only)
    return engine.free_slots(
        schedule_for(profile),
        now=now,
        start=start,
        end=end,
        **_inputs(profile, start, end, ignore_consultation, patient_id, now=now),
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
    facts = facts_of(get_profile(account_id))
    length = timedelta(minutes=facts.consultation_minutes)
    pad = timedelta(minutes=facts.buffer_minutes) + length
    found = busy.busy_time(
        account_id,
        start - pad,
        start + length + pad,
        now=now,
        except_patient=patient_id,
        ignore_consultation=ignore_consultation,
    )
    return slot_at(facts, start, now=now, busy_time=found)


def slot_at(
    facts: SpecialistFacts, start: datetime, *, now: datetime, busy_time: busy.BusyTime
) -> engine.Slot | None:
    """The slot starting exactly at ``start`` under the rules and the given busy time.

    ``busy_time`` covers at least [start - length - buffer, start + 2 * length + buffer).
    """
    length = timedelta(minutes=facts.consultation_minutes)
    for slot in engine.iter_slots(
        facts.schedule,
        now=now,
        start=start,
        end=start + length,
        busy=busy_time.booked,
        holds=busy_time.holds,
        time_off=busy_time.time_off,
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


def _ttl(bounds: tuple[int, int]) -> timedelta:
    return timedelta(seconds=random.uniform(bounds[0] * 60, bounds[1] * 60))


def _store(profile: SpecialistProfile, slot: engine.Slot | None, now: datetime) -> None:
    profile.next_available_at = slot.start if slot else None
    if slot is None:
        profile.next_available_valid_until = now + _ttl(CACHE_TTL_NONE_MINUTES)
    else:
        notice = timedelta(minutes=profile.min_notice_minutes)
        profile.next_available_valid_until = min(slot.start - notice, now + _ttl(CACHE_TTL_MINUTES))


def refresh_next_available(profile: SpecialistProfile, now: datetime) -> datetime | None:
    """Recompute and store the first free slot's start; the caller commits."""
    horizon = now + timedelta(days=profile.horizon_days)
    slot = engine.first_free_slot(
        schedule_for(profile), now=now, **_inputs(profile, now, horizon, now=now)
    )
    _store(profile, slot, now)
    return profile.next_available_at


def refresh_many(profiles: list[SpecialistProfile], now: datetime) -> None:
    """Recompute the first free slot of many profiles with one busy-time query; no commit.

    Needs each profile's windows and overrides loaded (else one query per profile).
    """
    if not profiles:
        return
    pad = timedelta(minutes=max(p.buffer_minutes + p.consultation_minutes for p in profiles))
    found = busy.busy_by_specialist(
        [p.account_id for p in profiles], now - pad, now + BATCH_WINDOW + pad, now=now
    )
    nothing = busy.BusyTime()
    for profile in profiles:
        horizon = timedelta(days=profile.horizon_days)
        busy_time = found.get(profile.account_id, nothing)
        slots = engine.iter_slots(
            schedule_for(profile),
            busy=busy_time.booked,
            holds=busy_time.holds,
            time_off=busy_time.time_off,
            now=now,
            start=now,
            end=now + min(horizon, BATCH_WINDOW),
        )
        slot = next(slots, None)
        if slot is None and horizon > BATCH_WINDOW:
            refresh_next_available(profile, now)  # look further, this one alone
        else:
            _store(profile, slot, now)


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
