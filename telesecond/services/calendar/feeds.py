"""Per-person secret calendar feeds: issue, show, regenerate, revoke, and serve with ETags.

A feed's address holds a 256-bit token derived with HMAC-SHA256 from the app's
``SECRET_KEY`` and a random per-feed seed. The database keeps the seed and the token's
SHA-256 only: a request is matched by the hash, and the owner can be shown the same
address again without it being stored. Should ``SECRET_KEY`` change, the derived
address no longer matches and the next request for it issues a fresh feed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, not_, or_, select, update
from sqlalchemy.orm import selectinload

from telesecond.domain.invites import build_feed
from telesecond.domain.tokens import digest
from telesecond.extensions import db
from telesecond.models import Account, CalendarFeed, Consultation
from telesecond.services import audit, languages, links
from telesecond.services.calendar.downloads import known_zone
from telesecond.services.calendar.invite_content import invite_view

# A cancelled consultation stays in feeds (STATUS:CANCELLED) this long after the cancel,
# so every subscribed calendar polls it at least once and removes it.
CANCELLED_KEPT = timedelta(days=30)
FEED_NAME = "telesecond consultations"
# Part of every ETag: bump it when the feed's format changes, so clients fetch anew.
FORMAT = "2"  # 2: events in a specialist's feed are titled with the patient
MAX_TOKEN_LENGTH = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedAddress:
    """Where to subscribe: the https address and the same address as ``webcal://``."""

    url: str
    webcal_url: str


@dataclass(frozen=True)
class FeedState:
    """What a conditional request is judged by, computed without building the feed."""

    etag: str
    last_modified: datetime


def _token(seed: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    mac = hmac.new(key, b"calendar-feed\x00" + seed.encode("ascii"), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def _address(token: str) -> FeedAddress:
    url = links.absolute(f"/calendar/{token}.ics")
    scheme, _, rest = url.partition("://")
    return FeedAddress(url=url, webcal_url=f"webcal://{rest}" if scheme else url)


def _live(account: Account) -> CalendarFeed | None:
    return db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.account_id == account.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def _revoke_all(account: Account, now: datetime, ip: str | None) -> int:
    revoked = db.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.account_id == account.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    if revoked:
        audit.record(
            "calendar_feed.revoked",
            actor_id=account.id,
            target_type="account",
            target_id=account.id,
            ip=ip,
        )
    return revoked


def _issue(account: Account, now: datetime, ip: str | None) -> str:
    """Revoke any live feed and add a new one; the caller commits."""
    _revoke_all(account, now, ip)
    seed = secrets.token_hex(32)
    token = _token(seed)
    feed = CalendarFeed(account_id=account.id, token_hash=digest(token), seed=seed, created_at=now)
    db.session.add(feed)
    db.session.flush()
    audit.record(
        "calendar_feed.created",
        actor_id=account.id,
        target_type="calendar_feed",
        target_id=feed.id,
        ip=ip,
    )
    return token


def current_address(account: Account) -> FeedAddress | None:
    """The address of the account's live feed, or None when it has none."""
    feed = _live(account)
    if feed is None:
        return None
    token = _token(feed.seed)
    if digest(token) != feed.token_hash:  # SECRET_KEY changed: this address is unknown
        return None
    return _address(token)


def ensure_address(account: Account, *, now: datetime, ip: str | None = None) -> FeedAddress:
    """The account's live feed address, issuing a feed first when there is none."""
    address = current_address(account)
    if address is not None:
        return address
    token = _issue(account, now, ip)
    db.session.commit()
    return _address(token)


def regenerate(account: Account, *, now: datetime, ip: str | None = None) -> FeedAddress:
    """A new feed address; the old one stops working at once."""
    token = _issue(account, now, ip)
    db.session.commit()
    return _address(token)


def revoke(account: Account, *, now: datetime, ip: str | None = None) -> bool:
    """Stop the account's feed; True when there was one to stop."""
    revoked = _revoke_all(account, now, ip)
    db.session.commit()
    return bool(revoked)


def resolve(token: str) -> CalendarFeed | None:
    """The live feed a token opens, if any (its owner must be an active account)."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    feed = db.session.scalar(
        select(CalendarFeed)
        .options(selectinload(CalendarFeed.account))
        .where(CalendarFeed.token_hash == digest(token), CalendarFeed.revoked_at.is_(None))
    )
    if feed is None or not feed.account.active:
        return None
    return feed


def _mine(account_id: int):
    return or_(Consultation.patient_id == account_id, Consultation.specialist_id == account_id)


def _shown(now: datetime):
    """A consultation is in the feed unless it was cancelled more than 30 days ago."""
    return or_(
        Consultation.status != "cancelled",
        and_(
            Consultation.cancelled_at.is_not(None), Consultation.cancelled_at > now - CANCELLED_KEPT
        ),
    )


def state(feed: CalendarFeed, *, now: datetime) -> FeedState:
    """The feed's ETag and Last-Modified from one aggregate query, without building it.

    The ETag covers the newest change, how many events there are and the sum of their
    SEQUENCEs (each change raises one), the feed, the owner's zone and the public base
    URL. Last-Modified is the newest change, or the moment a cancelled consultation
    last dropped out of the feed, whichever is later.
    """
    shown = _shown(now)
    newest, count, sequences, last_dropped = db.session.execute(
        select(
            func.max(case((shown, Consultation.updated_at))),
            func.count(case((shown, Consultation.id))),
            func.coalesce(func.sum(case((shown, Consultation.sequence), else_=0)), 0),
            func.max(case((not_(shown), Consultation.cancelled_at))),
        ).where(_mine(feed.account_id))
    ).one()
    newest = _aware(newest)
    dropped = _aware(last_dropped)
    moments = [feed.created_at, newest, dropped + CANCELLED_KEPT if dropped else None]
    last_modified = max(m for m in moments if m is not None)
    key = "|".join(
        str(part)
        for part in (
            FORMAT,
            feed.id,
            (newest or _EPOCH).isoformat(),
            count,
            int(sequences),
            dropped.isoformat() if dropped else "",
            feed.account.timezone,
            links.base_url(),
        )
    )
    return FeedState(
        etag=hashlib.sha256(key.encode("utf-8")).hexdigest()[:32],
        last_modified=last_modified.replace(microsecond=0),
    )


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates over the UTC column come back aware; be sure, whatever the driver."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def body(feed: CalendarFeed, feed_state: FeedState, *, now: datetime) -> bytes:
    """The feed itself: every shown consultation, in the owner's zone, as METHOD:PUBLISH.

    Events are titled with the other person's name: the patient's in a specialist's feed.
    DTSTAMP is the feed's Last-Modified, so the same state always gives the same bytes.
    """
    consultations = list(
        db.session.scalars(
            select(Consultation)
            .options(selectinload(Consultation.patient), selectinload(Consultation.specialist))
            .where(_mine(feed.account_id), _shown(now))
            .order_by(Consultation.start, Consultation.id)
        )
    )
    zone = known_zone(feed.account.timezone)
    with languages.speaking(feed.account):  # a calendar app asks, in the owner's language
        views = [invite_view(c, timezone=zone, viewer_id=feed.account_id) for c in consultations]
    return build_feed(views, name=FEED_NAME, now=feed_state.last_modified)
