"""A per-process cache of what a booking needs from a specialist's profile.

Re-checking a slot needs the weekly rules, date overrides, slot policy and verified
licences. They change rarely, so each process keeps them keyed by (account id,
``updated_at``): every change of rules, policy or tags bumps ``updated_at`` in the same
transaction (services/specialists.py), so another process's change is seen at the next
booking. Flushes in this process also drop the entry at once (a frozen test clock can
leave ``updated_at`` unchanged).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, inspect
from sqlalchemy.orm import selectinload

from telesecond.domain import licensure
from telesecond.domain import slots as engine
from telesecond.extensions import db
from telesecond.models import (
    DateOverrideRow,
    SpecialistLicence,
    SpecialistProfile,
    SpecialistTag,
    WeeklyWindowRow,
)

MAX_ENTRIES = 4096
# Profile columns the cached facts are made of (a change of any drops the entry).
_PROFILE_FIELDS = (
    "timezone",
    "consultation_minutes",
    "buffer_minutes",
    "min_notice_minutes",
    "horizon_days",
    "updated_at",
)


@dataclass(frozen=True)
class SpecialistFacts:
    """The immutable, shareable part of a profile that slot checks and licences read."""

    account_id: int
    updated_at: datetime
    schedule: engine.Schedule
    licences: tuple[licensure.Cover, ...]

    @property
    def consultation_minutes(self) -> int:
        return self.schedule.policy.consultation_minutes

    @property
    def buffer_minutes(self) -> int:
        return self.schedule.policy.buffer_minutes

    def licensed_for(self, region: str, *, until: datetime) -> bool:
        """Whether a verified licence covers a patient in ``region`` up to ``until``."""
        return licensure.covers(self.licences, region, until=until)


_cache: dict[int, SpecialistFacts] = {}
_lock = threading.Lock()


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


def facts_of(profile: SpecialistProfile) -> SpecialistFacts:
    """The facts of a loaded profile, from the cache when its ``updated_at`` still matches."""
    found = _cache.get(profile.account_id)
    if found is not None and found.updated_at == profile.updated_at:
        return found
    return _remember(profile)


def schedule_for(profile: SpecialistProfile) -> engine.Schedule:
    """The profile's schedule: cached when current, else built (without loading its tags)."""
    found = _cache.get(profile.account_id)
    if found is not None and found.updated_at == profile.updated_at:
        return found.schedule
    return schedule_of(profile)


def facts_for(account_id: int, updated_at: datetime) -> SpecialistFacts | None:
    """The facts for a specialist whose profile row says ``updated_at``; loads on a miss."""
    found = _cache.get(account_id)
    if found is not None and found.updated_at == updated_at:
        return found
    profile = db.session.get(
        SpecialistProfile,
        account_id,
        options=[
            selectinload(SpecialistProfile.windows),
            selectinload(SpecialistProfile.overrides),
            selectinload(SpecialistProfile.licences),
        ],
    )
    return None if profile is None else _remember(profile)


def forget(account_id: int) -> None:
    """Drop a specialist's cached facts."""
    _cache.pop(account_id, None)


def _remember(profile: SpecialistProfile) -> SpecialistFacts:
    facts = SpecialistFacts(
        account_id=profile.account_id,
        updated_at=profile.updated_at,
        schedule=schedule_of(profile),
        licences=tuple(licensure.Cover(lic.region, lic.expires_on) for lic in profile.licences),
    )
    with _lock:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[profile.account_id] = facts
    return facts


def _forget_row(mapper, connection, target) -> None:  # noqa: ARG001
    forget(target.account_id)


def _forget_licence(mapper, connection, target) -> None:  # noqa: ARG001
    forget(target.specialist_id)


def _forget_profile(mapper, connection, target) -> None:  # noqa: ARG001
    attrs = inspect(target).attrs
    if any(attrs[name].history.has_changes() for name in _PROFILE_FIELDS):
        forget(target.account_id)


for _model in (WeeklyWindowRow, DateOverrideRow, SpecialistTag):
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _forget_row)
for _name in ("after_insert", "after_update", "after_delete"):
    event.listen(SpecialistLicence, _name, _forget_licence)
event.listen(SpecialistProfile, "after_update", _forget_profile)
event.listen(SpecialistProfile, "after_delete", _forget_row)
