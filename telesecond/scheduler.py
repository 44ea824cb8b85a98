"""The reminder ticker: one APScheduler process, never inside web workers."""

from __future__ import annotations

import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

log = logging.getLogger(__name__)

JOB_ID = "dispatch_due_reminders"


def tick(app: Flask) -> int:
    """One dispatch pass, then the periodic upkeep; returns how many messages went out."""
    from telesecond.clock import utcnow
    from telesecond.services.maintenance import run_maintenance
    from telesecond.services.reminders.dispatch import dispatch_due_reminders, stop_requested

    with app.app_context():
        sent = dispatch_due_reminders(clock=utcnow)
        if not stop_requested():  # stopping: the upkeep waits for the next process
            run_maintenance(utcnow())
        return sent


def build_scheduler(app: Flask, *, interval_seconds: float = 15.0) -> BlockingScheduler:
    """A UTC BlockingScheduler with the single dispatch job (coalesced, one at a time)."""
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(
        tick,
        "interval",
        args=[app],
        seconds=interval_seconds,
        id=JOB_ID,
        coalesce=True,
        max_instances=1,
        replace_existing=True,
        next_run_time=None,
    )
    return scheduler


def run(app: Flask, *, interval_seconds: float = 15.0) -> None:
    """Run the ticker until SIGTERM/SIGINT; the pass in flight finishes first."""
    scheduler = build_scheduler(app, interval_seconds=interval_seconds)
    job = scheduler.get_job(JOB_ID)
    # Start at once rather than one interval after launch. APScheduler's own timing runs
    # on the machine's time, whatever clock the app is given.
    from telesecond.clock import system_now

    job.modify(next_run_time=system_now())

    from telesecond.services.reminders.dispatch import request_stop, reset_stop

    reset_stop()

    def stop(signum, frame):  # noqa: ARG001
        # The pass in flight stops after its current message; then the scheduler ends.
        log.info("reminder ticker stopping (signal %s)", signum)
        request_stop()
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("reminder ticker running every %ss", interval_seconds)
    scheduler.start()
