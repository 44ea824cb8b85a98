"""Rate limits that an HTML page and its API twin both apply."""

from __future__ import annotations

from flask import current_app

from telesecond.extensions import limiter

# Each send emails a third party: enough for a retry or a revised opinion, not a flood.
SEND_LIMIT = "10 per hour"


def login_limit() -> str:
    """The limit on password attempts and sign-ups (``LOGIN_RATE_LIMIT``)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


# One budget per client address for every way to try a password or make an account
# (/login, /register, POST /api/v1/tokens, POST /api/v1/accounts): guesses spread over the
# four count together. Reading the forms (GET) costs nothing.
sign_in_budget = limiter.shared_limit(login_limit, scope="sign-in", methods=["POST"])
