"""Video settings, the guest email's text, and retries after mail or provider trouble."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import config
from telesecond import create_app
from telesecond.adapters import registry
from telesecond.extensions import db
from telesecond.models.video import VideoGuest
from telesecond.services.video import guests
from telesecond.services.video.rooms import backoff
from tests.web_forms import csrf_token

SNAPSHOT = Path(__file__).parent / "snapshots" / "guest_invite.txt"


def test_defaults_need_no_credentials():
    values = config.from_env({})
    assert values["VIDEO_PROVIDER"] == "jitsi"
    assert values["JITSI_DOMAIN"] == "meet.jit.si"
    assert (values["VIDEO_JOIN_OPENS_MINUTES"], values["VIDEO_JOIN_GRACE_MINUTES"]) == (15, 30)


def test_unknown_provider_is_refused_at_start():
    with pytest.raises(config.ConfigError, match="VIDEO_PROVIDER"):
        create_app({"VIDEO_PROVIDER": "skype", "DATABASE_URL": "sqlite://"})


def test_backoff_grows_and_is_capped():
    waits = [backoff(n) for n in range(1, 10)]
    assert waits[0] == timedelta(seconds=30)
    assert waits == sorted(waits)
    assert waits[-1] == timedelta(minutes=15)


def test_guest_email_text_matches_the_snapshot(app, people, consult, clock):
    c = consult()
    patient = db.session.get(type(people.patient), people.patient.id)

    invitation = guests.invite(
        patient, c.id, name="Gerd Guest", email="gerd@example.org", now=clock()
    )

    [message] = registry.current().mail.sent
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = text.split("/video/guests/")[1].split()[0]
    assert guests.find(link).id == invitation.guest.id
    assert text.replace(link, "<token>") == SNAPSHOT.read_text()
    assert message["Subject"] == "telesecond: an invitation to join a video call"


def test_mail_server_down_still_invites_and_says_so(make_app, people, consult, signed_in, clock):
    app = make_app(CLOCK=clock, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=9)
    with app.app_context():
        c = consult()
    client = signed_in(app, people.patient)
    page = client.get(f"/consultations/{c.id}")
    answer = client.post(
        f"/consultations/{c.id}/guests",
        data={"name": "Gerd", "email": "gerd@example.org", "csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert "the email could not be sent" in answer.text
    assert db.session.scalar(select(VideoGuest.name)) == "Gerd"
