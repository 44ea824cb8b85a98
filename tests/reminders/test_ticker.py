"""The ticker process's shape, the one-pass command, and stopping mid-batch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from config import ConfigError
from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Reminder
from telesecond.scheduler import JOB_ID, build_scheduler
from telesecond.services.reminders import dispatch
from tests.reminders.scenario import local


def test_scheduler_has_one_coalesced_job_in_utc(app):
    scheduler = build_scheduler(app, interval_seconds=15)
    jobs = scheduler.get_jobs()
    assert [j.id for j in jobs] == [JOB_ID]
    job = jobs[0]
    assert job.coalesce is True and job.max_instances == 1
    assert job.trigger.interval == timedelta(seconds=15)
    assert str(scheduler.timezone) == "UTC"


def test_dispatch_command_runs_one_pass(
    app, sms_patient, book_consultation, smtp_server, make_specialist
):
    specialist = make_specialist()
    book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 11))
    result = app.test_cli_runner().invoke(args=["reminders", "dispatch"])
    assert result.exit_code == 0, result.output
    # The two confirmation emails and the patient's confirmation text.
    assert result.output.strip() == "dispatched 3"
    assert len(smtp_server.messages) == 2


def test_run_refuses_a_bad_interval(app):
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--interval", "0"])
    assert result.exit_code != 0
    assert "must be more than 0 seconds" in result.output


def test_stop_request_hands_unsent_rows_back(
    app, clock, sms_patient, book_consultation, smtp_server, make_specialist
):
    specialist = make_specialist()
    book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 11))
    ids = dispatch.claim(clock(), limit=10, lease=timedelta(minutes=2), worker="me:1")
    rows = dispatch._load(ids)
    dispatch.request_stop()
    try:
        assert dispatch._send_batch(rows, "me:1", clock) == 0
    finally:
        dispatch.reset_stop()
    db.session.expire_all()
    back = db.session.scalars(select(Reminder).where(Reminder.id.in_(ids))).all()
    assert {(r.status, r.claimed_by, r.attempts) for r in back} == {("pending", None, 0)}
    assert smtp_server.messages == []
    assert dispatch.dispatch_due_reminders(clock=utcnow) == len(ids) == 3


def test_unreadable_reminder_settings_stop_the_app_at_start(make_app):
    with pytest.raises(ConfigError, match="sms:1x"):
        make_app(REMINDER_OFFSETS="email:24h,sms:1x")
    with pytest.raises(ConfigError, match="quiet hours"):
        make_app(QUIET_HOURS="late")
