"""Guest invitations cannot be turned into a mail cannon: caps, and no links in names."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models.video import VideoGuest
from tests.video.scenario import START
from tests.web_forms import csrf_token


@pytest.fixture
def mail_app(make_app, clock, smtp_server):
    app = make_app(CLOCK=clock, **smtp_server.app_config())
    with app.app_context():
        yield app


def _page(client, consultation_id: int) -> str:
    return client.get(f"/consultations/{consultation_id}").text


def _invite(client, consultation_id: int, name: str, email: str) -> str:
    token = csrf_token(_page(client, consultation_id))
    return html.unescape(
        client.post(
            f"/consultations/{consultation_id}/guests",
            data={"name": name, "email": email, "csrf_token": token},
            follow_redirects=True,
        ).text
    )


def _revoke_all(client, consultation_id: int) -> None:
    for guest in db.session.scalars(
        select(VideoGuest).where(
            VideoGuest.consultation_id == consultation_id, VideoGuest.revoked_at.is_(None)
        )
    ):
        token = csrf_token(_page(client, consultation_id))
        client.post(
            f"/consultations/{consultation_id}/guests/{guest.id}/revoke",
            data={"csrf_token": token},
        )
    db.session.expire_all()


def _count() -> int:
    return db.session.scalar(select(func.count(VideoGuest.id)))


def test_invite_revoke_invite_stops_at_three_per_consultation(
    mail_app, people, consult, signed_in, smtp_server
):
    c = consult()
    client = signed_in(mail_app, people.patient)
    for n in range(3):
        _invite(client, c.id, "Gerd Guest", f"victim{n}@example.org")
        _revoke_all(client, c.id)

    fourth = _invite(client, c.id, "Gerd Guest", "victim3@example.org")

    assert "You have sent all 3 invitations for this consultation" in fourth
    smtp_server.wait_for(3)
    assert len(smtp_server.messages) == 3  # mail leaves during the request
    assert smtp_server.messages_to("victim3@example.org") == []
    assert _count() == 3


def test_a_patient_sends_at_most_five_invitations_a_day(
    mail_app, people, consult, signed_in, smtp_server, clock
):
    first, second = consult(), consult(START + timedelta(hours=2))
    client = signed_in(mail_app, people.patient)
    for n in range(3):
        _invite(client, first.id, "Gerd Guest", f"a{n}@example.org")
        _revoke_all(client, first.id)
    _invite(client, second.id, "Gerd Guest", "b0@example.org")
    _invite(client, second.id, "Gerd Guest", "b1@example.org")
    _revoke_all(client, second.id)

    sixth = _invite(client, second.id, "Gerd Guest", "b2@example.org")

    assert "You have sent 5 invitations in the last 24 hours" in sixth
    assert _count() == 5

    clock.advance(hours=24, minutes=1)
    later = _invite(client, second.id, "Gerd Guest", "b2@example.org")
    assert "Gerd Guest is invited" in later
    assert _count() == 6


@pytest.mark.parametrize(
    "name",
    [
        "http://evil.example/pay",
        "Visit www evil",
        "Gerd see www.evil.example",
        "prize at evil.com now",
        "EVIL.COM",
        "mail me@evil.example",
        "hxxp HTTPS now",
        "Call 0800 123 456",
        "<b>Gerd</b>",
    ],
)
def test_a_name_with_a_link_or_address_is_refused(mail_app, people, consult, signed_in, name):
    c = consult()
    page = _invite(signed_in(mail_app, people.patient), c.id, name, "gerd@example.org")
    assert "Enter only the guest's name" in page
    assert _count() == 0


@pytest.mark.parametrize("name", ["Gerd Guest", "Zoë O'Brien-Müller", "J. R. Tolkien", "李小龍"])
def test_real_names_are_accepted(mail_app, people, consult, signed_in, name):
    c = consult()
    page = _invite(signed_in(mail_app, people.patient), c.id, name, "gerd@example.org")
    assert f"{name} is invited" in page
    assert _count() == 1
