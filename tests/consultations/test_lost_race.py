"""A booking the database gives up for a concurrent one is a lost race (409), not a 500.

Seen on PostgreSQL in CI: two patients paying for one slot at once deadlocked while the
exclusion constraint checked their rows, and the loser got a 500.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from telesecond.db import backend, row_batch
from tests.consultations.booking_requests import MON_11, book


class _Refusal(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"refused ({sqlstate})")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("original", "lost"),
    [
        (_Refusal("40P01"), True),  # deadlock detected
        (_Refusal("40001"), True),  # serialization failure
        (sqlite3.OperationalError("database is locked"), True),
        (_Refusal("53300"), False),  # too many connections: a fault, not a race
        (sqlite3.OperationalError("no such table: consultation"), False),
    ],
)
def test_which_refusals_are_lost_races(original, lost):
    assert backend.lost_to_another_transaction(OperationalError("...", {}, original)) is lost


def test_a_deadlocked_booking_answers_409_with_other_times(
    client, make_specialist, make_account, auth_header, monkeypatch
):
    doctor = make_specialist()

    def deadlocked(*args, **kwargs):
        raise OperationalError("INSERT …", {}, _Refusal("40P01"))

    monkeypatch.setattr(row_batch, "write_queued", deadlocked)
    response = book(client, auth_header(make_account()), doctor.id, MON_11)
    assert response.status_code == 409, response.text
    assert "no longer available" in response.get_json()["detail"]
    assert "alternatives" in response.get_json()
