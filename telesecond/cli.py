"""Flask CLI groups: demo data and the reminder process."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from telesecond.cli_admin import admin as admin_commands

demo = AppGroup("demo", help="Demo data.")
reminders = AppGroup("reminders", help="The reminder process.")


@demo.command("seed")
def seed_command() -> None:
    """Create demo specialists and patients (safe to run again)."""
    from telesecond.clock import utcnow
    from telesecond.services.demo import DEMO_PASSWORD, seed

    accounts = seed(now=utcnow())
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for account in accounts:
        click.echo(f"  {account.role:<10} {account.email:<36} {account.full_name}")


@reminders.command("run")
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Seconds between passes (default: REMINDER_INTERVAL_SECONDS, 15).",
)
def run_command(interval: float | None) -> None:
    """Run the APScheduler ticker (blocks; stop with SIGTERM)."""
    from telesecond.scheduler import run

    if interval is None:
        interval = float(current_app.config["REMINDER_INTERVAL_SECONDS"])
    if interval <= 0:
        raise click.BadParameter("must be more than 0 seconds", param_hint="--interval")
    click.echo(f"reminder process started: APScheduler, one dispatch pass every {interval:g} s")
    run(current_app._get_current_object(), interval_seconds=interval)


@reminders.command("dispatch")
def dispatch_command() -> None:
    """Run one dispatch pass, then exit (SIGTERM: finish the message in flight, stop)."""
    import signal

    from telesecond.clock import utcnow
    from telesecond.services.reminders.dispatch import dispatch_due_reminders, request_stop

    signal.signal(signal.SIGTERM, lambda signum, frame: request_stop())
    click.echo(f"dispatched {dispatch_due_reminders(clock=utcnow)}")


licences = AppGroup("licences", help="Specialists' verified licences.")


@licences.command("check")
def licences_check_command() -> None:
    """Warn of licences lapsing within 30 days; flag consultations a lapse leaves uncovered."""
    from telesecond.clock import utcnow
    from telesecond.services.admin.licence_checks import run_checks

    result = run_checks(utcnow())
    click.echo(f"expiry warnings sent: {result.warned}; consultations flagged: {result.flagged}")


def register_cli(app: Flask) -> None:
    """Attach the command groups."""
    app.cli.add_command(demo)
    app.cli.add_command(reminders)
    app.cli.add_command(licences)
    app.cli.add_command(admin_commands)
