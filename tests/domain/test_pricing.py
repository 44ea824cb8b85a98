"""The quote: the fee, a sponsor's cover, approved assistance, the amount due."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telesecond.domain.pricing import (
    MAX_CENTS,
    Assistance,
    Line,
    Quote,
    Sponsor,
    decimal_amount,
    money,
    quote,
)

ACME_HALF = Sponsor("Acme Insurance", percent_off=50)


@pytest.mark.parametrize(
    ("assistance", "sponsor", "lines", "due"),
    [
        (None, None, (), 20000),
        (Assistance(0), None, (Line("assistance", "Financial assistance", -20000),), 0),
        (Assistance(5000), None, (Line("assistance", "Financial assistance", -15000),), 5000),
        (Assistance(25000), None, (), 20000),  # approved more than the fee: nothing changes
        (None, ACME_HALF, (Line("sponsor", "Paid by Acme Insurance", -10000),), 10000),
        (None, Sponsor("Acme", percent_off=100), (Line("sponsor", "Paid by Acme", -20000),), 0),
        (
            None,
            Sponsor("Acme", amount_off_cents=7500, currency="EUR"),
            (Line("sponsor", "Paid by Acme", -7500),),
            12500,
        ),
        (
            None,
            Sponsor("Acme", amount_off_cents=90000, currency="EUR"),
            (Line("sponsor", "Paid by Acme", -20000),),
            0,
        ),
        (
            Assistance(4000),
            ACME_HALF,
            (
                Line("sponsor", "Paid by Acme Insurance", -10000),
                Line("assistance", "Financial assistance", -6000),
            ),
            4000,
        ),
    ],
)
def test_quotes(assistance, sponsor, lines, due):
    assert quote(20000, "EUR", assistance, sponsor) == Quote(20000, "EUR", lines, due)


def test_what_each_kind_covers():
    both = quote(20000, "EUR", Assistance(4000), ACME_HALF)
    assert (both.covered_by("sponsor"), both.covered_by("assistance")) == (10000, 6000)
    assert quote(20000, "EUR").covered_by("sponsor") == 0


def test_percentages_round_to_the_nearest_cent_halves_up():
    assert quote(333, "EUR", sponsor=Sponsor("A", percent_off=50)).amount_cents == 166
    assert quote(335, "EUR", sponsor=Sponsor("A", percent_off=10)).amount_cents == 301


def test_a_free_consultation_has_no_lines():
    assert quote(0, "EUR", Assistance(0), ACME_HALF) == Quote(0, "EUR", (), 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: quote(-1, "EUR"), "a fee is from 0"),
        (lambda: quote(MAX_CENTS + 1, "EUR"), "a fee is from 0"),
        (
            lambda: quote(100, "EUR", sponsor=Sponsor("A", amount_off_cents=5, currency="USD")),
            "in USD, not EUR",
        ),
        (lambda: Sponsor("A"), "either a percentage or an amount"),
        (lambda: Sponsor("A", percent_off=5, amount_off_cents=5, currency="EUR"), "either"),
        (lambda: Sponsor("A", percent_off=0), "from 1 to 100"),
        (lambda: Sponsor("A", percent_off=101), "from 1 to 100"),
        (lambda: Sponsor("A", amount_off_cents=0, currency="EUR"), "from 1 to"),
        (lambda: Sponsor("A", amount_off_cents=5), "needs its currency"),
        (lambda: Assistance(-1), "from 0 to"),
    ],
)
def test_impossible_inputs_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@given(
    fee=st.integers(0, MAX_CENTS),
    percent=st.one_of(st.none(), st.integers(1, 100)),
    amount=st.integers(1, MAX_CENTS),
    assisted=st.one_of(st.none(), st.integers(0, MAX_CENTS)),
)
def test_lines_add_up_and_nothing_goes_below_zero(fee, percent, amount, assisted):
    sponsor = (
        Sponsor("S", percent_off=percent)
        if percent
        else Sponsor("S", amount_off_cents=amount, currency="EUR")
    )
    assistance = None if assisted is None else Assistance(assisted)
    result = quote(fee, "EUR", assistance, sponsor)
    assert 0 <= result.amount_cents <= fee
    assert fee + sum(line.amount_cents for line in result.lines) == result.amount_cents
    assert all(line.amount_cents < 0 for line in result.lines)
    if assistance is not None:
        assert result.amount_cents <= assistance.amount_cents


def test_money():
    assert money(1234567, "EUR") == "12,345.67 EUR"
    assert money(-500, "USD") == "-5.00 USD"


def test_decimal_amount():
    assert (decimal_amount(5), decimal_amount(123456), decimal_amount(None)) == (
        "0.05",
        "1234.56",
        None,
    )
