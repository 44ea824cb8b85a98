"""Dispatchers killed again and again: no reminder lost, none sent twice (issue 18, point 2).

Several ``flask reminders run`` processes send SMS through the real twilio client to the
fake Twilio server while the test SIGKILLs one of them at random moments and starts a
new one. Afterwards every reminder is ``sent`` (exactly one request reached the fake
for it) or ``unknown`` (its dispatcher died during the send: at most one request), and
none is left behind. The figures are printed.
"""

from __future__ import annotations

import json
import random
import signal
import time
from collections import Counter

import pytest
from sqlalchemy import select

from telesecond.clock import system_now
from telesecond.extensions import db
from telesecond.models import Account, Reminder
from tests.reminders.seeding import seed_due_sms
from tests.reminders.test_concurrency_pg import (
    dispatcher_env,
    outputs,
    start_dispatcher,
    statuses,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

REMINDERS = 300
DISPATCHERS = 3
KILLS = 8
LEASE_SECONDS = 2


@pytest.fixture
def app(make_app, fake_twilio):
    """Real time: the dispatcher processes use the system clock."""
    app = make_app(**fake_twilio.app_config())
    with app.app_context():
        yield app


def test_sigkilled_dispatchers_lose_nothing_and_send_nothing_twice(
    app, database_url, tmp_path, fake_twilio
):
    seed_due_sms(REMINDERS, now=system_now())
    env = dispatcher_env(
        database_url,
        tmp_path,
        fake_twilio,
        REMINDER_BATCH_SIZE=20,
        REMINDER_LEASE_SECONDS=LEASE_SECONDS,
    )
    for _ in range(REMINDERS * 2):  # every answer a little slow: kills land mid-send
        fake_twilio.delay_next(0.05)
    rng = random.Random(18)
    workers = [
        start_dispatcher(env, tmp_path, "run", "--interval", "0.2") for _ in range(DISPATCHERS)
    ]
    kills = 0
    started = time.monotonic()
    try:
        while kills < KILLS and time.monotonic() - started < 30:
            time.sleep(rng.uniform(0.3, 0.9))
            if not any(m for m in fake_twilio.messages):
                continue  # nobody sends yet (the processes are starting)
            # Only processes that run their ticker: one still starting sends nothing.
            running = [
                w
                for w in workers
                if w.poll() is None and "reminder process started" in outputs(w)[0]
            ]
            if not running:
                continue
            victim = rng.choice(running)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            kills += 1
            workers.append(start_dispatcher(env, tmp_path, "run", "--interval", "0.2"))
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            left = statuses()
            if left.get("pending", 0) + left.get("sending", 0) == 0:
                break
            time.sleep(0.3)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    live_exits = [w.returncode for w in workers if w.returncode != -signal.SIGKILL]
    assert live_exits == [0] * len(live_exits), [outputs(w)[1][-2000:] for w in workers]

    db.session.expire_all()
    rows = db.session.execute(
        select(Reminder.status, Reminder.provider_ref, Account.phone).join(
            Account, Account.id == Reminder.recipient_id
        )
    ).all()
    posts = Counter(r.form.get("To") for r in fake_twilio.requests if r.method == "POST")
    accepted = Counter(m["to"] for m in fake_twilio.messages)
    by_status = Counter(r.status for r in rows)
    figures = {
        "reminders": REMINDERS,
        "dispatchers": DISPATCHERS,
        "sigkills": kills,
        "statuses": dict(by_status),
        "lost": sum(by_status[s] for s in by_status if s not in ("sent", "unknown")),
        "duplicated": sum(1 for n in accepted.values() if n > 1),
        "requests_per_reminder_max": max(posts.values()),
        "unknown_that_reached_twilio": sum(
            1 for r in rows if r.status == "unknown" and accepted[r.phone]
        ),
        "seconds": round(time.monotonic() - started, 1),
    }
    print("crash figures:", json.dumps(figures))

    assert kills >= KILLS // 2, figures  # the test did kill dispatchers mid-run
    assert figures["lost"] == 0, figures
    assert figures["duplicated"] == 0, figures
    assert figures["requests_per_reminder_max"] == 1, figures
    assert by_status["sent"] + by_status["unknown"] == REMINDERS
    # Every sent row names the one message the fake took for its number.
    sids = {m["sid"] for m in fake_twilio.messages}
    assert all(r.provider_ref in sids for r in rows if r.status == "sent")
    # An unknown row is one whose dispatcher was killed: no more of them than kills.
    assert by_status["unknown"] <= kills
