"""Rate limits that an HTML page and its API twin both apply (each route counts its own hits)."""

from __future__ import annotations

from flask import current_app

# Each send emails a third party: enough for a retry or a revised opinion, not a flood.
SEND_LIMIT = "10 per hour"


def login_limit() -> str:
    """The limit on password attempts and sign-ups (``LOGIN_RATE_LIMIT``)."""
    return current_app.config["LOGIN_RATE_LIMIT"]
