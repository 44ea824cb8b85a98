"""The itemised receipt as a PDF: items, payments, refunds, totals; tagged and titled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telesecond.domain.receipt_document import LineItem, MoneyEntry
from telesecond.services.rendering.receipt import receipt_pdf
from tests.documents import samples
from tests.documents.pdf_reading import all_text, catalog, reader, squeezed, structure_types


@pytest.fixture
def typical(app) -> tuple:
    doc = samples.receipt()
    return doc, receipt_pdf(doc)


def test_the_receipt_itemises_the_charges_payments_refunds_and_totals(typical):
    _, pdf = typical
    text = all_text(pdf)
    for shown in (
        "Receipt number R-2026-000117, issued March 6, 2026",
        "Clinic telesecond Clinic GmbH",
        "Tax identifier DE 312 456 789",
        "Patient Maria Keller",
        "Provider Dr Lena Brandt",
        "Region DE: number LÄK-B-204418, issued by Ärztekammer Berlin",
        "Date of service March 2, 2026",
        "Remote second-opinion video consultation (60 minutes)",
        "Second-opinion video consultation €180.00",
        "Review of records (3 documents) €45.00",
        "Total charged €225.00",
        "February 27, 2026 Payment (Card ending 4242) €225.00",
        "March 4, 2026 Refund (Card ending 4242) −€45.00",
        "Total paid €180.00",
    ):
        assert squeezed(shown) in text, shown


def test_diagnosis_codes_appear_only_when_given(app, typical):
    _, without = typical
    assert "Diagnosiscodes" not in all_text(without)
    with_codes = receipt_pdf(samples.receipt(diagnosis_codes=("C50.4", "Z80.3")))
    assert squeezed("Diagnosis codes C50.4 Z80.3") in all_text(with_codes)


def test_the_receipt_is_tagged_titled_and_in_the_readers_language(app):
    pdf = receipt_pdf(samples.receipt(language="de"))
    root = catalog(pdf)
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "de"
    assert reader(pdf).metadata.title == "Receipt R-2026-000117"
    tags = structure_types(pdf)
    assert tags.count("/H1") == 1 and tags.count("/H2") == 3
    assert {"/Table", "/THead", "/TFoot", "/TH", "/TD"} <= set(tags)
    # German amounts and dates.
    text = all_text(pdf)
    assert squeezed("Total paid 180,00 €") in text
    assert squeezed("4. März 2026") in text


def test_yen_has_no_minor_unit_and_payment_dates_are_the_zones(app):
    doc = samples.receipt(
        currency="JPY",
        zone="Asia/Tokyo",
        items=(LineItem("Consultation", 25000),),
        # 23:30 UTC on the 1st is already the 2nd in Tokyo.
        entries=(MoneyEntry("payment", 25000, datetime(2026, 3, 1, 23, 30, tzinfo=UTC)),),
    )
    text = all_text(receipt_pdf(doc))
    assert squeezed("Total paid ¥25,000") in text
    assert squeezed("March 2, 2026 Payment ¥25,000") in text


def test_non_latin_names_and_a_long_description_stay_whole(app):
    description = "Review of " + "records and imaging " * 150 + "y" * 300
    doc = samples.receipt(
        patient_name="Ọláolúwa Adébáyọ̀",
        provider_name="अनीता देसाई",
        description=description,
        language="hi",
    )
    pdf = receipt_pdf(doc)
    text = all_text(pdf)
    assert squeezed("Ọláolúwa Adébáyọ̀") in text
    assert squeezed("अनीता देसाई") in text
    assert squeezed(description) in text
    assert catalog(pdf)["/Lang"] == "hi"
