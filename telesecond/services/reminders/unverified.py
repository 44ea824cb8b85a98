"""No email to an address nobody has confirmed: such rows are skipped, with the reason."""

from __future__ import annotations

from flask import current_app

from telesecond.domain.verification import email_skip_reason
from telesecond.models import Reminder


def unverified_recipient(reminder: Reminder) -> str | None:
    """Why the row must not go to its recipient (an unverified address), or None."""
    return email_skip_reason(
        reminder.channel,
        verified=reminder.recipient.email_verified,
        required=bool(current_app.config.get("EMAIL_VERIFICATION_REQUIRED", True)),
    )
