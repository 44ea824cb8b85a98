"""Fixtures shared by the directory's tests (issue 19.1)."""

from __future__ import annotations

import pytest

MON_TUE_9_TO_5 = [(0, 540, 1020), (1, 540, 1020)]


@pytest.fixture
def directory_doctors(make_specialist):
    """Dr Okafor (London, breast cancer, English and Yoruba, licensed in GB and IN),
    Dr García (New York, leukaemia, Spanish, licensed in US-NY), and a pending one."""

    def doctor(name, zone, profile, **extra):
        return make_specialist(
            full_name=name,
            timezone=zone,
            profile={"bio": "", "fee_cents": 15000, "currency": "USD", **profile},
            weekly=MON_TUE_9_TO_5,
            consultation=45,
            buffer=15,
            notice=24 * 60,
            **extra,
        )

    return {
        "okafor": doctor(
            "Dr Okafor",
            "Europe/London",
            {
                "specialties": ["Oncology"],
                "conditions": ["Breast cancer"],
                "languages": ["en", "yo"],
                "licensed_regions": ["IN", "GB"],
            },
        ),
        "garcia": doctor(
            "Dr García",
            "America/New_York",
            {
                "specialties": ["Radiation oncology"],
                "conditions": ["Leukämie", "Lymphoma"],
                "languages": ["es"],
                "licensed_regions": ["US-NY"],
            },
        ),
        "pending": doctor(
            "Dr Pending",
            "Europe/Berlin",
            {
                "specialties": ["Oncology"],
                "conditions": ["Brain tumour"],
                "languages": ["de"],
                "licensed_regions": ["DE"],
            },
            verified=False,
        ),
    }
