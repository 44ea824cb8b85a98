"""Video rooms: a tiny provider interface (``VIDEO_PROVIDER`` chooses one, in ``registry``).

A provider creates a room for a consultation's join window, gives each participant
a way in (a URL, or a token for the app's own call page) valid from a not-before to an
expiry time, moves a room's window and closes it. Implementations:

- ``jitsi`` (default, :mod:`telesecond.adapters.video_jitsi`): no credentials needed;
  JWTs when self-hosted with token auth or on JaaS;
- ``twilio`` (:mod:`telesecond.adapters.video_twilio`): Twilio Video group rooms and
  access tokens, joined on the app's own call page with twilio-video.js;
- ``daily`` (:mod:`telesecond.adapters.video_daily`): private Daily rooms and meeting tokens.

Provider errors are raised as :class:`VideoError`, whose text never holds personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

Role = Literal["host", "guest"]
# Patient, specialist, two guests and an interpreter.
MAX_PARTICIPANTS = 5


class VideoError(Exception):
    """The provider refused or did not answer; ``transient`` when a retry may help."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class RoomSpec:
    """The room to create: its unguessable name and the window it may be used in."""

    name: str
    opens_at: datetime
    closes_at: datetime
    max_participants: int = MAX_PARTICIPANTS


@dataclass(frozen=True)
class RoomRef:
    """A room the provider knows: our name, the provider's id and address for it."""

    name: str
    ref: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Participant:
    """Who is joining: a stable identity without personal data, a display name, a role."""

    identity: str
    display_name: str
    role: Role


@dataclass(frozen=True)
class Join:
    """A way into the room: a URL to redirect to, or a token for the app's call page."""

    url: str | None = None
    token: str | None = None


class VideoProvider(Protocol):
    """What every video provider offers."""

    name: str
    #: False when a room exists by its name alone (nothing to create or close remotely).
    remote_rooms: bool
    #: True when participants join on the app's own call page with ``Join.token``.
    call_page: bool
    #: Create the room this long before it opens (None: at once, when booked).
    create_lead: timedelta | None

    def create_room(self, spec: RoomSpec) -> RoomRef:
        """Create the room (idempotent for the same name); raise VideoError."""
        ...

    def update_room(self, room: RoomRef, spec: RoomSpec) -> None:
        """Move the room's window; raise VideoError."""
        ...

    def join(
        self,
        room: RoomRef,
        who: Participant,
        *,
        not_before: datetime,
        expires_at: datetime,
        now: datetime,
    ) -> Join:
        """A way in for ``who``, valid from ``not_before`` to ``expires_at`` (asked ``now``)."""
        ...

    def close_room(self, room: RoomRef) -> None:
        """End the room so nobody can use it any more; raise VideoError."""
        ...


def epoch(value: datetime) -> int:
    """Whole seconds since the Unix epoch for an aware instant."""
    return int(value.timestamp())
