"""Twilio Video through the real ``twilio`` client against the fake Twilio on loopback."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from telesecond.adapters import registry
from telesecond.adapters.video import RoomSpec, VideoError
from telesecond.adapters.video_twilio import TwilioVideo
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.services.consultations import booking
from telesecond.services.maintenance import run_maintenance
from telesecond.services.video import guests
from tests.video.fake_twilio_rooms import TWILIO_KEY_SECRET, TWILIO_KEY_SID
from tests.video.scenario import START, location_of, stored_room

OPENS = datetime(2026, 3, 3, 9, 45, tzinfo=UTC)
CLOSES = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)


@pytest.fixture
def twilio_app(make_app, clock, twilio_rooms, people):
    """The app with Twilio Video; its context is the current one (bookings use its provider)."""
    app = make_app(CLOCK=clock, **twilio_rooms.app_config())
    with app.app_context():
        yield app


def _tick(app, clock):
    with app.app_context():
        run_maintenance(clock())


def _token_of(page: str) -> str:
    found = re.search(r'data-token="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_room_is_created_shortly_before_the_window_by_the_reminder_process(
    twilio_app, people, consult, twilio_rooms, fake_twilio, clock
):
    c = consult()
    _tick(twilio_app, clock)
    assert twilio_rooms.rooms == {}  # a day early: Twilio would close an unused room
    room = stored_room(c.id)
    assert room.status == "pending"

    clock.now = OPENS - timedelta(minutes=10)
    _tick(twilio_app, clock)

    [created] = twilio_rooms.rooms.values()
    assert created["unique_name"] == room.room_name
    assert created["type"] == "group"
    assert created["max_participants"] == 5
    assert created["form"]["UnusedRoomTimeout"] == "60"
    assert fake_twilio.requests[-1].original_host == "video.twilio.com"
    room = stored_room(c.id)
    assert (room.status, room.provider_ref) == ("ready", created["sid"])


def test_join_leads_to_the_call_page_with_an_access_token(
    twilio_app, people, consult, twilio_rooms, signed_in, clock
):
    c = consult()
    clock.now = START - timedelta(minutes=5)
    client = signed_in(twilio_app, people.patient)

    joined = client.get(f"/consultations/{c.id}/join")
    assert location_of(joined) == f"/consultations/{c.id}/call"
    page = client.get(location_of(joined))

    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "wss://*.twilio.com" in csp and "script-src 'self' 'unsafe-eval';" in csp
    assert "/static/vendor/twilio-video/twilio-video.min.js" in page.text
    room = stored_room(c.id)
    assert room.status == "ready"  # created on the spot, the reminder process had not run
    token = _token_of(page.text)
    claims = jwt.decode(
        token,
        TWILIO_KEY_SECRET,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_nbf": False},
    )
    assert jwt.get_unverified_header(token)["cty"] == "twilio-fpa;v=1"
    assert claims["iss"] == TWILIO_KEY_SID
    assert claims["sub"] == twilio_rooms.fake.account_sid
    assert claims["grants"]["identity"] == f"patient-{people.patient.id}"
    assert claims["grants"]["video"] == {"room": room.room_name}
    assert claims["nbf"] == int(OPENS.timestamp())
    issued = int(claims["jti"].rpartition("-")[2])  # Twilio's jti is "<key sid>-<issued at>"
    assert claims["exp"] - issued == int((CLOSES - clock.now).total_seconds())  # the ttl
    assert f'data-room="{room.room_name}"' in page.text

    # A second visit finds the room in progress (Twilio answers 53113) and goes on.
    again = client.get(f"/consultations/{c.id}/call")
    assert again.status_code == 200 and len(twilio_rooms.rooms) == 1


def test_vendored_twilio_video_is_served_by_the_app(twilio_app):
    response = twilio_app.test_client().get("/static/vendor/twilio-video/twilio-video.min.js")
    assert response.status_code == 200
    assert b"Twilio" in response.data[:2000] or b"twilio" in response.data[:20000]
    response.close()


def test_call_page_outside_the_window_is_the_waiting_page(
    twilio_app, people, consult, signed_in, clock
):
    c = consult()
    page = signed_in(twilio_app, people.patient).get(f"/consultations/{c.id}/call")
    assert page.status_code == 200
    assert "data-token" not in page.text
    assert "The video room is not open yet" in page.text


def test_twilio_down_at_the_call_says_the_room_is_being_prepared(
    twilio_app, people, consult, twilio_rooms, fake_twilio, signed_in, clock
):
    c = consult()
    clock.now = START
    fake_twilio.fail_next(503, 20503, "Service unavailable")
    page = signed_in(twilio_app, people.doctor).get(f"/consultations/{c.id}/call")
    assert "The video room is being prepared" in page.text
    assert "data-token" not in page.text
    assert stored_room(c.id).last_error == "twilio room create: error 20503 (HTTP 503)"

    clock.advance(minutes=1)
    _tick(twilio_app, clock)
    assert stored_room(c.id).status == "ready"
    page = signed_in(twilio_app, people.doctor).get(f"/consultations/{c.id}/call")
    assert "data-token" in page.text


def test_cancel_completes_the_room(twilio_app, people, consult, twilio_rooms, clock):
    c = consult()
    clock.now = OPENS - timedelta(minutes=10)
    _tick(twilio_app, clock)
    doctor = db.session.get(Account, people.doctor.id)
    booking.cancel(doctor, c.id, reason="", now=clock(), cutoff_hours=0)
    _tick(twilio_app, clock)
    [room] = twilio_rooms.rooms.values()
    assert room["status"] == "completed"
    assert stored_room(c.id).pending_action is None


def test_adapter_errors_and_time_outs(fake_twilio, twilio_rooms):
    video = TwilioVideo(
        account_sid=fake_twilio.account_sid,
        auth_token=fake_twilio.auth_token,
        api_key_sid=TWILIO_KEY_SID,
        api_key_secret=TWILIO_KEY_SECRET,
        api_base_url=fake_twilio.base_url,
        timeout=0.5,
    )
    spec = RoomSpec(name="ts-room", opens_at=OPENS, closes_at=CLOSES)
    try:
        fake_twilio.fail_next(400, 53105, "Room max participants exceeded")
        with pytest.raises(VideoError) as refused:
            video.create_room(spec)
        assert not refused.value.transient

        fake_twilio.fail_next(429, 20429, "Too many requests")
        with pytest.raises(VideoError) as limited:
            video.create_room(spec)
        assert limited.value.transient

        fake_twilio.delay_next(2)
        with pytest.raises(VideoError) as timed_out:
            video.create_room(spec)
        assert timed_out.value.transient

        first = video.create_room(spec)  # the delayed request created it meanwhile
        assert first.ref in twilio_rooms.rooms
    finally:
        video.close()

    wrong = TwilioVideo(
        account_sid=fake_twilio.account_sid,
        auth_token="not-the-token",
        api_key_sid=TWILIO_KEY_SID,
        api_key_secret=TWILIO_KEY_SECRET,
        api_base_url=fake_twilio.base_url,
    )
    try:
        with pytest.raises(VideoError) as unauthorised:
            wrong.create_room(spec)
        assert not unauthorised.value.transient
        assert "not-the-token" not in str(unauthorised.value)
    finally:
        wrong.close()


def test_missing_credentials_are_a_clear_error():
    with pytest.raises(ValueError, match="TWILIO_API_KEY_SID"):
        TwilioVideo(account_sid="AC1", auth_token="t", api_key_sid="", api_key_secret="")


def test_guest_link_opens_the_call_page_with_a_guest_identity(
    twilio_app, people, consult, twilio_rooms, clock
):
    c = consult()
    patient = db.session.get(Account, people.patient.id)
    invitation = guests.invite(patient, c.id, name="Gerd Guest", email="g@example.org", now=clock())
    [message] = registry.current().mail.sent
    link = "/video/guests/" + message.get_body().get_content().split("/video/guests/")[1].split()[0]
    clock.now = START

    page = twilio_app.test_client().get(link)

    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"].count("wss://*.twilio.com") == 1
    claims = jwt.decode(
        _token_of(page.text),
        TWILIO_KEY_SECRET,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_nbf": False},
    )
    assert claims["grants"]["identity"] == f"guest-{invitation.guest.id}"
    assert claims["grants"]["video"] == {"room": stored_room(c.id).room_name}
