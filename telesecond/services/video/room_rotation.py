"""A new room name when a guest is revoked, so the old link and room lead nowhere.

On a provider whose rooms are only names (Jitsi), whoever knows the name can enter, and a
Jitsi token is bound to the room's name: a revoked guest who kept the room's address, or a
token, would still reach the call. Renaming the room shuts them out; everyone else joins
through the app, which hands out the new name. Providers with remote rooms (Twilio,
Daily) admit only holders of per-participant tokens the app stops issuing, so their
rooms stay as they are.
"""

from __future__ import annotations

from datetime import datetime

from telesecond.adapters.video import RoomSpec
from telesecond.models.video import VideoRoom
from telesecond.services.video import rooms


def rotate_after_revocation(room: VideoRoom | None, now: datetime) -> bool:
    """Give a local room a fresh name in the caller's transaction; True if renamed."""
    video = rooms.provider()
    if room is None or room.status != "ready" or video.remote_rooms:
        return False
    if room.provider != video.name:
        return False
    room.room_name = rooms.new_room_name()
    made = video.create_room(RoomSpec(room.room_name, room.opens_at, room.closes_at))
    room.provider_ref, room.provider_url = made.ref, made.url
    room.updated_at = now
    return True
