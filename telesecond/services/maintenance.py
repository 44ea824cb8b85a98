"""Periodic upkeep the reminder process runs on each tick, after dispatching.

Each task takes the current time and does its own small piece of work (retrying video
rooms, refreshing specialists' busy calendars, ...). One failing task is logged and never
stops the others or the reminder dispatch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

log = logging.getLogger(__name__)

Task = Callable[[datetime], object]


def _tasks() -> list[Task]:
    """The registered tasks, imported lazily so this module stays import-light."""
    from telesecond.services.admin.licence_checks import run_checks
    from telesecond.services.consultations.intake_records import purge as purge_intake_records
    from telesecond.services.opinions.deadline_warnings import warn_opinion_deadlines
    from telesecond.services.payments import sweep as payment_sweep
    from telesecond.services.scheduling.busy_calendars import refresh_due_calendars
    from telesecond.services.video.rooms import retry_pending_rooms

    return [
        refresh_due_calendars,
        retry_pending_rooms,
        run_checks,
        warn_opinion_deadlines,
        payment_sweep.run,
        purge_intake_records,
    ]


def run_maintenance(now: datetime) -> None:
    for task in _tasks():
        try:
            task(now)
        except Exception:  # one broken task must not stop the ticker
            log.exception("maintenance task %s failed", getattr(task, "__name__", task))
