"""Fixtures of the admin tests: an admin, and an app whose mail reaches a real SMTP server."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin(make_account):
    """An admin account."""
    return make_account(role="admin", full_name="Alex Admin")


@pytest.fixture
def mail_app(app, make_app, clock, smtp_server):
    """The app on the frozen clock, sending its mail to the loopback aiosmtpd server.

    Its context is pushed over the default app's, so commands and services use it.
    """
    app = make_app(CLOCK=clock, **smtp_server.app_config())
    with app.app_context():
        yield app
