"""Where a person lands after signing in, when no ``next`` page asked for them."""

from __future__ import annotations

from flask import url_for

from telesecond.models import Account


def landing_for(account: Account) -> str:
    """A specialist's dashboard; the home page for patients and admins."""
    if account.role == "specialist":
        return url_for("specialist.dashboard")
    return url_for("main.index")
