"""Jitsi: unguessable room names, and JWTs (self-hosted HS256, JaaS RS256) read with PyJWT."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from telesecond.adapters.video import Participant, RoomRef
from telesecond.adapters.video_jitsi import JitsiVideo
from telesecond.extensions import db
from telesecond.models.video import VideoRoom
from telesecond.services.video.rooms import new_room_name
from tests.video.scenario import START, location_of, query_param

SECRET = "jitsi-shared-secret-for-tests-0123456789"
OPENS = datetime(2026, 3, 3, 9, 45, tzinfo=UTC)
CLOSES = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)


def _read(token: str, key, algorithm: str) -> dict:
    # The window is in the past of the machine's real clock: check the claims ourselves.
    return jwt.decode(
        token,
        key,
        algorithms=[algorithm],
        audience="jitsi",
        options={"verify_exp": False, "verify_nbf": False},
    )


def test_room_names_carry_at_least_128_random_bits_and_do_not_repeat():
    names = {new_room_name() for _ in range(5000)}
    assert len(names) == 5000
    for name in list(names)[:50]:
        random_part = name.removeprefix("ts-")
        assert len(random_part) * 4 >= 128  # hex digits, 4 bits each
        int(random_part, 16)
    # Every hex digit appears in every position: nothing is fixed or derived from ids.
    for position in range(40):
        assert len({n[3 + position] for n in names}) == 16


def test_each_consultation_gets_its_own_room(app, people, consult):
    first, second = consult(), consult(START + timedelta(days=1))
    rooms = db.session.scalars(
        select(VideoRoom).where(VideoRoom.consultation_id.in_([first.id, second.id]))
    ).all()
    assert len({room.room_name for room in rooms}) == 2
    assert all(room.status == "ready" for room in rooms)  # Jitsi needs nothing created


def test_without_credentials_the_url_has_no_token():
    video = JitsiVideo()
    join = video.join(
        RoomRef(name="ts-abc"),
        Participant("patient-1", "Petra", "guest"),
        not_before=OPENS,
        expires_at=CLOSES,
        now=OPENS,
    )
    assert join.url.startswith("https://meet.jit.si/ts-abc#")
    assert "jwt=" not in join.url
    assert "Petra" in unquote(join.url)


def test_self_hosted_token_claims(make_app, people, consult, signed_in, clock):
    app = make_app(
        CLOCK=clock,
        JITSI_DOMAIN="video.clinic.example",
        JITSI_APP_ID="telesecond",
        JITSI_APP_SECRET=SECRET,
    )
    with app.app_context():
        c = consult()
        room = db.session.scalar(select(VideoRoom).where(VideoRoom.consultation_id == c.id))
    clock.now = START - timedelta(minutes=5)

    host = location_of(signed_in(app, people.doctor).get(f"/consultations/{c.id}/join"))
    guest = location_of(signed_in(app, people.patient).get(f"/consultations/{c.id}/join"))

    assert host.startswith(f"https://video.clinic.example/{room.room_name}?jwt=")
    claims = _read(query_param(host, "jwt"), SECRET, "HS256")
    assert claims["room"] == room.room_name
    assert claims["iss"] == "telesecond"
    assert claims["sub"] == "video.clinic.example"
    assert claims["nbf"] == int(OPENS.timestamp())
    assert claims["exp"] == int(CLOSES.timestamp())
    assert claims["context"]["user"]["name"] == "Dr Dana Doctor"
    assert claims["context"]["user"]["moderator"] is True
    assert claims["moderator"] is True

    patient = _read(query_param(guest, "jwt"), SECRET, "HS256")
    assert patient["context"]["user"] == {
        "id": f"patient-{people.patient.id}",
        "name": "Petra Patient",
        "moderator": False,
    }
    assert patient["moderator"] is False
    with pytest.raises(jwt.InvalidSignatureError):
        _read(query_param(guest, "jwt"), "another-secret-of-sufficient-length!!", "HS256")


def test_jaas_token_is_rs256_with_key_id_and_tenant():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    video = JitsiVideo(
        domain="8x8.vc",
        app_id="vpaas-magic-cookie-1234",
        jaas_key_id="vpaas-magic-cookie-1234/abcdef",
        jaas_private_key=pem.replace("\n", "\\n"),  # as an environment variable holds it
    )
    join = video.join(
        RoomRef(name="ts-room"),
        Participant("specialist-7", "Dr Dana", "host"),
        not_before=OPENS,
        expires_at=CLOSES,
        now=OPENS,
    )
    assert join.url.startswith("https://8x8.vc/vpaas-magic-cookie-1234/ts-room?jwt=")
    token = query_param(join.url, "jwt")
    assert jwt.get_unverified_header(token)["kid"] == "vpaas-magic-cookie-1234/abcdef"
    claims = _read(token, key.public_key(), "RS256")
    assert claims["iss"] == "chat"
    assert claims["sub"] == "vpaas-magic-cookie-1234"
    assert claims["room"] == "ts-room"
    assert (claims["nbf"], claims["exp"]) == (int(OPENS.timestamp()), int(CLOSES.timestamp()))
    assert claims["context"]["user"]["moderator"] == "true"


def test_half_configured_jaas_is_refused():
    with pytest.raises(ValueError, match="JaaS"):
        JitsiVideo(jaas_key_id="kid-only")
