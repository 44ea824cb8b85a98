"""The demo seed gives a working, searchable app and is safe to run twice."""

from __future__ import annotations

from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import Account, SpecialistProfile


def test_seed_is_idempotent_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "demo-password-1" in first.output
    assert "alex.patient@demo.telesecond.example" in first.output
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Account)) == 9
    assert db.session.scalar(select(func.count()).select_from(SpecialistProfile)) == 6


def test_seeded_specialists_are_found_with_free_times(app, client):
    app.test_cli_runner().invoke(args=["demo", "seed"])
    items = client.get("/api/v1/specialists", query_string={"region": "DE"}).get_json()["items"]
    assert [i["full_name"] for i in items] == ["Dr Lena Schmidt"]
    assert items[0]["next_available_start"] is not None
    zones = {i["timezone"] for i in client.get("/api/v1/specialists").get_json()["items"]}
    assert len(zones) == 6


def test_demo_login_works(app, client):
    app.test_cli_runner().invoke(args=["demo", "seed"])
    response = client.post(
        "/api/v1/tokens",
        json={"email": "dr.schmidt@demo.telesecond.example", "password": "demo-password-1"},
    )
    assert response.status_code == 201
