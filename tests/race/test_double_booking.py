"""Many patients press "Book" on the same slot at once: exactly one wins."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError

from config import database_backend
from telesecond.extensions import db
from telesecond.models import Consultation
from tests.race.wall_clock_booking import body, next_slot_start, real_token
from tests.support.gunicorn import Gunicorn, app_env

CLIENTS = 50


@pytest.fixture
def server(database_url, tmp_path):
    gunicorn = Gunicorn(app_env(database_url, tmp_path), workers=4, threads=16)
    yield gunicorn
    gunicorn.stop()


def race(url: str, bodies: list[dict], tokens: list[str]) -> list[requests.Response]:
    """Send every request at the same moment, each from its own connection."""
    barrier = threading.Barrier(len(bodies))
    results: list[requests.Response | None] = [None] * len(bodies)

    def client(i: int) -> None:
        with requests.Session() as session:
            barrier.wait()
            results[i] = session.post(
                f"{url}/api/v1/consultations",
                json=bodies[i],
                timeout=60,
                headers={"Authorization": f"Bearer {tokens[i]}"},
            )

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results  # type: ignore[return-value]


@pytest.mark.slow
def test_fifty_clients_one_slot_exactly_one_booking(
    server, make_specialist, make_account, database_url
):
    # The shipped server model of each backend (gunicorn.conf.py) is the one raced here.
    expected = "gevent" if database_backend(database_url) == "postgresql" else "gthread"
    assert server.worker_class.endswith(expected), server.worker_class
    doctor = make_specialist(timezone="UTC", weekly=[(d, 0, 1440) for d in range(7)], horizon=30)
    patients = [make_account() for _ in range(CLIENTS)]
    tokens = [real_token(p) for p in patients]
    db.session.commit()
    start = next_slot_start()
    responses = race(server.url, [body(doctor.id, start)] * CLIENTS, tokens)
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * (CLIENTS - 1), codes
    for r in responses:
        if r.status_code == 409:
            assert r.headers["Content-Type"] == "application/problem+json"
            assert "no longer available" in r.json()["detail"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == 1


@pytest.mark.slow
def test_fifty_clients_neighbouring_slots_never_overlap(server, make_specialist, make_account):
    """Clients spread over two adjacent slots (with a buffer) get one booking each."""
    doctor = make_specialist(
        timezone="UTC",
        weekly=[(d, 0, 1440) for d in range(7)],
        consultation=50,
        buffer=10,
        horizon=30,
    )
    patients = [make_account() for _ in range(CLIENTS)]
    tokens = [real_token(p) for p in patients]
    db.session.commit()
    first = next_slot_start()
    starts = [first + timedelta(hours=i % 2) for i in range(CLIENTS)]
    responses = race(server.url, [body(doctor.id, s) for s in starts], tokens)
    assert sorted(r.status_code for r in responses) == [201, 201] + [409] * (CLIENTS - 2)
    db.session.expire_all()
    rows = db.session.scalars(select(Consultation).order_by(Consultation.start)).all()
    assert [c.start for c in rows] == [first, first + timedelta(hours=1)]


@pytest.mark.postgres_only
def test_the_database_refuses_overlaps_with_different_starts(
    database_url, make_specialist, make_account, app
):
    """Below the app: concurrent inserts of overlapping consultations (different starts).

    PostgreSQL's exclusion constraint must let exactly one through. SQLite has no such
    constraint; there the guarantee is the booking service's serialised transaction,
    which the HTTP races above exercise across gunicorn's worker processes.
    """
    doctor = make_specialist(timezone="UTC", weekly=[(d, 0, 1440) for d in range(7)])
    patient_ids = [make_account().id for _ in range(CLIENTS)]
    doctor_id = doctor.id
    base = next_slot_start()
    engine = create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://"),
        pool_size=CLIENTS,
        max_overflow=0,
    )
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[str] = []

    def insert(i: int) -> None:
        start = base + timedelta(minutes=i)  # every pair overlaps: all last 60 minutes
        with engine.connect() as conn:
            barrier.wait()
            try:
                conn.execute(
                    text(
                        'INSERT INTO consultation (patient_id, specialist_id, start, "end", '
                        "block_end, status, sequence, patient_region, reason, current_diagnosis, "
                        "proposed_treatment, questions, physician_name, physician_contact, "
                        "share_with_physician, consent_version, consent_at, emergency_ack_at, "
                        "created_at, updated_at) VALUES (:p, :s, :start, :end, :end, 'confirmed', "
                        "0, 'DE', 'r', 'd', 't', '[]', '', '', false, 'v', :start, :start, :start, "
                        ":start)"
                    ),
                    {
                        "p": patient_ids[i],
                        "s": doctor_id,
                        "start": start,
                        "end": start + timedelta(hours=1),
                    },
                )
                conn.commit()
                outcomes.append("ok")
            except IntegrityError:
                outcomes.append("refused")

    threads = [threading.Thread(target=insert, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert sorted(outcomes) == ["ok"] + ["refused"] * (CLIENTS - 1)
