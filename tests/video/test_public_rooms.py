"""Tokenless public Jitsi: refused in production unless allowed; revoking a guest moves the room."""

from __future__ import annotations

import base64
import html
from datetime import timedelta

import pytest
from sqlalchemy import select

import config
from telesecond.extensions import db
from telesecond.models.video import VideoGuest
from tests.video.scenario import START, location_of, stored_room
from tests.web_forms import csrf_token

PRODUCTION = {
    "TELESECOND_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "DOCUMENT_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(),
    "PUBLIC_BASE_URL": "https://clinic.example",
}


def test_production_refuses_tokenless_jitsi_unless_public_rooms_are_allowed(tmp_path):
    with pytest.raises(config.ConfigError, match="VIDEO_ALLOW_PUBLIC_ROOMS"):
        config.finalize(dict(PRODUCTION), tmp_path)
    with pytest.raises(config.ConfigError, match="VIDEO_ALLOW_PUBLIC_ROOMS"):
        config.finalize(config.from_env({**PRODUCTION, "VIDEO_ALLOW_PUBLIC_ROOMS": "no"}), tmp_path)

    allowed = config.from_env({**PRODUCTION, "VIDEO_ALLOW_PUBLIC_ROOMS": "true"})
    assert config.finalize(allowed, tmp_path)["VIDEO_ALLOW_PUBLIC_ROOMS"] is True
    tokens = {**PRODUCTION, "JITSI_APP_ID": "telesecond", "JITSI_APP_SECRET": "x" * 40}
    config.finalize(config.from_env(tokens), tmp_path)
    config.finalize(config.from_env({**PRODUCTION, "JITSI_JAAS_KEY_ID": "k"}), tmp_path)
    config.finalize(config.from_env({**PRODUCTION, "VIDEO_PROVIDER": "daily"}), tmp_path)


def test_development_runs_public_jitsi_without_the_setting(tmp_path):
    assert config.finalize(config.from_env({}), tmp_path)["VIDEO_PROVIDER"] == "jitsi"


@pytest.fixture
def mail_app(make_app, clock, smtp_server):
    app = make_app(CLOCK=clock, **smtp_server.app_config())
    with app.app_context():
        yield app


def _post(client, consultation_id: int, path: str, data: dict):
    page = client.get(f"/consultations/{consultation_id}")
    return client.post(
        f"/consultations/{consultation_id}{path}",
        data={**data, "csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )


def test_revoking_a_guest_moves_everyone_to_a_new_room(
    mail_app, people, consult, signed_in, smtp_server, clock
):
    c = consult()
    patient = signed_in(mail_app, people.patient)
    doctor = signed_in(mail_app, people.doctor)
    _post(patient, c.id, "/guests", {"name": "Gerd Guest", "email": "gerd@example.org"})
    text = smtp_server.wait_for(1)[0].get_body(preferencelist=("plain",)).get_content()
    link = text[text.index("http://localhost/video/guests/") :].split()[0]
    link = link.removeprefix("http://localhost")
    clock.now = START - timedelta(minutes=10)
    guest_room = location_of(mail_app.test_client().get(link)).split("#")[0]
    old_name = stored_room(c.id).room_name
    assert guest_room == f"https://meet.jit.si/{old_name}"

    guest = db.session.scalar(select(VideoGuest))
    page = _post(patient, c.id, f"/guests/{guest.id}/revoke", {})
    assert "link no longer works" in html.unescape(page.text)

    new_name = stored_room(c.id).room_name
    assert new_name != old_name and new_name.startswith("ts-") and len(new_name) >= 35
    for client in (patient, doctor):
        way_in = location_of(client.get(f"/consultations/{c.id}/join")).split("#")[0]
        assert way_in == f"https://meet.jit.si/{new_name}"
    assert mail_app.test_client().get(link).status_code == 404


def test_a_second_guest_keeps_working_after_another_is_revoked(
    mail_app, people, consult, signed_in, smtp_server, clock
):
    c = consult()
    patient = signed_in(mail_app, people.patient)
    _post(patient, c.id, "/guests", {"name": "Gerd Guest", "email": "gerd@example.org"})
    _post(patient, c.id, "/guests", {"name": "Hanna Helper", "email": "hanna@example.org"})
    messages = smtp_server.wait_for(2)
    hanna = next(m for m in messages if "hanna" in m["To"])
    text = hanna.get_body(preferencelist=("plain",)).get_content()
    link = text[text.index("http://localhost/video/guests/") :].split()[0]
    gerd = db.session.scalar(select(VideoGuest).where(VideoGuest.name == "Gerd Guest"))
    _post(patient, c.id, f"/guests/{gerd.id}/revoke", {})

    clock.now = START - timedelta(minutes=10)
    way_in = location_of(mail_app.test_client().get(link.removeprefix("http://localhost")))
    assert way_in.split("#")[0] == f"https://meet.jit.si/{stored_room(c.id).room_name}"
