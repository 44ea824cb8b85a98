"""``flask admin …``: commands for the people who run telesecond."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

admin = AppGroup("admin", help="Admin accounts.")


@admin.command("create")
@click.argument("email")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (its first line) instead of asking twice.",
)
def create_command(email: str, password_stdin: bool) -> None:
    """Create an admin account for EMAIL (its address counts as verified)."""
    from telesecond.clock import utcnow
    from telesecond.services.admin.accounts import create_admin
    from telesecond.services.errors import ServiceError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        account = create_admin(email, password, now=utcnow())
    except ServiceError as error:
        messages = [m for field in error.errors.values() for m in field] or [error.detail]
        raise click.ClickException(" ".join(messages)) from None
    click.echo(f"Admin {account.email} created (account {account.id}).")
