"""Specialists' own calendars: connect, remove, refresh, and the periodic refresh task.

A refresh claims the calendar and commits, fetches and parses with no transaction open,
then stores the result in a second short transaction. A failure of any kind keeps the
stored busy time (slots are never wiped by an outage) and records the error and when.
The address is a secret: it is logged nowhere and shown only masked.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, func, select, update

from telesecond.adapters import registry
from telesecond.adapters.ics_fetch import FetchError
from telesecond.domain.addresses import is_public, parse_ip
from telesecond.domain.busy_events import CalendarUnreadable, busy_intervals
from telesecond.extensions import db
from telesecond.models import Account, BusyCalendar, BusyInterval, SpecialistProfile
from telesecond.services.errors import Conflict, Invalid, NotFound
from telesecond.services.scheduling import availability, specialists

log = logging.getLogger(__name__)

MAX_CALENDARS = 5
MAX_URL_LENGTH = 2048
MAX_LABEL_LENGTH = 80
# "Refresh now" is not a way to hammer someone's server.
MANUAL_REFRESH_GAP = timedelta(minutes=1)
# A 304 keeps the stored intervals only while they reach this close to the horizon's end;
# past that the calendar is read in full again so the sliding horizon stays covered.
COVER_SLACK = timedelta(days=1)
# The periodic task stops starting new fetches after this long, so reminders stay on time.
TICK_BUDGET_SECONDS = 10.0
TICK_BATCH = 20


@dataclass(frozen=True)
class Outcome:
    """What a refresh did: ``ok``, ``unchanged``, ``failed`` or ``skipped``."""

    status: str
    busy_count: int = 0
    error: str | None = None


# --- the address -------------------------------------------------------------------


def normalize_url(text: str, *, allow_local: bool = False) -> str:
    """The address to fetch: webcal mapped to https, checked; Invalid on the ``url`` field."""
    url = (text or "").strip()
    if not url:
        raise Invalid.field("url", "Enter your calendar's secret address.")
    if len(url) > MAX_URL_LENGTH:
        raise Invalid.field(
            "url", f"The address is too long (at most {MAX_URL_LENGTH} characters)."
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise Invalid.field("url", "The address cannot contain spaces or control characters.")
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise Invalid.field("url", "Enter the full address, starting with https:// or webcal://.")
    if scheme in ("webcal", "webcals"):
        scheme = "https"
    if scheme == "http" and not allow_local:
        raise Invalid.field("url", "Use the https:// address: plain http:// is not safe.")
    if scheme not in ("https", "http"):
        raise Invalid.field("url", "The address must start with https:// or webcal://.")
    url = f"{scheme}://{rest}"
    try:
        host = urlsplit(url).hostname
        urlsplit(url).port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise Invalid.field("url", "The address is not valid.") from None
    if not host:
        raise Invalid.field("url", "The address has no server name.")
    if not allow_local and _local_host(host):
        raise Invalid.field("url", "The address points into a private network, which we refuse.")
    return url


def mask(url: str) -> str:
    """The address as shown: its server name only, the secret part hidden."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return f"{host}/\u2026" if host else "\u2026"


def _local_host(host: str) -> bool:
    if host in ("localhost", "localhost.") or host.endswith((".localhost", ".local")):
        return True
    address = parse_ip(host)
    if address is None:
        return False  # a name: resolved and checked again at every fetch
    return not is_public(address)


# --- the specialist's use cases ----------------------------------------------------


def calendars_of(account_id: int) -> list[BusyCalendar]:
    """The specialist's connected calendars, oldest first."""
    return list(
        db.session.scalars(
            select(BusyCalendar)
            .where(BusyCalendar.account_id == account_id)
            .order_by(BusyCalendar.id)
        )
    )


def upcoming_counts(account_id: int, now: datetime) -> dict[int, int]:
    """Per calendar id, how many stored busy stretches end after ``now``."""
    rows = db.session.execute(
        select(BusyInterval.calendar_id, func.count())
        .where(BusyInterval.account_id == account_id, BusyInterval.end > now)
        .group_by(BusyInterval.calendar_id)
    )
    return {calendar_id: count for calendar_id, count in rows}


def add_calendar(account: Account, url: str, label: str, *, now: datetime) -> BusyCalendar:
    """Connect a calendar (committed); the caller may then refresh it at once."""
    profile = specialists.ensure_profile(account, now=now)
    address = normalize_url(url, allow_local=_allow_local())
    label = " ".join((label or "").split())
    if len(label) > MAX_LABEL_LENGTH:
        raise Invalid.field("label", f"Keep the name to {MAX_LABEL_LENGTH} characters.")
    existing = calendars_of(account.id)
    if len(existing) >= MAX_CALENDARS:
        raise Conflict(f"You can connect at most {MAX_CALENDARS} calendars. Remove one first.")
    if any(c.url == address for c in existing):
        raise Invalid.field("url", "This calendar is already connected.")
    calendar = BusyCalendar(
        account_id=profile.account_id, url=address, label=label, created_at=now, next_fetch_at=now
    )
    db.session.add(calendar)
    db.session.commit()
    log.info("busy calendar %s connected by account %s", calendar.id, account.id)
    return calendar


def remove_calendar(account: Account, calendar_id: int) -> None:
    """Disconnect one of the specialist's calendars; its busy time stops blocking slots."""
    calendar = _own(account, calendar_id)
    db.session.delete(calendar)
    availability.invalidate_by_id(account.id)
    db.session.commit()
    log.info("busy calendar %s removed by account %s", calendar_id, account.id)


def refresh_now(account: Account, calendar_id: int, *, now: datetime) -> Outcome:
    """Fetch one of the specialist's calendars at once (at most once a minute)."""
    calendar = _own(account, calendar_id)
    if calendar.fetched_at is not None and now - calendar.fetched_at < MANUAL_REFRESH_GAP:
        return Outcome("skipped")
    calendar.next_fetch_at = now + refresh_interval()
    db.session.commit()
    return _refresh_claimed(calendar_id, now=now)


def _own(account: Account, calendar_id: int) -> BusyCalendar:
    calendar = db.session.get(BusyCalendar, calendar_id)
    if calendar is None or calendar.account_id != account.id:
        raise NotFound("No such calendar.")
    return calendar


# --- refreshing --------------------------------------------------------------------


def refresh_interval() -> timedelta:
    """How often each calendar is fetched."""
    return timedelta(minutes=max(int(current_app.config["BUSY_CALENDAR_REFRESH_MINUTES"]), 1))


def refresh_due_calendars(now: datetime) -> int:
    """The maintenance task: refresh the calendars that are due; returns how many it tried."""
    started = time.monotonic()
    due = list(
        db.session.scalars(
            select(BusyCalendar.id)
            .where(BusyCalendar.next_fetch_at <= now)
            .order_by(BusyCalendar.next_fetch_at)
            .limit(TICK_BATCH)
        )
    )
    db.session.commit()
    tried = 0
    for calendar_id in due:
        if time.monotonic() - started > TICK_BUDGET_SECONDS:
            break  # the rest stay due for the next tick
        if refresh_if_due(calendar_id, now=now) is not None:
            tried += 1
    return tried


def refresh_if_due(calendar_id: int, *, now: datetime) -> Outcome | None:
    """Claim a due calendar (atomically, so two reminder processes never both fetch it)."""
    claimed = db.session.execute(
        update(BusyCalendar)
        .where(BusyCalendar.id == calendar_id, BusyCalendar.next_fetch_at <= now)
        .values(next_fetch_at=now + refresh_interval())
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    return _refresh_claimed(calendar_id, now=now)


def _refresh_claimed(calendar_id: int, *, now: datetime) -> Outcome:
    """Fetch, parse and store one calendar already claimed by this process."""
    calendar = db.session.get(BusyCalendar, calendar_id)
    if calendar is None:
        return Outcome("skipped")
    profile = db.session.get(SpecialistProfile, calendar.account_id)
    zone, horizon = profile.timezone, timedelta(days=profile.horizon_days)
    url, window_end = calendar.url, now + horizon + COVER_SLACK
    trusted = (
        calendar.covered_until is not None
        and calendar.covered_until >= now + horizon
        and calendar.read_in_zone == zone
    )
    etag = calendar.etag if trusted else None
    modified = calendar.last_modified if trusted else None
    db.session.commit()  # no transaction stays open across the network call

    try:
        fetched = registry.current().ics_fetcher.fetch(url, etag=etag, last_modified=modified)
        spans = (
            None
            if fetched.not_modified
            else busy_intervals(fetched.body or b"", start=now, end=window_end, timezone=zone)
        )
    except (FetchError, CalendarUnreadable) as problem:
        return _record_failure(calendar_id, now, str(problem))
    except Exception as error:  # a parser bug must not stop the other calendars
        # Only the type: a message could quote the address or the calendar's events.
        log.error("busy calendar %s: refresh crashed (%s)", calendar_id, type(error).__name__)
        db.session.rollback()
        return _record_failure(calendar_id, now, "The calendar could not be read.")
    return _record_success(calendar_id, now, fetched, spans, window_end, zone)


def _record_failure(calendar_id: int, now: datetime, message: str) -> Outcome:
    calendar = db.session.get(BusyCalendar, calendar_id)
    if calendar is None:
        return Outcome("skipped")
    calendar.fetched_at = now
    calendar.error = message[:300]
    db.session.commit()
    log.warning("busy calendar %s: refresh failed, kept its stored busy time", calendar_id)
    return Outcome("failed", error=message)


def _record_success(calendar_id, now, fetched, spans, window_end, zone) -> Outcome:
    calendar = db.session.get(BusyCalendar, calendar_id)
    if calendar is None:
        return Outcome("skipped")  # removed while we were fetching
    calendar.fetched_at = calendar.succeeded_at = now
    calendar.error = None
    if spans is None:  # a 304 need not repeat the validators: keep the ones we had
        calendar.etag = fetched.etag or calendar.etag
        calendar.last_modified = fetched.last_modified or calendar.last_modified
    else:
        calendar.etag, calendar.last_modified = fetched.etag, fetched.last_modified
    # Stretches already over are history: drop them whatever the answer was.
    db.session.execute(
        delete(BusyInterval).where(BusyInterval.calendar_id == calendar_id, BusyInterval.end <= now)
    )
    status = "unchanged"
    if spans is not None:
        calendar.covered_until, calendar.read_in_zone = window_end, zone
        stored = db.session.execute(
            select(BusyInterval.start, BusyInterval.end)
            .where(BusyInterval.calendar_id == calendar_id)
            .order_by(BusyInterval.start)
        ).all()
        old = [(max(s, now), e) for s, e in stored]
        new = [(i.start, i.end) for i in spans]
        if old != new:
            status = "ok"
            db.session.execute(delete(BusyInterval).where(BusyInterval.calendar_id == calendar_id))
            db.session.add_all(
                BusyInterval(
                    calendar_id=calendar_id, account_id=calendar.account_id, start=s, end=e
                )
                for s, e in new
            )
            availability.invalidate_by_id(calendar.account_id)
    count = db.session.scalar(
        select(func.count())
        .select_from(BusyInterval)
        .where(BusyInterval.calendar_id == calendar_id)
    )
    db.session.commit()
    log.info("busy calendar %s refreshed (%s, %s busy stretches)", calendar_id, status, count)
    return Outcome(status, busy_count=count or 0)


def _allow_local() -> bool:
    return bool(current_app.config.get("BUSY_CALENDAR_ALLOW_LOCAL", False))
