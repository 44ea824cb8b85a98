"""Video fixtures: a consultation at a known time, signed-in clients, fake providers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Account
from telesecond.models.video import VideoRoom
from telesecond.services.consultations import booking
from tests.conftest import PASSWORD, csrf_token
from tests.factories import intake
from tests.support.fake_twilio import FakeTwilio, twilio_error
from tests.video.fake_daily import FakeDaily

# Tuesday 2026-03-03 10:00-11:00 UTC (11:00 Berlin); the frozen clock is Monday 09:00 UTC.
START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
TWILIO_KEY_SID = "SK" + "0f" * 16
TWILIO_KEY_SECRET = "twilio-key-secret-for-tests-0123456789"


def login(client, account) -> None:
    """Sign the client in through the login form."""
    token = csrf_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": account.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.text


@pytest.fixture
def people(make_account, make_specialist):
    """A specialist (UTC hours every day), their patient, and an unrelated patient."""

    class People:
        doctor = make_specialist(
            full_name="Dr Dana Doctor", timezone="UTC", weekly=[(d, 0, 24 * 60) for d in range(7)]
        )
        patient = make_account(full_name="Petra Patient", timezone="Europe/Berlin")
        stranger = make_account(full_name="Sam Stranger")

    return People()


@pytest.fixture
def consult(people, clock):
    """Book the patient with the doctor at ``start`` (default: Tuesday 10:00 UTC)."""

    def factory(start: datetime = START):
        # In the current app's session (a provider test's app may sit on top of ``app``).
        patient = db.session.get(Account, people.patient.id)
        return booking.book(patient, people.doctor.id, start, intake(), now=clock())

    return factory


@pytest.fixture
def signed_in():
    """A client of ``app`` signed in as ``account``."""

    def factory(app, account):
        client = app.test_client()
        login(client, account)
        return client

    return factory


@pytest.fixture
def fake_daily():
    with FakeDaily() as fake:
        yield fake
    if fake.errors:
        pytest.fail(f"fake Daily handler errors: {fake.errors!r}", pytrace=False)


class TwilioVideoRooms:
    """Twilio's Rooms API (``/v1/Rooms``) added to the shared fake Twilio."""

    def __init__(self, fake: FakeTwilio) -> None:
        self.fake = fake
        self.rooms: dict[str, dict[str, Any]] = {}
        fake.add_route("POST", r"/v1/Rooms", self._create)
        fake.add_route("GET", r"/v1/Rooms/(?P<room>[^/]+)", self._fetch)
        fake.add_route("POST", r"/v1/Rooms/(?P<room>[^/]+)", self._update)

    def app_config(self) -> dict[str, Any]:
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


@pytest.fixture
def twilio_rooms(fake_twilio):
    return TwilioVideoRooms(fake_twilio)


def location_of(response) -> str:
    return response.headers["Location"]


def query_param(url: str, name: str) -> str:
    found = re.search(rf"[?&]{name}=([^&#]+)", url)
    assert found, f"no {name} in {url}"
    return found.group(1)


def stored_room(consultation_id: int) -> VideoRoom:
    """The consultation's room as the database has it now."""
    room = db.session.scalar(select(VideoRoom).where(VideoRoom.consultation_id == consultation_id))
    db.session.refresh(room)
    return room
