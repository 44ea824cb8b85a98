"""The join page: who may enter, and when (before, inside, after; a DST-change day)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent
from telesecond.models.video import VideoRoom
from telesecond.services.consultations import booking
from tests.video.scenario import START, location_of


def _joins(consultation_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "video.joined",
                AuditEvent.target_id == str(consultation_id),
            )
        )
    )


def test_before_the_window_the_page_says_when_it_opens_in_the_viewers_zone(
    app, people, consult, signed_in, clock
):
    c = consult()
    client = signed_in(app, people.patient)

    response = client.get(f"/consultations/{c.id}/join")

    assert response.status_code == 200
    # Opens 15 minutes before 10:00 UTC, shown in the patient's Berlin time.
    assert "Tue 03 Mar 2026, 10:45 (Europe/Berlin, CET)" in response.text
    assert 'data-countdown-to="2026-03-03T09:45:00Z"' in response.text
    assert 'data-server-now="2026-03-02T09:00:00Z"' in response.text
    assert "1485 minutes" in response.text  # the no-JS countdown
    assert _joins(c.id) == []


def test_inside_the_window_the_join_is_audited_and_redirects_to_the_room(
    app, people, consult, signed_in, clock
):
    c = consult()
    room = db.session.scalar(select(VideoRoom).where(VideoRoom.consultation_id == c.id))
    client = signed_in(app, people.patient)
    clock.now = START - timedelta(minutes=15)  # the first instant of the window

    response = client.get(f"/consultations/{c.id}/join")

    assert response.status_code == 302
    assert location_of(response).startswith(f"https://meet.jit.si/{room.room_name}#")
    [event] = _joins(c.id)
    assert event.actor_id == people.patient.id
    assert event.detail == {"role": "patient"}

    clock.now = START + timedelta(hours=1, minutes=29)  # still inside the grace period
    assert signed_in(app, people.doctor).get(f"/consultations/{c.id}/join").status_code == 302


def test_one_second_before_the_window_is_still_before(app, people, consult, signed_in, clock):
    c = consult()
    clock.now = START - timedelta(minutes=15, seconds=1)
    response = signed_in(app, people.patient).get(f"/consultations/{c.id}/join")
    assert response.status_code == 200
    assert "The video room is not open yet" in response.text


def test_after_the_grace_period_the_call_has_ended(app, people, consult, signed_in, clock):
    c = consult()
    clock.now = START + timedelta(hours=1, minutes=30)  # end + 30 minutes' grace
    response = signed_in(app, people.patient).get(f"/consultations/{c.id}/join")
    assert response.status_code == 200
    assert "This video call has ended" in response.text
    assert _joins(c.id) == []


def test_the_opening_is_configurable(make_app, people, consult, signed_in, clock):
    app = make_app(CLOCK=clock, VIDEO_JOIN_OPENS_MINUTES=5)
    with app.app_context():
        c = consult()
    clock.now = START - timedelta(minutes=10)
    client = signed_in(app, people.patient)
    assert client.get(f"/consultations/{c.id}/join").status_code == 200
    clock.now = START - timedelta(minutes=5)
    assert client.get(f"/consultations/{c.id}/join").status_code == 302


def test_on_the_day_clocks_go_forward_the_opening_is_shown_in_summer_time(
    app, people, consult, signed_in, clock
):
    # Berlin moves from 02:00 CET to 03:00 CEST at 01:00 UTC on Sunday 29 March 2026.
    c = consult(datetime(2026, 3, 29, 2, 0, tzinfo=UTC))  # 04:00 CEST
    client = signed_in(app, people.patient)
    clock.now = datetime(2026, 3, 29, 0, 50, tzinfo=UTC)  # 01:50 CET, before the change

    response = client.get(f"/consultations/{c.id}/join")

    assert "Sun 29 Mar 2026, 03:45 (Europe/Berlin, CEST)" in response.text
    assert "55 minutes" in response.text  # 55 real minutes, although the wall clock moves 115
    clock.now = datetime(2026, 3, 29, 1, 45, tzinfo=UTC)  # 03:45 CEST
    assert client.get(f"/consultations/{c.id}/join").status_code == 302
    clock.now = datetime(2026, 3, 29, 3, 30, tzinfo=UTC)  # 05:30 CEST: end 05:00 + grace
    assert "This video call has ended" in client.get(f"/consultations/{c.id}/join").text


def test_another_patient_gets_404_and_no_room(app, people, consult, signed_in, clock):
    c = consult()
    clock.now = START
    response = signed_in(app, people.stranger).get(f"/consultations/{c.id}/join")
    assert response.status_code == 404
    assert "meet.jit.si" not in response.text
    assert _joins(c.id) == []


def test_unknown_consultation_is_404(app, people, signed_in):
    assert signed_in(app, people.patient).get("/consultations/999999/join").status_code == 404


def test_logged_out_goes_to_login_and_back(app, people, consult, clock):
    c = consult()
    clock.now = START
    client = app.test_client()

    response = client.get(f"/consultations/{c.id}/join")

    assert response.status_code == 302
    login_url = location_of(response)
    assert login_url.startswith("/login?next=")
    from tests.credentials import PASSWORD
    from tests.web_forms import csrf_token

    page = client.get(login_url)
    back = client.post(
        login_url,
        data={
            "email": people.patient.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert location_of(back) == f"/consultations/{c.id}/join"
    assert location_of(client.get(location_of(back))).startswith("https://meet.jit.si/ts-")


def test_cancelled_consultation_has_no_room(app, people, consult, signed_in, clock):
    c = consult()
    booking.cancel(people.patient, c.id, reason="", now=clock(), cutoff_hours=0)
    clock.now = START
    response = signed_in(app, people.patient).get(f"/consultations/{c.id}/join")
    assert response.status_code == 200
    assert "This consultation was cancelled" in response.text
    room = db.session.scalar(select(VideoRoom).where(VideoRoom.consultation_id == c.id))
    db.session.refresh(room)
    assert room.status == "closed"


def test_reschedule_moves_the_window(app, people, consult, signed_in, clock):
    c = consult()
    later = START + timedelta(days=1)
    booking.reschedule(people.patient, c.id, later, now=clock(), cutoff_hours=0)
    client = signed_in(app, people.patient)

    clock.now = START  # the old time
    assert client.get(f"/consultations/{c.id}/join").status_code == 200
    clock.now = later - timedelta(minutes=10)
    assert client.get(f"/consultations/{c.id}/join").status_code == 302


def test_api_answer_carries_the_join_url(app, people, consult, auth_header):
    c = consult()
    answer = app.test_client().get(
        f"/api/v1/consultations/{c.id}", headers=auth_header(people.patient)
    )
    assert answer.json["join_url"] == f"http://localhost/consultations/{c.id}/join"


def test_consultation_page_shows_the_video_panel(app, people, consult, signed_in):
    c = consult()
    page = signed_in(app, people.patient).get(f"/consultations/{c.id}").text
    assert 'id="next-steps"' in page and 'id="video"' in page
    assert "Join opens at" in page
    assert "/video/device-test?consultation=" in page
    assert "Invite a guest" in page
    doctor_page = signed_in(app, people.doctor).get(f"/consultations/{c.id}").text
    assert "Invite a guest" not in doctor_page
