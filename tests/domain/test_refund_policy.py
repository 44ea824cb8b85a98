"""The refund policy: its format, the share refunded at each point, and its plain words."""

from __future__ import annotations

from fractions import Fraction

import pytest

from telesecond.domain.refund_policy import DEFAULT, RefundPolicy, Tier, parse

DEFAULT_POLICY = parse(DEFAULT)


def test_the_default_reads_as_three_rules():
    assert (
        RefundPolicy((Tier(24, Fraction(1)), Tier(0, Fraction(1, 2))), after_signing=Fraction(0))
        == DEFAULT_POLICY
    )


@pytest.mark.parametrize(
    ("hours", "signed", "fraction"),
    [
        (100, False, Fraction(1)),
        (24, False, Fraction(1)),  # exactly 24 h before: still full
        (23.99, False, Fraction(1, 2)),
        (0, False, Fraction(1, 2)),  # at the start: half
        (-0.01, False, Fraction(0)),  # after the start: nothing
        (-5, False, Fraction(0)),
        (100, True, Fraction(0)),  # signed wins over time
        (-5, True, Fraction(0)),
    ],
)
def test_the_default_refunds(hours, signed, fraction):
    assert DEFAULT_POLICY.refund_fraction(hours, signed) == fraction


@pytest.mark.parametrize(
    ("text", "hours", "signed", "fraction"),
    [
        ("75%:48h, 25%:2h", 50, False, Fraction(3, 4)),
        ("75%:48h, 25%:2h", 10, False, Fraction(1, 4)),
        ("75%:48h, 25%:2h", 1, False, Fraction(0)),
        ("75%:48h, 25%:2h", 50, True, Fraction(3, 4)),  # no signed rule: time decides
        ("FULL:0h", 0.5, False, Fraction(1)),
        ("half:signed, full:12h", 20, True, Fraction(1, 2)),
        ("0%:1h", 3, False, Fraction(0)),
    ],
)
def test_other_policies(text, hours, signed, fraction):
    assert parse(text).refund_fraction(hours, signed) == fraction


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (" , ", "empty"),
        ("full", "amount:when"),
        ("most:24h", "not full, half, none"),
        ("101%:24h", "not full, half, none"),
        ("-5%:24h", "not full, half, none"),
        ("full:24", "number of hours"),
        ("full:1.5h", "number of hours"),
        ("full:99999h", "number of hours"),
        ("full:-1h", "number of hours"),
        ("full:tomorrow", "number of hours"),
        ("full:24h,half:24h", "two rules for 24h"),
        ("none:signed,half:signed", "at most one rule"),
        ("half:24h,full:0h", "may not be larger"),
        (",".join(f"full:{n}h" for n in range(11)), "at most 10"),
    ],
)
def test_unreadable_policies_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        parse(text)
