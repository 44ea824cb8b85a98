"""Twilio's Rooms API (``/v1/Rooms``) served by the shared fake Twilio."""

from __future__ import annotations

from typing import Any

from tests.support.fake_twilio import FakeTwilio, twilio_error

TWILIO_KEY_SID = "SK" + "0f" * 16
TWILIO_KEY_SECRET = "twilio-key-secret-for-tests-0123456789"


class TwilioVideoRooms:
    """Twilio's Rooms API (``/v1/Rooms``) added to the shared fake Twilio."""

    def __init__(self, fake: FakeTwilio) -> None:
        self.fake = fake
        self.rooms: dict[str, dict[str, Any]] = {}
        fake.add_route("POST", r"/v1/Rooms", self._create)
        fake.add_route("GET", r"/v1/Rooms/(?P<room>[^/]+)", self._fetch)
        fake.add_route("POST", r"/v1/Rooms/(?P<room>[^/]+)", self._update)

    def app_config(self) -> dict[str, Any]:
        """Settings that make the app create its rooms here."""
        return {
            "VIDEO_PROVIDER": "twilio",
            "TWILIO_ACCOUNT_SID": self.fake.account_sid,
            "TWILIO_AUTH_TOKEN": self.fake.auth_token,
            "TWILIO_API_KEY_SID": TWILIO_KEY_SID,
            "TWILIO_API_KEY_SECRET": TWILIO_KEY_SECRET,
            "TWILIO_API_BASE_URL": self.fake.base_url,
            "VIDEO_PROVIDER_TIMEOUT_SECONDS": 1,
        }

    def _json(self, room: dict[str, Any]) -> dict[str, Any]:
        return {
            "sid": room["sid"],
            "account_sid": self.fake.account_sid,
            "unique_name": room["unique_name"],
            "status": room["status"],
            "type": room["type"],
            "max_participants": room["max_participants"],
            "date_created": "2026-03-03T09:50:00Z",
            "url": f"https://video.twilio.com/v1/Rooms/{room['sid']}",
        }

    def _find(self, key: str) -> dict[str, Any] | None:
        for room in self.rooms.values():
            if key in (room["sid"], room["unique_name"]) and (
                room["status"] == "in-progress" or key == room["sid"]
            ):
                return room
        return None

    def _create(self, request):
        form = request.form
        name = form.get("UniqueName")
        if self._find(name) is not None:
            return 400, twilio_error(400, 53113, "Room exists")
        sid = "RM" + f"{len(self.rooms) + 1:032x}"
        self.rooms[sid] = {
            "sid": sid,
            "unique_name": name,
            "status": "in-progress",
            "type": form.get("Type"),
            "max_participants": int(form.get("MaxParticipants", "0")),
            "form": form,
        }
        return 201, self._json(self.rooms[sid])

    def _fetch(self, request):
        room = self._find(request.match["room"])
        if room is None:
            return 404, twilio_error(404, 20404, "The requested resource was not found")
        return 200, self._json(room)

    def _update(self, request):
        room = self._find(request.match["room"])
        if room is None:
            return 404, twilio_error(404, 20404, "The requested resource was not found")
        room["status"] = request.form.get("Status", room["status"])
        return 200, self._json(room)
