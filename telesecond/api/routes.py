"""The JSON API's table of contents: importing this module puts every route on ``bp``."""

from __future__ import annotations

from telesecond.api import (  # noqa: F401 (each module registers its routes when imported)
    account_lifecycle,
    accounts,
    admin_specialists,
    calendar,
    consultations,
    documents,
    fees,
    meta,
    opinions,
    physician_links,
    reminders,
    specialists,
)
from telesecond.api.blueprint import bp

__all__ = ["bp"]
