"""Guests: invited by email (no health information), personal links valid only in the window."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent
from telesecond.models.video import VideoGuest
from telesecond.services.consultations import booking
from tests.factories import intake
from tests.video.scenario import START, location_of
from tests.web_forms import csrf_token


@pytest.fixture
def mail_app(make_app, clock, smtp_server):
    app = make_app(CLOCK=clock, **smtp_server.app_config())
    with app.app_context():
        yield app


def _invite(client, consultation_id: int, name: str, email: str):
    page = client.get(f"/consultations/{consultation_id}")
    return client.post(
        f"/consultations/{consultation_id}/guests",
        data={"name": name, "email": email, "csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )


def _link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"http://localhost(/video/guests/\S+)", text)
    assert found, text
    return found.group(1)


def test_invited_guest_gets_a_link_without_health_information(
    mail_app, people, consult, signed_in, smtp_server, clock
):
    c = consult()
    client = signed_in(mail_app, people.patient)

    page = _invite(client, c.id, "Gerd Guest", "Gerd@Example.org")

    assert "Gerd Guest is invited" in page.text
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "Gerd Guest <gerd@example.org>"
    assert "health" not in message["Subject"].lower()
    text = message.get_body(preferencelist=("plain",)).get_content()
    for secret in (
        intake().reason,
        intake().current_diagnosis,
        intake().proposed_treatment,
        *intake().questions,
    ):
        assert secret not in text and secret not in message["Subject"]
    assert "Petra Patient has invited you" in text
    assert "Tue 03 Mar 2026, 11:00 (Europe/Berlin)" in text
    guest = db.session.scalar(select(VideoGuest))
    assert guest.token_hash not in text  # only the hash is stored, the link is not
    assert _link(message).removeprefix("/video/guests/") not in guest.token_hash


def test_guest_link_works_only_inside_the_window(
    mail_app, people, consult, signed_in, smtp_server, clock
):
    c = consult()
    _invite(signed_in(mail_app, people.patient), c.id, "Gerd Guest", "gerd@example.org")
    link = _link(smtp_server.wait_for(1)[0])
    guest_client = mail_app.test_client()

    before = guest_client.get(link)
    assert before.status_code == 200
    assert "The video room is not open yet" in before.text
    assert "Petra Patient" in before.text

    clock.now = START - timedelta(minutes=15)
    inside = guest_client.get(link)
    assert inside.status_code == 302
    assert location_of(inside).startswith("https://meet.jit.si/ts-")
    assert "Gerd%20Guest" in location_of(inside)
    joined = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "video.guest_joined")
    ).all()
    assert [e.target_id for e in joined] == [str(c.id)]

    clock.now = START + timedelta(hours=1, minutes=30)
    assert "This video call has ended" in guest_client.get(link).text


def test_revoked_link_stops_working(mail_app, people, consult, signed_in, smtp_server, clock):
    c = consult()
    client = signed_in(mail_app, people.patient)
    _invite(client, c.id, "Gerd Guest", "gerd@example.org")
    link = _link(smtp_server.wait_for(1)[0])
    guest = db.session.scalar(select(VideoGuest))
    clock.now = START

    page = client.get(f"/consultations/{c.id}")
    revoked = client.post(
        f"/consultations/{c.id}/guests/{guest.id}/revoke",
        data={"csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )

    assert "link no longer works" in revoked.text
    response = mail_app.test_client().get(link)
    assert response.status_code == 404
    assert "meet.jit.si" not in response.text


def test_a_made_up_link_is_404(app):
    assert app.test_client().get("/video/guests/not-a-real-token").status_code == 404


def test_at_most_two_guests(mail_app, people, consult, signed_in, smtp_server):
    c = consult()
    client = signed_in(mail_app, people.patient)
    _invite(client, c.id, "One", "one@example.org")
    _invite(client, c.id, "Two", "two@example.org")

    third = _invite(client, c.id, "Three", "three@example.org")

    assert "up to 2 guests" in third.text
    assert len(smtp_server.wait_for(2)) == 2
    assert db.session.scalar(select(db.func.count(VideoGuest.id))) == 2


def test_bad_address_is_explained(mail_app, people, consult, signed_in):
    c = consult()
    page = _invite(signed_in(mail_app, people.patient), c.id, "Gerd", "not-an-address")
    assert "Enter the guest's email address" in html.unescape(page.text)
    assert db.session.scalar(select(VideoGuest)) is None


def test_only_the_patient_invites(mail_app, people, consult, signed_in):
    c = consult()
    doctor_page = _invite(signed_in(mail_app, people.doctor), c.id, "X", "x@example.org")
    assert "Only the patient can invite" in doctor_page.text
    stranger = signed_in(mail_app, people.stranger)
    page = stranger.get("/video/device-test")  # any page with a CSRF token
    token = csrf_token(page.text)
    response = stranger.post(
        f"/consultations/{c.id}/guests",
        data={"name": "X", "email": "x@example.org", "csrf_token": token},
    )
    assert response.status_code == 404
    assert db.session.scalar(select(VideoGuest)) is None


def test_guests_of_a_cancelled_consultation_cannot_join(
    mail_app, people, consult, signed_in, smtp_server, clock
):
    c = consult()
    _invite(signed_in(mail_app, people.patient), c.id, "Gerd Guest", "gerd@example.org")
    link = _link(smtp_server.wait_for(1)[0])
    booking.cancel(people.patient, c.id, reason="", now=clock(), cutoff_hours=0)
    clock.now = START
    response = mail_app.test_client().get(link)
    assert "This consultation was cancelled" in response.text
    assert "meet.jit.si" not in response.text


def test_an_invitation_link_ignores_a_forwarded_host(
    mail_app, people, consult, signed_in, smtp_server
):
    c = consult()
    client = signed_in(mail_app, people.patient)
    page = client.get(f"/consultations/{c.id}")
    client.post(
        f"/consultations/{c.id}/guests",
        data={
            "name": "Gerd Guest",
            "email": "gerd@example.org",
            "csrf_token": csrf_token(page.text),
        },
        headers={"X-Forwarded-Host": "attacker.localhost", "X-Forwarded-Proto": "http"},
    )
    [message] = smtp_server.wait_for(1)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "attacker" not in text
    assert "http://localhost/video/guests/" in text
