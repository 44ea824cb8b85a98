"""Booking through the JSON API: the intake body, times on the frozen clock, the request."""

from __future__ import annotations

# The clock stands at Monday 2026-03-02 09:00 UTC = 10:00 in Berlin.
MON_11 = "2026-03-02T10:00:00Z"  # 11:00 Berlin, a free slot
MON_12 = "2026-03-02T11:00:00Z"
TUE_11 = "2026-03-03T10:00:00Z"
WED_11 = "2026-03-04T10:00:00Z"

BODY = {
    "patient_region": "DE",
    "reason": "Is surgery the best first step?",
    "current_diagnosis": "Invasive ductal carcinoma, stage II",
    "proposed_treatment": "Mastectomy then chemotherapy",
    "questions": ["Is neoadjuvant chemotherapy an option?"],
    "telehealth_consent": True,
}


def book(client, headers, specialist_id, start, **changes):
    """POST a booking of ``start`` with the intake in ``BODY`` (``changes`` override it)."""
    return client.post(
        "/api/v1/consultations",
        headers=headers,
        json={**BODY, "specialist_id": specialist_id, "start": start, **changes},
    )
