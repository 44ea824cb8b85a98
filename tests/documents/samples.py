"""Documents as the tests need them: a typical signed opinion and a typical receipt."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime

from telesecond.domain.opinion_document import (
    Addendum,
    Answer,
    Licence,
    OpinionDocument,
    Signature,
)
from telesecond.domain.receipt_document import LineItem, MoneyEntry, Receipt

SIGNED_AT = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
BERLIN_LICENCE = Licence("DE", "LÄK-B-204418", "Ärztekammer Berlin", date(2028, 6, 30))


def sha256(text: str) -> str:
    """A real digest, so the document shows what a signed one shows."""
    return hashlib.sha256(text.encode()).hexdigest()


def opinion(**changes) -> OpinionDocument:
    """A typical signed opinion: two questions, recommendations, one addendum."""
    doc = OpinionDocument(
        language="en",
        zone="Europe/Berlin",
        reference="C000042",
        patient_name="Maria Keller",
        patient_birth_date=date(1971, 4, 18),
        specialist_name="Dr Lena Brandt",
        licences=(
            BERLIN_LICENCE,
            Licence("FR", "75-123456", "Ordre des médecins", date(2027, 1, 31)),
        ),
        consultation_start=datetime(2026, 3, 2, 13, 0, tzinfo=UTC),
        current_diagnosis="Stage II ductal carcinoma of the left breast",
        proposed_treatment="Mastectomy",
        assessment="refines",
        summary="The imaging supports the diagnosis; the tumour is small and well defined.",
        answers=(
            Answer("Is surgery really needed now?", "Not urgently: within four weeks is safe."),
            Answer("Would radiotherapy alone be enough?", "No, not on its own."),
        ),
        recommendations="Ask for a sentinel node biopsy.\n\nDiscuss hormone therapy.",
        addenda=(
            Addendum(
                text="The pathology review arrived: it confirms the grade.",
                signed_by="Dr Lena Brandt",
                signed_at=datetime(2026, 3, 5, 8, 15, tzinfo=UTC),
                digest=sha256("addendum 1"),
            ),
        ),
        signature=Signature(signer="Dr Lena Brandt", signed_at=SIGNED_AT, digest=sha256("opinion")),
    )
    return replace(doc, **changes)


def receipt(**changes) -> Receipt:
    """A typical receipt: the consultation fee paid by card, part of it refunded."""
    doc = Receipt(
        number="R-2026-000117",
        issued_on=date(2026, 3, 6),
        language="en",
        zone="Europe/Berlin",
        clinic_name="telesecond Clinic GmbH",
        clinic_tax_id="DE 312 456 789",
        patient_name="Maria Keller",
        provider_name="Dr Lena Brandt",
        provider_licence=BERLIN_LICENCE,
        service_date=date(2026, 3, 2),
        description="Remote second-opinion video consultation (60 minutes)",
        currency="EUR",
        items=(
            LineItem("Second-opinion video consultation", 18000),
            LineItem("Review of records (3 documents)", 4500),
        ),
        entries=(
            MoneyEntry(
                "payment", 22500, datetime(2026, 2, 27, 18, 5, tzinfo=UTC), "Card ending 4242"
            ),
            MoneyEntry("refund", 4500, datetime(2026, 3, 4, 9, 0, tzinfo=UTC), "Card ending 4242"),
        ),
    )
    return replace(doc, **changes)
