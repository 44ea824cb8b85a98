"""Several dispatcher processes on PostgreSQL: every message once, crashes recovered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from telesecond.clock import system_now
from telesecond.extensions import db
from telesecond.models import Reminder
from tests.reminders.seeding import seed_due_sms
from tests.support.gunicorn import app_env

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def app(make_app, fake_twilio):
    """Real time here: the dispatcher processes use the system clock too."""
    app = make_app(**fake_twilio.app_config())
    with app.app_context():
        yield app


def dispatcher_env(database_url, tmp_path, fake_twilio, **extra) -> dict[str, str]:
    env = {**os.environ, **app_env(database_url, tmp_path)}
    for key, value in fake_twilio.app_config().items():
        env[key] = value or ""
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start_dispatcher(env, tmp_path, *command) -> subprocess.Popen:
    """A dispatcher process; its output goes to files (a full pipe would stall it)."""
    n = len(list(tmp_path.glob("dispatcher-*.out")))
    with (
        open(tmp_path / f"dispatcher-{n}.out", "w") as out,
        open(tmp_path / f"dispatcher-{n}.err", "w") as err,
    ):
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", *command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
            text=True,
        )
    process.outputs = (tmp_path / f"dispatcher-{n}.out", tmp_path / f"dispatcher-{n}.err")
    return process


def outputs(process) -> tuple[str, str]:
    return tuple(path.read_text() for path in process.outputs)


def statuses() -> Counter:
    db.session.expire_all()
    return Counter(
        dict(
            db.session.execute(
                select(Reminder.status, func.count()).group_by(Reminder.status)
            ).all()
        )
    )


def wait_until_started(workers, timeout: float = 120) -> None:
    """Until every ticker process has printed that it runs."""
    deadline = time.monotonic() + timeout
    while not all("reminder process started" in outputs(w)[0] for w in workers):
        assert time.monotonic() < deadline, [outputs(w) for w in workers]
        assert all(w.poll() is None for w in workers), [outputs(w) for w in workers]
        time.sleep(0.1)


def test_four_dispatchers_send_two_thousand_reminders_exactly_once(
    app, database_url, tmp_path, fake_twilio
):
    # Due only once all four tickers run, so a process slow to start cannot miss the work.
    seed_due_sms(2000, now=system_now(), due=system_now() + timedelta(days=1))
    env = dispatcher_env(database_url, tmp_path, fake_twilio, REMINDER_BATCH_SIZE=25)
    workers = [start_dispatcher(env, tmp_path, "run", "--interval", "0.2") for _ in range(4)]
    try:
        wait_until_started(workers)
        db.session.execute(update(Reminder).values(due_at=system_now()))
        db.session.commit()
        deadline = time.monotonic() + 240
        while statuses().get("sent", 0) < 2000 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    assert [w.returncode for w in workers] == [0] * 4, [outputs(w) for w in workers]

    assert len(fake_twilio.messages) == 2000
    assert len({m["to"] for m in fake_twilio.messages}) == 2000  # none twice, none missing
    assert statuses() == Counter(sent=2000)
    refs = set(db.session.scalars(select(Reminder.provider_ref)))
    assert refs == {m["sid"] for m in fake_twilio.messages}
    # The work was shared: more than one process claimed rows.
    claimers = db.session.scalar(select(func.count(func.distinct(Reminder.claimed_by))))
    assert claimers >= 2


def test_killed_dispatcher_rows_are_sent_by_another_after_the_lease(
    app, database_url, tmp_path, fake_twilio
):
    seed_due_sms(120, now=system_now())
    lease = 5
    env = dispatcher_env(
        database_url,
        tmp_path,
        fake_twilio,
        REMINDER_BATCH_SIZE=60,
        REMINDER_LEASE_SECONDS=lease,
    )
    for _ in range(400):  # slow every answer so the first dispatcher is caught mid-batch
        fake_twilio.delay_next(0.03)
    doomed = start_dispatcher(env, tmp_path, "dispatch")
    fake_twilio.wait_for(10, timeout=60)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)

    db.session.expire_all()
    # Claimed but not tried: still pending, held by the dead dispatcher's lease.
    orphans = db.session.scalars(
        select(Reminder).where(Reminder.status == "pending", Reminder.claimed_by.is_not(None))
    ).all()
    assert orphans, "the killed dispatcher held no claimed rows"
    # Marked and maybe sent when it died: at most the one in flight.
    in_flight = db.session.scalars(select(Reminder).where(Reminder.status == "sending")).all()
    assert len(in_flight) <= 1
    orphan_ids = {r.id for r in orphans}
    orphan_phones = {r.recipient.phone for r in orphans}
    lease_ends = max(r.lease_until for r in orphans + in_flight)
    assert not any(m["to"] in orphan_phones for m in fake_twilio.messages)

    survivor = start_dispatcher(env, tmp_path, "run", "--interval", "0.5")
    try:
        while system_now() < lease_ends - timedelta(seconds=0.5):
            # The lease still holds: nobody sends the orphans.
            assert not any(m["to"] in orphan_phones for m in fake_twilio.messages)
            time.sleep(0.1)
        deadline = time.monotonic() + 60
        while (
            sum(statuses().values()) - statuses().get("pending", 0) - statuses().get("sending", 0)
            < 120
            and time.monotonic() < deadline
        ):
            time.sleep(0.2)
    finally:
        survivor.send_signal(signal.SIGTERM)
        survivor.wait(timeout=30)
    assert survivor.returncode == 0, outputs(survivor)[1][-2000:]

    # The one in flight is unknown (it did reach the fake or not), never sent twice.
    assert statuses() == Counter(sent=120 - len(in_flight), unknown=len(in_flight))
    per_phone = Counter(m["to"] for m in fake_twilio.messages)
    assert len(per_phone) >= 120 - len(in_flight)
    assert max(per_phone.values()) == 1
    retaken = db.session.scalars(select(Reminder).where(Reminder.id.in_(orphan_ids))).all()
    assert {(r.status, r.attempts) for r in retaken} == {("sent", 1)}
    assert all(r.sent_at >= lease_ends - timedelta(seconds=0.01) for r in retaken)
