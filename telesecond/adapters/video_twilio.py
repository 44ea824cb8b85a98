"""Twilio Video: group rooms through the ``twilio`` client, access tokens per participant.

A Twilio room closes itself a while after it was created if nobody joins (at most an
hour), so it is created shortly before the window opens (``create_lead``) and again,
idempotently, when someone opens the call page. Participants join on the app's own
call page with the vendored twilio-video.js and an ``AccessToken`` carrying a
``VideoGrant`` for this room only, valid from the window's opening to its close.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VideoGrant

from telesecond.adapters.twilio_http import build_twilio_client
from telesecond.adapters.video import Join, Participant, RoomRef, RoomSpec, VideoError, epoch

ROOM_EXISTS = 53113
NOT_FOUND = 20404
# Twilio keeps an unused or emptied room open this many minutes (its maximum).
ROOM_TIMEOUT_MINUTES = 60
# Twilio refuses access tokens valid for more than a day.
MAX_TOKEN_SECONDS = 24 * 3600

_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    json.JSONDecodeError,
)


def _provider_error(action: str, exc: TwilioRestException | TwilioServiceException) -> VideoError:
    status = getattr(exc, "status", None)
    code = getattr(exc, "code", None)
    transient = status is None or status == 429 or status >= 500
    return VideoError(f"twilio {action}: error {code} (HTTP {status})", transient=transient)


class TwilioVideo:
    """Twilio Video group rooms; tokens signed with an API key."""

    name = "twilio"
    remote_rooms = True
    call_page = True
    create_lead: timedelta | None = timedelta(minutes=10)

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        api_key_sid: str,
        api_key_secret: str,
        api_base_url: str | None = None,
        timeout: float = 10,
    ) -> None:
        if not (account_sid and auth_token and api_key_sid and api_key_secret):
            raise ValueError(
                "VIDEO_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "
                "TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET"
            )
        self.account_sid = account_sid
        self.api_key_sid = api_key_sid
        self.api_key_secret = api_key_secret
        self._client = build_twilio_client(
            account_sid, auth_token, api_base_url=api_base_url, timeout=timeout
        )

    def create_room(self, spec: RoomSpec) -> RoomRef:
        """Create the group room, or find the one in progress under the same name."""
        rooms = self._client.video.v1.rooms
        try:
            room = rooms.create(
                unique_name=spec.name,
                type="group",
                max_participants=spec.max_participants,
                unused_room_timeout=ROOM_TIMEOUT_MINUTES,
                empty_room_timeout=ROOM_TIMEOUT_MINUTES,
            )
        except (TwilioRestException, TwilioServiceException) as exc:
            if getattr(exc, "code", None) != ROOM_EXISTS:
                raise _provider_error("room create", exc) from None
            room = self._fetch(spec.name)
        except _TRANSPORT_ERRORS as exc:
            raise VideoError(f"twilio room create: {type(exc).__name__}", transient=True) from None
        return RoomRef(name=spec.name, ref=room.sid, url=None)

    def _fetch(self, name: str):
        try:
            return self._client.video.v1.rooms(name).fetch()
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _provider_error("room fetch", exc) from None
        except _TRANSPORT_ERRORS as exc:
            raise VideoError(f"twilio room fetch: {type(exc).__name__}", transient=True) from None

    def update_room(self, room: RoomRef, spec: RoomSpec) -> None:
        """The window lives in the access tokens; the room itself has none."""

    def close_room(self, room: RoomRef) -> None:
        """Complete the room, disconnecting anyone in it (a room already gone is fine)."""
        if not room.ref:
            return
        try:
            self._client.video.v1.rooms(room.ref).update(status="completed")
        except (TwilioRestException, TwilioServiceException) as exc:
            if getattr(exc, "code", None) == NOT_FOUND or getattr(exc, "status", None) == 404:
                return
            raise _provider_error("room close", exc) from None
        except _TRANSPORT_ERRORS as exc:
            raise VideoError(f"twilio room close: {type(exc).__name__}", transient=True) from None

    def join(
        self,
        room: RoomRef,
        who: Participant,
        *,
        not_before: datetime,
        expires_at: datetime,
        now: datetime,
    ) -> Join:
        """An access token for this room only, from ``not_before`` until ``expires_at``."""
        return Join(token=self.access_token(room.name, who, not_before, expires_at, now))

    def access_token(
        self,
        room_name: str,
        who: Participant,
        not_before: datetime,
        expires_at: datetime,
        now: datetime,
    ) -> str:
        """The signed JWT twilio-video.js connects with; it lives until the window closes."""
        ttl = max(60, min(MAX_TOKEN_SECONDS, int((expires_at - now).total_seconds())))
        token = AccessToken(
            self.account_sid,
            self.api_key_sid,
            self.api_key_secret,
            identity=who.identity,
            ttl=ttl,
            nbf=epoch(not_before),
        )
        token.add_grant(VideoGrant(room=room_name))
        return token.to_jwt()

    def close(self) -> None:
        """Release pooled connections."""
        self._client.http_client.close()
