"""Jitsi Meet: the default provider, needing no account.

On the public ``meet.jit.si`` a room exists as soon as someone opens its name, so the
name's randomness (and the app revealing it only inside the join window) is the lock.
With a self-hosted Jitsi using token authentication (``JITSI_APP_ID`` and
``JITSI_APP_SECRET``, HS256) or with JaaS (``JITSI_JAAS_KEY_ID`` and an RS256
``JITSI_JAAS_PRIVATE_KEY``, the tenant being ``JITSI_APP_ID``), each join URL carries a
JWT bound to the room and the window, with the moderator flag for the specialist.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import quote

import jwt

from telesecond.adapters.video import Join, Participant, RoomRef, RoomSpec, epoch

JITSI_AUDIENCE = "jitsi"
JAAS_ISSUER = "chat"


class JitsiVideo:
    """Rooms on a Jitsi Meet domain, with optional JWT authentication."""

    name = "jitsi"
    remote_rooms = False
    call_page = False
    create_lead: timedelta | None = None

    def __init__(
        self,
        *,
        domain: str = "meet.jit.si",
        app_id: str = "",
        app_secret: str = "",
        jaas_key_id: str = "",
        jaas_private_key: str = "",
    ) -> None:
        self.domain = domain.strip().strip("/")
        if not self.domain or "/" in self.domain:
            raise ValueError("JITSI_DOMAIN must be a host name such as meet.jit.si")
        self.app_id = app_id.strip()
        self.app_secret = app_secret
        self.jaas_key_id = jaas_key_id.strip()
        # Environment variables often carry a PEM with literal "\n".
        self.jaas_private_key = jaas_private_key.replace("\\n", "\n").strip()
        if self.jaas_key_id and not (self.jaas_private_key and self.app_id):
            raise ValueError("JaaS needs JITSI_APP_ID and JITSI_JAAS_PRIVATE_KEY with the key id")
        if self.app_secret and not self.app_id:
            raise ValueError("JITSI_APP_SECRET needs JITSI_APP_ID")

    @property
    def jaas(self) -> bool:
        return bool(self.jaas_key_id)

    @property
    def uses_tokens(self) -> bool:
        return self.jaas or bool(self.app_secret)

    def room_url(self, name: str) -> str:
        path = f"{quote(self.app_id, safe='')}/{name}" if self.jaas else name
        return f"https://{self.domain}/{path}"

    def create_room(self, spec: RoomSpec) -> RoomRef:
        """Nothing to create remotely: the room is its name on the domain."""
        return RoomRef(name=spec.name, ref=spec.name, url=self.room_url(spec.name))

    def update_room(self, room: RoomRef, spec: RoomSpec) -> None:
        """The window lives in the tokens; nothing to move remotely."""

    def close_room(self, room: RoomRef) -> None:
        """Jitsi rooms end when empty; tokens expire with the window."""

    def join(
        self,
        room: RoomRef,
        who: Participant,
        *,
        not_before: datetime,
        expires_at: datetime,
        now: datetime,
    ) -> Join:
        """The room's URL, with a JWT when the domain uses token authentication."""
        url = self.room_url(room.name)
        if self.uses_tokens:
            token = self.token(room.name, who, not_before=not_before, expires_at=expires_at)
            url += f"?jwt={token}"
        # Jitsi reads config overrides from the fragment; it never reaches a server.
        display = quote(json.dumps(who.display_name), safe="")
        return Join(url=f"{url}#userInfo.displayName={display}&config.prejoinPageEnabled=true")

    def token(
        self, room_name: str, who: Participant, *, not_before: datetime, expires_at: datetime
    ) -> str:
        """A Jitsi JWT for one participant in one room and window."""
        moderator = who.role == "host"
        user = {"id": who.identity, "name": who.display_name, "moderator": moderator}
        claims: dict = {
            "aud": JITSI_AUDIENCE,
            "room": room_name,
            "nbf": epoch(not_before),
            "exp": epoch(expires_at),
            "context": {"user": user},
        }
        if self.jaas:
            # JaaS expects the moderator flag as the strings "true"/"false".
            user["moderator"] = "true" if moderator else "false"
            claims.update(iss=JAAS_ISSUER, sub=self.app_id)
            claims["context"]["features"] = {
                "livestreaming": False,
                "recording": False,
                "transcription": False,
                "outbound-call": False,
            }
            return jwt.encode(
                claims, self.jaas_private_key, algorithm="RS256", headers={"kid": self.jaas_key_id}
            )
        claims.update(iss=self.app_id, sub=self.domain, moderator=moderator)
        return jwt.encode(claims, self.app_secret, algorithm="HS256")
