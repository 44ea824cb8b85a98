"""When a consultation's reminders go out: offsets, quiet hours, late bookings, SMS caps.

Pure: the start, the booking time, the policy and the patient's preferences all come
in as arguments. The rules, in the order they apply:

1. **Channels.** An offset counts only if the patient chose its channel; SMS also
   needs ``sms_allowed`` (consent recorded, valid mobile, not opted out).
2. **Quiet hours** are the *open* local wall-clock interval ``(quiet_start,
   quiet_end)`` in the patient's zone, wrapping midnight when start > end. With the
   default 21:00-08:00, a message at 21:00:00 or at 08:00:00 is allowed, one at
   21:00:01 or 07:59 is not. A due time inside quiet hours moves *earlier*, to the
   instant the window opened (21:00 local that evening), the latest time that is not
   quiet. Wall times go through ``zoneinfo``, so the window stays 21:00-08:00 on 23 h
   and 25 h days. A window opening in a repeated hour opens at its first occurrence;
   one opening at a wall time the clock skips opens early by the size of the jump
   (quiet from 02:30 on a night that jumps 02:00 -> 03:00 opens at 01:30).
3. **Late bookings.** A reminder whose (shifted) due time is before ``booked_at``, or
   within the minute after it (a booking exactly 24 h ahead meets the 24 h reminder), is
   dropped, except, per channel, the one closest to the start, which is due at
   ``booked_at`` ("at once"). That send may fall in quiet hours: the patient is
   booking right then. Nothing is planned at or after the start. That catch-up is
   left out for a channel in ``confirmed_on``: a confirmation (the booking's, or the
   notice of a move) goes out on that channel at ``booked_at`` too, in the same
   minute, and already says when the call is. It is kept on every other channel.
4. **Duplicates** (same channel and due time, e.g. two offsets shifted to the same
   21:00) collapse to the one closest to the start.
5. **SMS caps**, counting ``existing_sms``: at most ``sms_per_day`` per local calendar
   day and ``sms_per_week`` in any rolling 7 x 24 h window. The SMS closest to the
   start (the 1 h join-link text) claims capacity first; an SMS that would exceed a
   cap is dropped, not merged; its email counterpart, if any, is unaffected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telesecond.domain.wall_clock import earliest_instant

CHANNELS = ("email", "sms")
DEFAULT_OFFSETS = "email:72h,email:24h,sms:24h,sms:1h"
DEFAULT_QUIET_HOURS = "21:00-08:00"
MAX_OFFSET = timedelta(days=366)
WEEK = timedelta(days=7)

_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
_DURATION = re.compile(r"(?:\d{1,6}[mhd])+")
_PART = re.compile(r"(\d{1,6})([mhd])")
_QUIET = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")


# A reminder due this close after the booking would arrive with its confirmation.
SAME_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Offset:
    """Send on ``channel`` this long before the start."""

    channel: Literal["email", "sms"]
    before: timedelta

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown reminder channel {self.channel!r}; use email or sms")
        if not timedelta(0) < self.before <= MAX_OFFSET:
            raise ValueError("a reminder offset must be positive and at most 366 days")


@dataclass(frozen=True)
class ReminderPolicy:
    """The service-wide rules: offsets, quiet hours (local wall clock) and SMS caps."""

    offsets: tuple[Offset, ...]
    quiet_start: time = time(21)
    quiet_end: time = time(8)
    sms_per_day: int = 1
    sms_per_week: int = 3

    def __post_init__(self) -> None:
        if self.quiet_start.tzinfo is not None or self.quiet_end.tzinfo is not None:
            raise ValueError("quiet hours are local wall-clock times without a zone")
        if self.quiet_start == self.quiet_end:
            raise ValueError("quiet hours must start and end at different times")
        if self.sms_per_day < 0 or self.sms_per_week < 0:
            raise ValueError("SMS caps must not be negative")


@dataclass(frozen=True)
class PatientPrefs:
    """How one patient may be reached."""

    timezone: str
    channels: frozenset[str]
    sms_allowed: bool

    def __post_init__(self) -> None:
        unknown = set(self.channels) - set(CHANNELS)
        if unknown:
            raise ValueError(f"unknown reminder channels {sorted(unknown)}")


@dataclass(frozen=True)
class ExistingSms:
    """An SMS already planned or sent to the same patient for another consultation."""

    due_at: datetime


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder to store: its channel, the offset it came from, when to send (UTC)."""

    channel: str
    offset: timedelta
    due_at: datetime


def format_offset(before: timedelta) -> str:
    """The shortest ``parse_offsets`` spelling of a duration: ``1h``, ``90m``, ``3d``."""
    minutes = int(before.total_seconds() // 60)
    for unit, size in (("d", 1440), ("h", 60)):
        if minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


def _parse_duration(text: str, item: str) -> timedelta:
    compact = text.strip().lower()
    if not _DURATION.fullmatch(compact):
        raise ValueError(
            f"reminder offset {item!r}: the duration must be whole minutes, hours or days"
            " such as 90m, 24h, 3d or 1h30m"
        )
    total = sum((int(n) * _UNITS[unit] for n, unit in _PART.findall(compact)), timedelta())
    if total <= timedelta(0) or total > MAX_OFFSET:
        raise ValueError(f"reminder offset {item!r}: must be more than 0 and at most 366 days")
    return total


def parse_offsets(text: str) -> tuple[Offset, ...]:
    """Parse ``REMINDER_OFFSETS`` (``"email:72h,email:24h,sms:24h,sms:1h"``).

    Units are ``m``, ``h`` and ``d`` (case-insensitive, combinable: ``1h30m``). An empty
    or blank text means no reminders.

    :raise ValueError: naming the bad entry: an empty entry, no ``:``, an unknown
        channel, a bad or zero duration, or the same channel and duration twice.
    """
    if not text.strip():
        return ()
    offsets: list[Offset] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            raise ValueError(f"reminder offsets {text!r}: empty entry between commas")
        channel, colon, duration = item.partition(":")
        if not colon:
            raise ValueError(f"reminder offset {item!r}: write channel:duration, such as sms:1h")
        channel = channel.strip().lower()
        if channel not in CHANNELS:
            raise ValueError(f"reminder offset {item!r}: unknown channel, use email or sms")
        offset = Offset(channel, _parse_duration(duration, item))  # type: ignore[arg-type]
        if offset in offsets:
            raise ValueError(f"reminder offset {item!r} is listed twice")
        offsets.append(offset)
    return tuple(offsets)


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """Parse ``QUIET_HOURS`` (``"21:00-08:00"``) into local (start, end) wall-clock times.

    :raise ValueError: unless the text is ``HH:MM-HH:MM`` with two different valid times.
    """
    match = _QUIET.fullmatch(text.replace(" ", ""))
    if not match:
        raise ValueError(f"quiet hours {text!r}: write HH:MM-HH:MM, such as 21:00-08:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"quiet hours {text!r}: times run from 00:00 to 23:59")
    start, end = time(h1, m1), time(h2, m2)
    if start == end:
        raise ValueError(f"quiet hours {text!r}: start and end must differ")
    return start, end


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _utc(value: datetime, label: str) -> datetime:
    if value.utcoffset() is None:
        raise ValueError(f"{label} must be timezone-aware")
    return value.astimezone(UTC)


def is_quiet(wall: time, quiet_start: time, quiet_end: time) -> bool:
    """Whether a local wall-clock time lies inside the open quiet interval."""
    if quiet_start < quiet_end:
        return quiet_start < wall < quiet_end
    return wall > quiet_start or wall < quiet_end


def leave_quiet_hours(
    due: datetime, zone: ZoneInfo, quiet_start: time, quiet_end: time
) -> datetime:
    """``due`` itself, or, inside quiet hours, the instant those quiet hours began."""
    local = due.astimezone(zone)
    wall = local.time()
    if not is_quiet(wall, quiet_start, quiet_end):
        return due
    opened_on = local.date()
    if quiet_start > quiet_end and wall < quiet_end:  # after midnight: opened the evening before
        opened_on -= timedelta(days=1)
    return earliest_instant(opened_on, quiet_start, zone)


def channel_allowed(channel: str, prefs: PatientPrefs) -> bool:
    """Whether the patient chose ``channel`` and, for SMS, may get SMS (rule 1)."""
    return channel in prefs.channels and (channel != "sms" or prefs.sms_allowed)


def fits_sms_caps(
    candidate: datetime, taken: Sequence[datetime], zone: ZoneInfo, policy: ReminderPolicy
) -> bool:
    """Whether one more SMS at ``candidate`` keeps within the caps (rule 5), counting ``taken``."""
    day = candidate.astimezone(zone).date()
    if sum(t.astimezone(zone).date() == day for t in taken) + 1 > policy.sms_per_day:
        return False
    points = sorted([*taken, candidate])
    # The fullest 7-day window holding the candidate can be taken to start at an SMS.
    return all(
        sum(opens <= t < opens + WEEK for t in points) <= policy.sms_per_week
        for opens in points
        if opens <= candidate < opens + WEEK
    )


def patient_fits_sms_caps(
    candidate: datetime, existing: Sequence[ExistingSms], timezone: str, policy: ReminderPolicy
) -> bool:
    """Whether one more SMS at ``candidate`` keeps the patient, with the SMS they already
    have (``existing``) in their zone, within the caps (rule 5)."""
    taken = [_utc(e.due_at, "ExistingSms.due_at") for e in existing]
    return fits_sms_caps(_utc(candidate, "candidate"), taken, _zone(timezone), policy)


def _apply_sms_caps(
    planned: Iterable[PlannedReminder],
    existing: Sequence[ExistingSms],
    zone: ZoneInfo,
    policy: ReminderPolicy,
) -> list[PlannedReminder]:
    kept: list[PlannedReminder] = []
    taken = [_utc(e.due_at, "ExistingSms.due_at") for e in existing]
    # Closest to the start first: it claims the capacity, earlier ones give way.
    for reminder in sorted(planned, key=lambda r: (-r.due_at.timestamp(), r.offset)):
        if reminder.channel != "sms":
            kept.append(reminder)
        elif fits_sms_caps(reminder.due_at, taken, zone, policy):
            taken.append(reminder.due_at)
            kept.append(reminder)
    return kept


def plan_reminders(
    *,
    start: datetime,
    booked_at: datetime,
    policy: ReminderPolicy,
    prefs: PatientPrefs,
    existing_sms: Sequence[ExistingSms] = (),
    confirmed_on: frozenset[str] = frozenset(),
) -> list[PlannedReminder]:
    """The reminders to store for a consultation booked (or rescheduled) at ``booked_at``.

    ``confirmed_on``: the channels on which a confirmation goes out at ``booked_at``
    (rule 3). See the module docstring for the rules. Sorted by due time, then channel.

    :raise ValueError: for naive datetimes or an unknown patient zone.
    """
    start = _utc(start, "start")
    booked_at = _utc(booked_at, "booked_at")
    zone = _zone(prefs.timezone)
    if booked_at >= start:
        return []

    by_slot: dict[tuple[str, datetime], PlannedReminder] = {}
    late: dict[str, Offset] = {}

    def keep(reminder: PlannedReminder) -> None:
        slot = (reminder.channel, reminder.due_at)
        current = by_slot.get(slot)
        if current is None or reminder.offset < current.offset:
            by_slot[slot] = reminder

    for offset in policy.offsets:
        if not channel_allowed(offset.channel, prefs):
            continue
        # Offsets are positive and shifts only go earlier, so due < start always holds.
        due = leave_quiet_hours(start - offset.before, zone, policy.quiet_start, policy.quiet_end)
        if due < booked_at + SAME_MINUTE:
            passed = late.get(offset.channel)
            if passed is None or offset.before < passed.before:
                late[offset.channel] = offset
            continue
        keep(PlannedReminder(offset.channel, offset.before, due))
    for channel, offset in late.items():
        if channel in confirmed_on:
            continue
        keep(PlannedReminder(channel, offset.before, booked_at))

    kept = _apply_sms_caps(by_slot.values(), existing_sms, zone, policy)
    return sorted(kept, key=lambda r: (r.due_at, r.channel))
