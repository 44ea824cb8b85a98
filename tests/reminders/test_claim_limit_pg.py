"""A claim takes at most its batch, whatever plan PostgreSQL picks (issue 18, point 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, text

from telesecond.extensions import db
from telesecond.models import Reminder
from telesecond.services.reminders.dispatch import claim

pytestmark = pytest.mark.postgres_only

# The plan the finding met on a table the planner knew nothing about: the rows to update
# are read first and the picking subquery runs again for each of them (a nested-loop
# semi-join with no hashing and no materialising). Set here so the test does not hang
# on what the statistics of the day make the planner choose.
SEMI_JOIN_PLAN = (
    "SET LOCAL enable_hashagg = off",
    "SET LOCAL enable_material = off",
    "SET LOCAL enable_sort = off",
    "SET LOCAL enable_hashjoin = off",
    "SET LOCAL enable_mergejoin = off",
)


def bulk_load_due_rows(n, *, recipient_id, now):
    """``n`` due rows in one INSERT, with no ANALYZE after it (nor autovacuum)."""
    db.session.execute(text("ALTER TABLE reminder SET (autovacuum_enabled = false)"))
    db.session.execute(
        insert(Reminder),
        [
            {
                "consultation_id": None,
                "recipient_id": recipient_id,
                "kind": "reminder",
                "channel": "email",
                "slot": f"bulk-{i}",
                "due_at": now - timedelta(minutes=1),
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ],
    )
    db.session.commit()


@pytest.fixture
def reset_autovacuum(app):
    yield
    db.session.rollback()
    db.session.execute(text("ALTER TABLE reminder RESET (autovacuum_enabled)"))
    db.session.commit()


@pytest.mark.parametrize("forced_plan", [False, True], ids=["planner's-choice", "semi-join"])
def test_a_claim_never_takes_more_than_its_limit_on_a_table_never_analysed(
    app, clock, make_account, reset_autovacuum, forced_plan
):
    patient = make_account()
    bulk_load_due_rows(3000, recipient_id=patient.id, now=clock())
    taken: list[int] = []
    for _ in range(3):
        if forced_plan:
            for setting in SEMI_JOIN_PLAN:
                db.session.execute(text(setting))
        ids = claim(clock(), limit=50, lease=timedelta(minutes=2), worker="one:1")
        assert len(ids) == 50
        taken += ids
    assert len(set(taken)) == 150  # three batches, none overlapping
    held = db.session.scalar(select(func.count()).where(Reminder.claimed_by == "one:1"))
    assert held == 150
    # Oldest due first: the batches are the first 150 rows by (due_at, id).
    first = db.session.scalars(
        select(Reminder.id).order_by(Reminder.due_at, Reminder.id).limit(150)
    ).all()
    assert sorted(taken) == sorted(first)
