"""The pure documents and their display formats: what they refuse, how they show time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from telesecond.domain.opinion_document import Addendum, Signature, paragraphs
from telesecond.domain.receipt_document import LineItem, MoneyEntry
from telesecond.services.rendering import formats
from tests.documents import samples

NAIVE = datetime(2026, 3, 2, 13, 0)


@pytest.mark.parametrize(
    "changes",
    [
        {"consultation_start": NAIVE},
        {"assessment": "maybe"},
        {"zone": "Mars/Olympus"},
        {"language": "english please"},
    ],
    ids=["naive start", "unknown assessment", "unknown zone", "not a language tag"],
)
def test_an_opinion_document_refuses_what_it_could_not_show_truthfully(changes):
    with pytest.raises(ValueError):
        samples.opinion(**changes)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Signature("Dr A", NAIVE, samples.sha256("x")),
        lambda: Signature("Dr A", samples.SIGNED_AT, "not-a-digest"),
        lambda: Signature("Dr A", samples.SIGNED_AT, samples.sha256("x").upper()),
        lambda: Addendum("text", "Dr A", NAIVE, samples.sha256("x")),
        lambda: Addendum("text", "Dr A", samples.SIGNED_AT, samples.sha256("x")[:40]),
    ],
    ids=["naive signature", "no digest", "uppercase digest", "naive addendum", "short digest"],
)
def test_signatures_are_aware_and_carry_a_sha256_digest(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize(
    ("assessment", "label", "words"),
    [
        ("agrees", "Agrees", "agrees with the diagnosis you were given"),
        ("refines", "Refines", "makes it more precise"),
        ("differs", "Differs", "different diagnosis"),
    ],
)
def test_each_assessment_has_its_meaning_in_plain_words(assessment, label, words):
    doc = samples.opinion(assessment=assessment)
    assert doc.assessment_label == label
    assert words in doc.assessment_meaning


def test_the_title_carries_no_health_information():
    doc = samples.opinion()
    assert doc.title == "Second opinion C000042"
    assert "carcinoma" not in doc.title.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One.", ["One."]),
        ("One.\n\nTwo.", ["One.", "Two."]),
        ("Line one\nline two\r\n\r\n  \nNext", ["Line one\nline two", "Next"]),
        ("\n\n", []),
    ],
)
def test_written_text_splits_into_paragraphs_at_blank_lines(text, expected):
    assert paragraphs(text) == expected


def test_the_total_paid_is_payments_less_refunds():
    doc = samples.receipt()
    assert doc.total_charged == 22500
    assert doc.total_paid == 18000
    assert replace(doc, entries=()).total_paid == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: LineItem("Consultation", -100),
        lambda: LineItem("Consultation", 100, quantity=0),
        lambda: MoneyEntry("chargeback", 100, samples.SIGNED_AT),
        lambda: MoneyEntry("refund", -100, samples.SIGNED_AT),
        lambda: MoneyEntry("payment", 100, NAIVE),
        lambda: samples.receipt(currency="euro"),
        lambda: samples.receipt(items=()),
        lambda: samples.receipt(zone="Nowhere/Special"),
    ],
    ids=[
        "negative item",
        "no quantity",
        "unknown kind",
        "negative refund",
        "naive payment",
        "not ISO 4217",
        "no items",
        "unknown zone",
    ],
)
def test_a_receipt_refuses_amounts_and_entries_that_do_not_add_up(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize(
    ("instant", "shown"),
    [
        # Spring forward in Berlin (29 March 2026): 00:30 UTC is 01:30 CET, 01:30 UTC 03:30 CEST.
        (
            datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
            "Sunday, March 29, 2026, 1:30 AM (Europe/Berlin, CET)",
        ),
        (
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
            "Sunday, March 29, 2026, 3:30 AM (Europe/Berlin, CEST)",
        ),
        # Fall back (25 October 2026): 02:30 happens twice, told apart by the zone's name.
        (
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            "Sunday, October 25, 2026, 2:30 AM (Europe/Berlin, CEST)",
        ),
        (
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
            "Sunday, October 25, 2026, 2:30 AM (Europe/Berlin, CET)",
        ),
    ],
)
def test_times_are_shown_in_the_zone_across_dst_both_ways(instant, shown):
    assert formats.date_time(instant, "Europe/Berlin", "en").replace("\u202f", " ") == shown


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "March 2, 2026"),
        ("fr", "2 mars 2026"),
        ("pt-BR", "2 de março de 2026"),
        ("de-CH", "2. März 2026"),
        ("zz", "March 2, 2026"),  # no such locale: English rather than a failure
    ],
)
def test_dates_follow_the_readers_language(language, shown):
    assert formats.long_date(date(2026, 3, 2), language) == shown


@pytest.mark.parametrize(
    ("minor", "currency", "language", "shown"),
    [
        (18000, "EUR", "en", "€180.00"),
        (18000, "EUR", "de", "180,00\xa0€"),
        (25000, "JPY", "en", "¥25,000"),
        (1234, "KWD", "en", "KWD1.234"),
    ],
)
def test_amounts_use_the_currencys_minor_unit(minor, currency, language, shown):
    assert formats.money(minor, currency, language) == shown
