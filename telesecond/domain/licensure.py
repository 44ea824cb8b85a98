"""Pure rules for licences to practise: which region a licence covers, and until when.

- A licence covers exactly its region: ``US`` does not cover ``US-CA``, and ``US-CA``
  covers only ``US-CA`` (regions are ISO 3166-1 alpha-2 or ISO 3166-2 codes).
- It covers its region through ``expires_on`` inclusive, **read as a UTC date**: it
  stops by itself at 00:00 UTC on the day after. A region code does not name one time
  zone (``US`` spans six), so the one day boundary that is the same for everyone is UTC's.
- A consultation is covered only if the licence still covers it when it *ends*; one that
  would run past the lapse is not.
- Only licences an admin verified count; the specialist's own claimed regions never do.
- The specialist and the admins are warned ``WARNING_DAYS`` before a licence lapses, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from telesecond.domain.tags import normalize_region

WARNING_DAYS = 30
MAX_NUMBER = 100
MAX_ISSUER = 200
MAX_NOTE = 2000


@dataclass(frozen=True)
class Cover:
    """The part of a verified licence that decides what it covers."""

    region: str
    expires_on: date


def utc_day(now: datetime) -> date:
    """The UTC calendar date of an aware instant (the day licences are read in)."""
    return now.astimezone(UTC).date()


def lapses_at(expires_on: date) -> datetime:
    """The instant a licence stops covering: 00:00 UTC on the day after ``expires_on``."""
    return datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=UTC)


def is_current(expires_on: date, now: datetime) -> bool:
    """Whether a licence expiring on ``expires_on`` still covers its region at ``now``."""
    return now < lapses_at(expires_on)


def first_current_day(now: datetime) -> date:
    """The earliest ``expires_on`` of a licence still current at ``now`` (for queries)."""
    return utc_day(now)


def covers(licences: Iterable[Cover], region: str, *, until: datetime) -> bool:
    """Whether some licence covers ``region`` (exact code) up to the instant ``until``."""
    return any(c.region == region and until <= lapses_at(c.expires_on) for c in licences)


def warning_due(expires_on: date, now: datetime, *, warned: bool) -> bool:
    """Whether the expiry warning is due now: within WARNING_DAYS, not lapsed, not sent."""
    if warned or not is_current(expires_on, now):
        return False
    return expires_on - utc_day(now) <= timedelta(days=WARNING_DAYS)


@dataclass(frozen=True)
class LicenceInput:
    """A licence as an admin enters it, before checking."""

    region: str
    number: str
    issuer: str
    expires_on: str | date


@dataclass(frozen=True)
class CheckedLicence:
    """A licence whose fields passed :func:`check_licence`."""

    region: str
    number: str
    issuer: str
    expires_on: date


@dataclass(frozen=True)
class Problem:
    """Why a licence field is refused: a code the caller words, and its limit if any.

    Codes: ``region``, ``number_missing``, ``number_long``, ``issuer_missing``,
    ``issuer_long``, ``expires_format``, ``expires_past``.
    """

    code: str
    limit: int | None = None


def check_licence(
    entry: LicenceInput, now: datetime
) -> tuple[CheckedLicence | None, list[Problem]]:
    """The cleaned licence, or None and the reasons it is refused."""
    problems: list[Problem] = []
    region = ""
    try:
        region = normalize_region(entry.region or "")
    except ValueError:
        problems.append(Problem("region"))
    number = " ".join((entry.number or "").split())
    if not number:
        problems.append(Problem("number_missing"))
    elif len(number) > MAX_NUMBER:
        problems.append(Problem("number_long", MAX_NUMBER))
    issuer = " ".join((entry.issuer or "").split())
    if not issuer:
        problems.append(Problem("issuer_missing"))
    elif len(issuer) > MAX_ISSUER:
        problems.append(Problem("issuer_long", MAX_ISSUER))
    expires_on = entry.expires_on
    if isinstance(expires_on, str):
        try:
            expires_on = date.fromisoformat(expires_on.strip()) if expires_on.strip() else None
        except ValueError:
            expires_on = None
        if expires_on is None:
            problems.append(Problem("expires_format"))
    if isinstance(expires_on, date) and not is_current(expires_on, now + timedelta(days=1)):
        problems.append(Problem("expires_past"))
    if problems or not isinstance(expires_on, date):
        return None, problems
    return CheckedLicence(region, number, issuer, expires_on), []
