"""A consultation's video room: its window, keeping the provider in step, and joining.

Room rows change inside the consultation's own transaction (:func:`on_consultation_changed`,
a listener of ``services.hooks``), which never calls the provider; the consultations it
touched are noted on the database session. The provider work the change leaves
(``pending_action``) is done after commit: by :func:`sync_changed_rooms`, which the web
layer calls after each request, by someone joining, or by the reminder process
(:func:`retry_pending_rooms`) when the provider was down. A database lock is never held
across a provider call: a room is claimed by pushing its ``next_attempt_at`` forward
in a short transaction first.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from flask import current_app
from sqlalchemy import select, update

from telesecond.adapters import registry
from telesecond.adapters.video import (
    Join,
    Participant,
    RoomRef,
    RoomSpec,
    VideoError,
    VideoProvider,
)
from telesecond.db import row_batch
from telesecond.domain import retry
from telesecond.domain.join_window import join_window, window_state
from telesecond.extensions import db
from telesecond.models import Account, Consultation
from telesecond.models.video import VideoRoom
from telesecond.services import audit
from telesecond.services.consultations import access

log = logging.getLogger(__name__)

ROOM_NAME_BYTES = 20  # 160 bits of randomness
CLAIM = timedelta(minutes=2)  # how long a claimed room is left to its claimer
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=15)
RETRY_BATCH = 50
# Where the session keeps the consultations whose rooms have provider work waiting: the
# work belongs to the unit of work that changed them, not to a web request.
CHANGED = "telesecond.video_rooms_changed"

_ROOMS = VideoRoom.__table__

State = Literal["before", "open", "after", "cancelled", "preparing"]


# -- pure helpers -----------------------------------------------------------------------


def new_room_name() -> str:
    """An unguessable room name: 160 random bits, URL- and provider-safe."""
    return "ts-" + secrets.token_hex(ROOM_NAME_BYTES)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 15 minutes."""
    return retry.backoff(attempts, first=FIRST_BACKOFF, cap=MAX_BACKOFF)


# -- provider and rows ------------------------------------------------------------------


def provider() -> VideoProvider:
    """The app's video provider."""
    return registry.current().video


def window_of(consultation: Consultation) -> tuple[datetime, datetime]:
    config = current_app.config
    return join_window(
        consultation.start,
        consultation.end,
        opens_minutes=config["VIDEO_JOIN_OPENS_MINUTES"],
        grace_minutes=config["VIDEO_JOIN_GRACE_MINUTES"],
    )


def room_of(consultation_id: int) -> VideoRoom | None:
    return db.session.scalar(select(VideoRoom).where(VideoRoom.consultation_id == consultation_id))


def _first_attempt(video: VideoProvider, opens_at: datetime, now: datetime) -> datetime:
    if video.create_lead is None:
        return now
    return max(now, opens_at - video.create_lead)


def _room_values(consultation: Consultation, now: datetime) -> dict:
    """A new room's row: pending creation at a remote provider, or ready (local rooms)."""
    video = provider()
    opens_at, closes_at = window_of(consultation)
    values = {
        "consultation_id": consultation.id,
        "provider": video.name,
        "room_name": new_room_name(),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
        "status": "pending",
        "pending_action": None,
        "next_attempt_at": None,
        "provider_ref": None,
        "provider_url": None,
    }
    if video.remote_rooms:
        values["pending_action"] = "create"
        values["next_attempt_at"] = _first_attempt(video, opens_at, now)
    else:  # local only: no network
        ref = video.create_room(RoomSpec(values["room_name"], opens_at, closes_at))
        values.update(status="ready", provider_ref=ref.ref, provider_url=ref.url)
    return values


def _new_room(consultation: Consultation, now: datetime) -> VideoRoom:
    room = VideoRoom(**_room_values(consultation, now))
    db.session.add(room)
    return room


def _touch(consultation_id: int) -> None:
    db.session.info.setdefault(CHANGED, set()).add(consultation_id)


def on_consultation_changed(
    consultation: Consultation,
    kind: str,
    *,
    now: datetime,
    detail: dict | None = None,  # noqa: ARG001
) -> None:
    """Listener: open, move or close the room inside the consultation's transaction."""
    if kind == "booked":  # a consultation just booked has no room yet: no need to ask
        values = _room_values(consultation, now)
        row_batch.queue(_ROOMS, values)
        if values["pending_action"] is not None:
            _touch(consultation.id)
        return
    room = room_of(consultation.id) if consultation.id is not None else None
    if room is None:
        return
    elif kind == "rescheduled":
        room.opens_at, room.closes_at = window_of(consultation)
        if room.status == "ready" and room.provider == provider().name:
            room.pending_action = "update" if provider().remote_rooms else None
            room.next_attempt_at = now
        elif room.status == "pending":
            room.next_attempt_at = _first_attempt(provider(), room.opens_at, now)
    elif kind == "cancelled":
        remote = room.status == "ready" and room.provider_ref and provider().remote_rooms
        room.pending_action = "close" if remote else None
        room.status, room.closed_at, room.next_attempt_at = "closed", now, now
    else:
        return
    room.updated_at = now
    _touch_if_pending(room, consultation.id)


def _touch_if_pending(room: VideoRoom, consultation_id: int) -> None:
    if room.pending_action is not None:
        _touch(consultation_id)


# -- provider work after commit ---------------------------------------------------------


def _spec(room: VideoRoom) -> RoomSpec:
    return RoomSpec(name=room.room_name, opens_at=room.opens_at, closes_at=room.closes_at)


def _ref(room: VideoRoom) -> RoomRef:
    return RoomRef(name=room.room_name, ref=room.provider_ref, url=room.provider_url)


def _claim(room_id: int, now: datetime) -> bool:
    """Take the room's pending work for a while; False if another worker has it."""
    claimed = db.session.execute(
        update(VideoRoom)
        .where(
            VideoRoom.id == room_id,
            VideoRoom.pending_action.is_not(None),
            (VideoRoom.next_attempt_at.is_(None)) | (VideoRoom.next_attempt_at <= now),
        )
        .values(next_attempt_at=now + CLAIM)
    ).rowcount
    db.session.commit()
    return claimed == 1


def sync_room(room_id: int, now: datetime) -> bool:
    """Do the room's pending provider work once; True when nothing is left to do."""
    if not _claim(room_id, now):
        room = db.session.get(VideoRoom, room_id)
        return room is not None and room.pending_action is None
    room = db.session.get(VideoRoom, room_id)
    action, spec, ref = room.pending_action, _spec(room), _ref(room)
    db.session.commit()  # nothing held while the provider is asked
    video = provider()
    try:
        if room.provider != video.name:
            raise VideoError(f"room belongs to provider {room.provider}", transient=False)
        if action == "create":
            made = video.create_room(spec)
        elif action == "update":
            video.update_room(ref, spec)
        elif action == "close":
            video.close_room(ref)
    except VideoError as error:
        return _record_failure(room_id, action, error, now)
    room = db.session.get(VideoRoom, room_id)
    if room.pending_action == action:  # unless a newer change came meanwhile
        room.pending_action, room.last_error, room.next_attempt_at = None, None, None
        room.attempts = 0
    if action == "create" and room.status == "pending":
        room.status, room.provider_ref, room.provider_url = "ready", made.ref, made.url
    elif action == "create" and room.status == "closed":
        room.provider_ref, room.provider_url = made.ref, made.url
        room.pending_action, room.next_attempt_at = "close", now  # cancelled meanwhile
    room.updated_at = now
    db.session.commit()
    log.info("video room %s: %s done at %s", room_id, action, video.name)
    return room.pending_action is None


def _record_failure(room_id: int, action: str, error: VideoError, now: datetime) -> bool:
    room = db.session.get(VideoRoom, room_id)
    room.attempts += 1
    room.last_error = str(error)[:500]
    gave_up = not error.transient or now >= room.closes_at
    if gave_up and action == "create":
        room.status, room.pending_action, room.next_attempt_at = "failed", None, None
    elif gave_up:
        room.pending_action, room.next_attempt_at = None, None
    else:
        room.next_attempt_at = now + backoff(room.attempts)
    room.updated_at = now
    db.session.commit()
    log.warning("video room %s: %s failed (attempt %s): %s", room_id, action, room.attempts, error)
    return False


def sync_changed_rooms(now: datetime) -> None:
    """Do the provider work of rooms whose consultations this session changed and committed.

    Never raises: the change is committed, and the reminder process retries what fails.
    """
    touched = db.session.info.pop(CHANGED, None)
    if not touched:
        return
    try:
        db.session.rollback()  # services commit; anything left over is not ours to keep
        ids = db.session.scalars(
            select(VideoRoom.id).where(
                VideoRoom.consultation_id.in_(touched),
                VideoRoom.pending_action.is_not(None),
                VideoRoom.next_attempt_at <= now,
            )
        ).all()
        for room_id in ids:
            sync_room(room_id, now)
    except Exception:  # the change is committed; the reminder process will retry
        db.session.rollback()
        log.exception("video room work after the change failed; it will be retried")


def retry_pending_rooms(now: datetime) -> int:
    """Maintenance task: redo due provider work (provider down before); returns rooms done."""
    ids = db.session.scalars(
        select(VideoRoom.id)
        .where(VideoRoom.pending_action.is_not(None), VideoRoom.next_attempt_at <= now)
        .order_by(VideoRoom.next_attempt_at)
        .limit(RETRY_BATCH)
    ).all()
    db.session.commit()
    return sum(1 for room_id in ids if sync_room(room_id, now))


# -- joining ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What the join page does: redirect (``url``), show the call page (``token``), or wait."""

    state: State
    consultation: Consultation
    opens_at: datetime
    closes_at: datetime
    url: str | None = None
    token: str | None = None
    room_name: str | None = None


def ensure_room(consultation: Consultation, now: datetime) -> VideoRoom:
    """The consultation's room, made now if it predates video rooms."""
    room = room_of(consultation.id)
    if room is None:
        room = _new_room(consultation, now)
        if consultation.status == "cancelled":
            room.status, room.pending_action, room.closed_at = "closed", None, now
        db.session.commit()
    return room


def enter(
    consultation: Consultation, who: Participant, *, now: datetime, for_call_page: bool = False
) -> Entry:
    """The way into the consultation's room for ``who`` at ``now`` (no audit, no checks of who)."""
    room = ensure_room(consultation, now)
    opens_at, closes_at = room.opens_at, room.closes_at
    if consultation.status == "cancelled" or room.status == "closed":
        return Entry("cancelled", consultation, opens_at, closes_at)
    state = window_state(opens_at, closes_at, now)
    if state != "open":
        return Entry(state, consultation, opens_at, closes_at)
    video = provider()
    if video.call_page and not for_call_page:
        return Entry("open", consultation, opens_at, closes_at)  # the call page takes over
    needs_remote = video.remote_rooms and (room.status != "ready" or video.call_page)
    if needs_remote and not _prepare(room, video, now):
        return Entry("preparing", consultation, opens_at, closes_at)
    try:
        way_in: Join = video.join(
            _ref(room), who, not_before=opens_at, expires_at=closes_at, now=now
        )
    except VideoError as error:
        log.warning("video room %s: join failed: %s", room.id, error)
        return Entry("preparing", consultation, opens_at, closes_at)
    return Entry(
        "open",
        consultation,
        opens_at,
        closes_at,
        url=way_in.url,
        token=way_in.token,
        room_name=room.room_name,
    )


def _prepare(room: VideoRoom, video: VideoProvider, now: datetime) -> bool:
    """Make sure the provider's room exists now; False while it cannot be had."""
    if room.status == "ready" and video.call_page:
        try:  # Twilio closes unused rooms: create again, or find the live one
            made = video.create_room(_spec(room))
        except VideoError as error:
            log.warning("video room %s: not available: %s", room.id, error)
            return False
        room.provider_ref = made.ref
        db.session.commit()
        return True
    if room.status == "failed":  # someone is waiting: the provider gets another chance
        room.status, room.pending_action = "pending", "create"
    if room.pending_action == "create":
        if room.provider != video.name:
            room.provider = video.name  # the settings changed since booking
        room.next_attempt_at = min(room.next_attempt_at or now, now)
        db.session.commit()
        sync_room(room.id, now)
        db.session.refresh(room)
    return room.status == "ready"


def participant(consultation: Consultation, account: Account) -> Participant:
    """The specialist hosts; the patient joins as a guest of the room."""
    role = "host" if account.id == consultation.specialist_id else "guest"
    kind = "specialist" if role == "host" else "patient"
    return Participant(identity=f"{kind}-{account.id}", display_name=account.full_name, role=role)


def join(
    actor: Account, consultation_id: int, *, now: datetime, ip: str | None, call_page: bool = False
) -> Entry:
    """A participant's way in; inside the window the join is audited.

    :raise NotFound: not the actor's consultation (or no such consultation).
    """
    consultation = access.get_for(actor, consultation_id)
    entry = enter(consultation, participant(consultation, actor), now=now, for_call_page=call_page)
    if entry.state == "open" and not call_page:
        audit.record(
            "video.joined",
            actor_id=actor.id,
            target_type="consultation",
            target_id=consultation.id,
            ip=ip,
            detail={"role": "specialist" if actor.id == consultation.specialist_id else "patient"},
        )
        db.session.commit()
    return entry
