"""Steps the fee tests share: the first free slot, asking and deciding through the API."""

from __future__ import annotations

from datetime import datetime

from telesecond.clock import utcnow
from telesecond.services.scheduling import availability


def first_slot(doctor) -> datetime:
    """The start of the specialist's first free slot from now."""
    now = utcnow()
    return availability.free_slots(doctor.id, now, now + availability.MAX_WINDOW, now=now)[0].start


def ask(client, headers, specialist_id, **body):
    """A patient's request for help with a specialist's fee (a waiver unless told)."""
    payload = {"specialist_id": specialist_id, "kind": "waiver", "reason": "I lost my job.", **body}
    return client.post("/api/v1/assistance-requests", json=payload, headers=headers)


def decide(client, headers, request_id, **body):
    """An admin's decision on a request."""
    return client.post(
        f"/api/v1/admin/assistance-requests/{request_id}/decision", json=body, headers=headers
    )
