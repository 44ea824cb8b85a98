"""Reminder dispatch throughput and lateness on PostgreSQL, with 1 and with 4 dispatchers.

    .venv/bin/python bench/reminders.py [--reminders 10000] [--paced 4000] [--rate 200]
                                        [--interval 1] [--dispatchers 1,4]

For each dispatcher count, on a fresh PostgreSQL database:

(a) **Backlog**: ``--reminders`` SMS reminders (one patient and consultation each) all
    due at one instant T0, a few seconds after the ``flask reminders run`` processes
    started. Throughput = messages / (last acceptance at the fake Twilio server - T0),
    "from due to accepted"; lateness = acceptance - due, per message.
(b) **Paced**: ``--paced`` reminders due at a steady ``--rate`` per second (below
    capacity), as in normal running: the lateness p50/p99 show what the tick interval
    and claiming add. Target: p99 <= interval + 2 s.

The dispatchers are real processes (``flask --app wsgi reminders run --interval I``, the
APScheduler ticker) sending through the real ``twilio`` client to the fake Twilio server
in this process, which stamps each accepted message. Like the real API, the fake keeps
each dispatcher's connection open from one message to the next (HTTP/1.1 keep-alive).
Every reminder must be sent exactly once (no number twice, none missing). Targets
(2 cores): >= 500 messages/s with 4 dispatchers; paced p99 lateness <= interval + 2 s.
Last line: one JSON object.

Besides wall-clock figures, each phase prints the CPU milliseconds per message of the
dispatcher processes, the PostgreSQL backends serving them and this process (the fake
Twilio server), and ``cpu_bound_messages_per_s`` = cores / CPU seconds per message: what
the machine could do if nothing else ran on it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import _common
from _common import (
    ROOT,
    app_env,
    bench_app,
    cpu_seconds,
    percentile,
    pg_backend_pids,
    temp_database,
)
from sqlalchemy import func, select

from tests.support.fake_twilio import FakeTwilio

TARGET_MSGS_PER_S = 500.0
LATENESS_SLACK_S = 2.0
LEAD = timedelta(seconds=6)
CORES = os.cpu_count() or 2  # dispatchers start, then the rows fall due


class StampingTwilio(FakeTwilio):
    """The fake Twilio server, noting when each message was accepted (wall clock)."""

    def __init__(self) -> None:
        super().__init__()
        self.accepted_at: dict[str, float] = {}
        self._stamp_lock = threading.Lock()

    def _create_message(self, request):
        status, payload = super()._create_message(request)
        if status == 201:
            with self._stamp_lock:
                self.accepted_at[payload["sid"]] = time.time()
        return status, payload


def _env(database_url, tmp, fake, interval_batch: int) -> dict[str, str]:
    env = {**os.environ, **app_env(database_url, tmp)}
    env.update({k: v or "" for k, v in fake.app_config().items()})
    env["PUBLIC_BASE_URL"] = "https://telesecond.test"
    env["REMINDER_BATCH_SIZE"] = str(interval_batch)
    return env


def _start(env, interval: float, tmp, n: int) -> subprocess.Popen:
    log = open(tmp / f"dispatcher-{n}.log", "w")  # noqa: SIM115  (closed with the process)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "run"]
        + ["--interval", str(interval)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log = log
    return process


def _stop(processes) -> list[int]:
    for p in processes:
        p.send_signal(signal.SIGTERM)
    codes = []
    for p in processes:
        try:
            codes.append(p.wait(timeout=60))
        except subprocess.TimeoutExpired:
            p.kill()
            codes.append(p.wait())
        p.log.close()
    return codes


def _wait_all_final(app, n: int, timeout: float) -> bool:
    from telesecond.extensions import db
    from telesecond.models import Reminder

    deadline = time.monotonic() + timeout
    with app.app_context():
        while time.monotonic() < deadline:
            done = db.session.scalar(
                select(func.count()).where(Reminder.status.in_(("sent", "failed", "unknown")))
            )
            db.session.rollback()
            if done >= n:
                return True
            time.sleep(0.25)
    return False


def _phase(
    app, fake, env, tmp, database_url, *, n: int, dispatchers: int, interval: float, spread=None
):
    """Seed ``n`` due reminders, run the dispatchers until all are sent, measure."""
    from telesecond.extensions import db
    from telesecond.models import Account, Consultation, Reminder
    from tests.reminders.seeding import seed_due_sms

    with app.app_context():
        for model in (Reminder, Consultation, Account):
            db.session.query(model).delete()
        db.session.commit()
        fake.reset()
        fake.accepted_at.clear()
        now = datetime.now(UTC)
        t0 = now + LEAD
        # No ANALYZE: the rows are bulk-loaded into a table the planner knows nothing
        # about, as after a busy morning's bookings; claims take at most their batch
        # whatever the plan (db/claims.py).
        seed_due_sms(n, now=now, due=t0, spread=spread)
    processes = [_start(env, interval, tmp, i) for i in range(dispatchers)]
    pids = [p.pid for p in processes]
    time.sleep(max(0.0, t0.timestamp() - time.time()))
    # CPU from the due instant on (the processes' start-up is not counted).
    cpu_start = {
        "dispatchers": cpu_seconds(pids),
        "postgres": cpu_seconds(pg_backend_pids(database_url)),
        "fake_twilio_and_bench": time.process_time(),
    }
    pg_pids = pg_backend_pids(database_url)
    finished = _wait_all_final(app, n, timeout=900)
    cpu_end = {
        "dispatchers": cpu_seconds(pids),
        "postgres": cpu_seconds(pg_pids),
        "fake_twilio_and_bench": time.process_time(),
    }
    codes = _stop(processes)
    cpu_ms = {k: round((cpu_end[k] - cpu_start[k]) * 1000 / n, 2) for k in cpu_end}
    cpu_ms["total"] = round(sum(cpu_ms.values()), 2)
    with app.app_context():
        rows = db.session.execute(
            select(Reminder.provider_ref, Reminder.due_at, Reminder.status, Reminder.claimed_by)
        ).all()
    stamps = dict(fake.accepted_at)
    lateness = [
        stamps[r.provider_ref] - r.due_at.timestamp() for r in rows if r.provider_ref in stamps
    ]
    per_phone = Counter(m["to"] for m in fake.messages)
    first_due = t0.timestamp()
    last_accept = max(stamps.values()) if stamps else first_due
    span = max(last_accept - first_due, 1e-9)
    return {
        "reminders": n,
        "dispatchers": dispatchers,
        "interval_s": interval,
        "all_sent_in_time": finished,
        "statuses": dict(Counter(r.status for r in rows)),
        "messages_at_fake": len(fake.messages),
        "numbers_twice": sum(1 for c in per_phone.values() if c > 1),
        "numbers_missing": n - len(per_phone),
        "exactly_once": len(fake.messages) == n and len(per_phone) == n,
        "processes_that_sent": len({r.claimed_by for r in rows if r.status == "sent"}),
        "exit_codes": codes,
        "seconds_due_to_last_accepted": round(span, 3),
        "messages_per_s": round(n / span, 1),
        "lateness_p50_s": round(percentile(lateness, 50), 3) if lateness else None,
        "lateness_p99_s": round(percentile(lateness, 99), 3) if lateness else None,
        "lateness_max_s": round(max(lateness), 3) if lateness else None,
        "cpu_ms_per_message": cpu_ms,
        "cpu_bound_messages_per_s": round(CORES * 1000 / cpu_ms["total"], 1)
        if cpu_ms["total"]
        else None,
    }


def run(dispatchers: int, args, fake) -> dict:
    name = f"bench_reminders_{dispatchers}"
    with temp_database("postgresql", name) as (url, tmp):
        app = bench_app(url, tmp)
        env = _env(url, tmp, fake, args.batch)
        backlog = _phase(
            app,
            fake,
            env,
            tmp,
            url,
            n=args.reminders,
            dispatchers=dispatchers,
            interval=args.interval,
        )
        print(f"  {dispatchers} dispatcher(s), backlog: {json.dumps(backlog)}", flush=True)
        paced = _phase(
            app,
            fake,
            env,
            tmp,
            url,
            n=args.paced,
            dispatchers=dispatchers,
            interval=args.interval,
            spread=timedelta(seconds=1 / args.rate),
        )
        print(f"  {dispatchers} dispatcher(s), paced: {json.dumps(paced)}", flush=True)
        from telesecond.extensions import db

        with app.app_context():
            db.engine.dispose()
    return {"backlog": backlog, "paced": paced}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000, help="backlog size")
    parser.add_argument("--paced", type=int, default=4000, help="reminders due at --rate/s")
    parser.add_argument("--rate", type=float, default=200.0, help="paced reminders per second")
    parser.add_argument("--interval", type=float, default=1.0, help="ticker interval (s)")
    parser.add_argument("--batch", type=int, default=50, help="REMINDER_BATCH_SIZE")
    parser.add_argument("--dispatchers", default="1,4")
    args = parser.parse_args()
    counts = [int(x) for x in args.dispatchers.split(",")]
    print(
        f"bench/reminders.py: PostgreSQL, {args.reminders} due at once, then {args.paced} "
        f"at {args.rate:g}/s; dispatchers {counts}, ticker every {args.interval:g} s"
    )
    figures: dict = {"load_average_at_start": _common.load_average()}
    with StampingTwilio() as fake:
        for count in counts:
            figures[f"dispatchers_{count}"] = run(count, args, fake)
    figures["load_average_at_end"] = _common.load_average()
    met = {}
    for count in counts:
        r = figures[f"dispatchers_{count}"]
        met[f"dispatchers_{count}"] = {
            "exactly_once": r["backlog"]["exactly_once"] and r["paced"]["exactly_once"],
            "paced_p99_lateness": (r["paced"]["lateness_p99_s"] or 1e9)
            <= args.interval + LATENESS_SLACK_S,
        }
        if count == 4:
            met["dispatchers_4"]["messages_per_s"] = (
                r["backlog"]["messages_per_s"] >= TARGET_MSGS_PER_S
            )
    figures["target_messages_per_s_4_dispatchers"] = TARGET_MSGS_PER_S
    figures["target_p99_lateness_s"] = args.interval + LATENESS_SLACK_S
    figures["targets_met"] = met
    sys.stdout.flush()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
