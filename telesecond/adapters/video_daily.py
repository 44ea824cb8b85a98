"""Daily: private rooms and meeting tokens through Daily's REST API (with ``requests``).

A private room refuses anyone without a meeting token; the room itself carries the
window (``nbf``/``exp``, ejecting everyone at ``exp``) and so does each token, the
specialist's being an owner token.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import requests

from telesecond.adapters.video import Join, Participant, RoomRef, RoomSpec, VideoError, epoch


class DailyVideo:
    """Daily rooms, one per consultation."""

    name = "daily"
    remote_rooms = True
    call_page = False
    create_lead: timedelta | None = None

    def __init__(self, *, api_key: str, base_url: str, timeout: float = 10) -> None:
        if not api_key:
            raise ValueError("VIDEO_PROVIDER=daily needs DAILY_API_KEY")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("DAILY_API_BASE_URL must be an absolute http(s) URL")
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        action = f"{method} {path.split('/')[1]}"
        try:
            response = requests.request(
                method,
                self.base_url + path,
                json=body,
                headers={"Authorization": f"Bearer {self.api_key}"},
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise VideoError(f"daily {action}: {type(exc).__name__}", transient=True) from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        status = response.status_code
        if status >= 400 or not isinstance(payload, dict):
            # Daily's "error" is a fixed code; its "info" may echo names, so it is not logged.
            error = payload.get("error") if isinstance(payload, dict) else "unreadable answer"
            raise DailyError(
                f"daily {action}: HTTP {status} {error or ''}".rstrip(), status, payload
            )
        return payload

    def _properties(self, spec: RoomSpec) -> dict[str, Any]:
        return {
            "nbf": epoch(spec.opens_at),
            "exp": epoch(spec.closes_at),
            "eject_at_room_exp": True,
            "max_participants": spec.max_participants,
            "enable_knocking": False,
            "enable_prejoin_ui": True,
        }

    def create_room(self, spec: RoomSpec) -> RoomRef:
        """Create the private room, or take the one already made under this name."""
        body = {"name": spec.name, "privacy": "private", "properties": self._properties(spec)}
        try:
            room = self._call("POST", "/rooms", body)
        except DailyError as exc:
            if exc.status != 400 or "already exists" not in str(exc.info):
                raise
            room = self._call("GET", f"/rooms/{quote(spec.name, safe='')}")
        if not room.get("url") or not room.get("name"):
            raise VideoError("daily rooms: answer without a room name or url", transient=True)
        return RoomRef(name=spec.name, ref=room["name"], url=room["url"])

    def update_room(self, room: RoomRef, spec: RoomSpec) -> None:
        """Move the room's window."""
        self._call(
            "POST",
            f"/rooms/{quote(room.ref or room.name, safe='')}",
            {"properties": self._properties(spec)},
        )

    def close_room(self, room: RoomRef) -> None:
        """Delete the room (ejecting anyone in it); a room already gone is fine."""
        try:
            self._call("DELETE", f"/rooms/{quote(room.ref or room.name, safe='')}")
        except DailyError as exc:
            if exc.status != 404:
                raise

    def join(
        self,
        room: RoomRef,
        who: Participant,
        *,
        not_before: datetime,
        expires_at: datetime,
        now: datetime,
    ) -> Join:
        """The room URL with a meeting token (an owner token for the host)."""
        if not room.url:
            raise VideoError("daily room has no url yet", transient=True)
        properties = {
            "room_name": room.ref or room.name,
            "nbf": epoch(not_before),
            "exp": epoch(expires_at),
            "is_owner": who.role == "host",
            "user_name": who.display_name,
            "user_id": who.identity,
            "eject_at_token_exp": True,
        }
        answer = self._call("POST", "/meeting-tokens", {"properties": properties})
        token = answer.get("token")
        if not isinstance(token, str) or not token:
            raise VideoError("daily meeting-tokens: answer without a token", transient=True)
        return Join(url=f"{room.url}?t={quote(token, safe='')}")


class DailyError(VideoError):
    """Daily answered with an error (or something that is not JSON)."""

    def __init__(self, message: str, status: int, payload: Any) -> None:
        transient = status == 429 or status >= 500 or not isinstance(payload, dict)
        super().__init__(message, transient=transient)
        self.status = status
        self.info = payload.get("info") if isinstance(payload, dict) else None
