"""A consultation's reminders, as the caller (patient or specialist) receives them."""

from __future__ import annotations

from flask import g, jsonify

from telesecond.api.auth import require_auth
from telesecond.api.blueprint import bp
from telesecond.api.openapi import documented
from telesecond.domain.instants import to_rfc3339
from telesecond.models import Reminder
from telesecond.services.reminders import outbox


def reminder_json(row: Reminder) -> dict:
    """Kind, channel, when it is (or was) due and how it went: no message text."""
    return {
        "kind": row.kind,
        "channel": row.channel,
        "due_at": to_rfc3339(row.due_at),
        "status": row.status,
        "sent_at": to_rfc3339(row.sent_at),
    }


@bp.get("/consultations/<int:consultation_id>/reminders")
@documented(
    "The caller's reminders and notices for a consultation (404 unless they take part)",
    response="ReminderList",
    errors=("404",),
)
@require_auth()
def consultation_reminders(consultation_id: int):
    rows = outbox.reminders_for(g.api_account, consultation_id)
    return jsonify({"items": [reminder_json(r) for r in rows], "next": None})
