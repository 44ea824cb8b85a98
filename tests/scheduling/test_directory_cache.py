"""The directory's cached "next available": jittered lifetimes, one batch per refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import SpecialistProfile
from telesecond.services.scheduling import specialists

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TUESDAYS = [(1, 9 * 60, 17 * 60)]  # first slot: Tuesday 09:00 Berlin = 08:00 UTC


def reads_during(action) -> int:
    """SELECTs sent while ``action`` runs (the writes are one executemany per column set)."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ARG001
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_cache_lifetimes_are_spread_over_30_to_90_minutes(client, make_specialist):
    ids = [make_specialist(weekly=TUESDAYS).id for _ in range(12)]
    items = client.get("/api/v1/specialists").get_json()["items"]
    assert {i["next_available_start"] for i in items} == {"2026-03-03T08:00:00Z"}
    until = db.session.scalars(
        select(SpecialistProfile.next_available_valid_until).where(
            SpecialistProfile.account_id.in_(ids)
        )
    ).all()
    assert all(NOW + timedelta(minutes=30) <= u <= NOW + timedelta(minutes=90) for u in until)
    assert len(set(until)) > 1  # not one shared expiry


def test_a_refresh_costs_the_same_for_3_or_12_stale_specialists(client, make_specialist, clock):
    for _ in range(3):
        make_specialist(weekly=TUESDAYS)
    few = reads_during(lambda: client.get("/api/v1/specialists"))
    for _ in range(9):
        make_specialist(weekly=TUESDAYS)
    clock.advance(hours=2)  # every entry is stale again
    many = reads_during(lambda: client.get("/api/v1/specialists"))
    assert many == few
    items = client.get("/api/v1/specialists").get_json()["items"]
    assert len(items) == 12
    assert {i["next_available_start"] for i in items} == {"2026-03-03T08:00:00Z"}


def test_a_first_slot_beyond_the_batch_window_is_still_found(client, make_specialist):
    away = make_specialist()
    specialists.add_time_off(away, start=NOW, end=NOW + timedelta(days=20), now=utcnow())
    near = make_specialist(weekly=TUESDAYS)
    items = {i["id"]: i for i in client.get("/api/v1/specialists").get_json()["items"]}
    # 20 days on is Sunday 22 March; the next weekday opens Monday 23 March, 09:00 Berlin.
    assert items[away.id]["next_available_start"] == "2026-03-23T08:00:00Z"
    assert items[near.id]["next_available_start"] == "2026-03-03T08:00:00Z"
