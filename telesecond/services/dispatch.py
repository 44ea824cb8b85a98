"""Send what is due from the outbox."""

from __future__ import annotations


def dispatch_due_reminders() -> int:
    """One pass over due outbox rows; returns how many were sent.

    The outbox arrives with the reminders capability; until then a pass has nothing to send.
    """
    return 0
