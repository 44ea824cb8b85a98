"""Daily through ``requests`` against a fake Daily API on loopback: rooms, tokens, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from telesecond.adapters.video import Participant, RoomRef, RoomSpec, VideoError
from telesecond.adapters.video_daily import DailyVideo
from telesecond.services.maintenance import run_maintenance
from tests.video.fake_daily import API_KEY
from tests.video.scenario import START, location_of, query_param, stored_room

OPENS = datetime(2026, 3, 3, 9, 45, tzinfo=UTC)
CLOSES = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)


@pytest.fixture
def daily_app(make_app, clock, fake_daily, people):
    """The app with Daily; its context is the current one (bookings use its provider)."""
    app = make_app(CLOCK=clock, **fake_daily.app_config())
    with app.app_context():
        yield app


def _book_over_api(app, people, auth_header, start=START):
    return app.test_client().post(
        "/api/v1/consultations",
        headers=auth_header(people.patient),
        json={
            "specialist_id": people.doctor.id,
            "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "patient_region": "DE",
            "reason": "Second look",
            "current_diagnosis": "Something serious",
            "proposed_treatment": "Surgery",
            "questions": ["Is it needed?"],
            "telehealth_consent": True,
        },
    )


def test_booking_creates_a_private_room_with_the_window(daily_app, people, auth_header, fake_daily):
    answer = _book_over_api(daily_app, people, auth_header)

    assert answer.status_code == 201
    room = stored_room(answer.json["id"])
    assert room.status == "ready" and room.pending_action is None
    created = fake_daily.rooms[room.room_name]
    assert created["privacy"] == "private"
    assert created["config"]["nbf"] == int(OPENS.timestamp())
    assert created["config"]["exp"] == int(CLOSES.timestamp())
    assert created["config"]["eject_at_room_exp"] is True
    assert room.provider_url == created["url"]


def test_join_gives_owner_token_to_the_specialist_only(
    daily_app, people, auth_header, fake_daily, signed_in, clock
):
    cid = _book_over_api(daily_app, people, auth_header).json["id"]
    room = stored_room(cid)
    clock.now = START

    host = location_of(signed_in(daily_app, people.doctor).get(f"/consultations/{cid}/join"))
    guest = location_of(signed_in(daily_app, people.patient).get(f"/consultations/{cid}/join"))

    assert host.startswith(room.provider_url + "?t=")
    host_claims = jwt.decode(
        query_param(host, "t"),
        API_KEY,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_nbf": False},
    )
    assert host_claims["is_owner"] is True
    assert host_claims["room_name"] == room.room_name
    assert (host_claims["nbf"], host_claims["exp"]) == (
        int(OPENS.timestamp()),
        int(CLOSES.timestamp()),
    )
    guest_claims = jwt.decode(
        query_param(guest, "t"),
        API_KEY,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_nbf": False},
    )
    assert guest_claims["is_owner"] is False
    assert guest_claims["user_name"] == "Petra Patient"


def test_provider_down_at_booking_still_books_and_the_reminder_process_retries(
    daily_app, people, auth_header, fake_daily, signed_in, clock
):
    fake_daily.fail_next(503)
    answer = _book_over_api(daily_app, people, auth_header)

    assert answer.status_code == 201
    room = stored_room(answer.json["id"])
    assert room.status == "pending" and room.pending_action == "create"
    assert room.last_error == "daily POST rooms: HTTP 503 server-error"
    assert room.room_name not in fake_daily.rooms

    # Inside the window while the provider is still down: the page says what is happening.
    clock.now = START - timedelta(minutes=10)
    fake_daily.fail_next(503)
    page = signed_in(daily_app, people.patient).get(f"/consultations/{room.consultation_id}/join")
    assert page.status_code == 200
    assert "The video room is being prepared" in page.text
    assert page.headers["Retry-After"] == "15"

    clock.advance(minutes=2)  # past the back-off
    with daily_app.app_context():
        run_maintenance(clock())
    room = stored_room(room.consultation_id)
    assert room.status == "ready"
    assert room.room_name in fake_daily.rooms
    joined = signed_in(daily_app, people.patient).get(f"/consultations/{room.consultation_id}/join")
    assert joined.status_code == 302


def test_time_out_at_booking_is_retried_later(daily_app, people, auth_header, fake_daily, clock):
    fake_daily.delay_next(3)  # longer than the 1 s time-out
    answer = _book_over_api(daily_app, people, auth_header)
    assert answer.status_code == 201
    room = stored_room(answer.json["id"])
    assert room.pending_action == "create"
    assert "ReadTimeout" in room.last_error
    # The request may have reached Daily: the retry finds the room instead of failing.
    clock.advance(minutes=1)
    with daily_app.app_context():
        run_maintenance(clock())
    assert stored_room(answer.json["id"]).status == "ready"


def test_reschedule_moves_the_rooms_window_and_cancel_deletes_it(
    daily_app, people, auth_header, fake_daily, clock
):
    cid = _book_over_api(daily_app, people, auth_header).json["id"]
    room = stored_room(cid)
    client = daily_app.test_client()
    later = START + timedelta(days=1)

    moved = client.post(
        f"/api/v1/consultations/{cid}/reschedule",
        headers=auth_header(people.patient),
        json={"start": later.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )

    assert moved.status_code == 200, moved.json
    config = fake_daily.rooms[room.room_name]["config"]
    assert config["nbf"] == int((later - timedelta(minutes=15)).timestamp())
    assert stored_room(cid).pending_action is None

    cancelled = client.post(
        f"/api/v1/consultations/{cid}/cancel", headers=auth_header(people.patient), json={}
    )
    assert cancelled.status_code == 200
    assert room.room_name not in fake_daily.rooms
    assert cancelled.json["join_url"] is None
    assert stored_room(cid).status == "closed"


def test_cancel_while_daily_is_down_closes_later(daily_app, people, auth_header, fake_daily, clock):
    cid = _book_over_api(daily_app, people, auth_header).json["id"]
    room = stored_room(cid)
    fake_daily.fail_next(500)
    booking_client = daily_app.test_client()
    booking_client.post(
        f"/api/v1/consultations/{cid}/cancel", headers=auth_header(people.patient), json={}
    )
    assert room.room_name in fake_daily.rooms
    assert stored_room(cid).pending_action == "close"
    clock.advance(minutes=1)
    with daily_app.app_context():
        run_maintenance(clock())
    assert room.room_name not in fake_daily.rooms
    assert stored_room(cid).pending_action is None


def test_adapter_errors_are_classified(fake_daily):
    video = DailyVideo(api_key=API_KEY, base_url=fake_daily.base_url, timeout=1)
    spec = RoomSpec(name="ts-x", opens_at=OPENS, closes_at=CLOSES)

    fake_daily.fail_next(429, {"error": "rate-limit"})
    with pytest.raises(VideoError) as limited:
        video.create_room(spec)
    assert limited.value.transient

    fake_daily.fail_next(400, {"error": "invalid-request-error", "info": "bad nbf"})
    with pytest.raises(VideoError) as refused:
        video.create_room(spec)
    assert not refused.value.transient

    bad_key = DailyVideo(api_key="wrong", base_url=fake_daily.base_url, timeout=1)
    with pytest.raises(VideoError) as unauthorised:
        bad_key.create_room(spec)
    assert not unauthorised.value.transient
    assert "wrong" not in str(unauthorised.value)

    fake_daily.delay_next(2)
    with pytest.raises(VideoError) as timed_out:
        video.create_room(spec)
    assert timed_out.value.transient

    video.create_room(spec)
    assert video.create_room(spec).url  # creating twice finds the same room
    with pytest.raises(VideoError):
        video.join(
            RoomRef(name="ts-x"),
            Participant("p", "P", "guest"),
            not_before=OPENS,
            expires_at=CLOSES,
            now=OPENS,
        )  # no url yet: not created


def test_connection_refused_is_transient():
    video = DailyVideo(api_key=API_KEY, base_url="http://127.0.0.1:9/v1", timeout=1)
    with pytest.raises(VideoError) as refused:
        video.close_room(RoomRef(name="ts-x", ref="ts-x"))
    assert refused.value.transient
