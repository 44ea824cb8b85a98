"""REFUND_POLICY applied to a patient's cancellation, with the rule named; the payment
settings refused at start (the policy's own format: tests/domain/test_refund_policy.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telesecond.domain.refund_policy import parse

START = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
DEFAULT = "full:24h,half:0h,none:signed"


@pytest.mark.parametrize(
    ("policy", "hours_before", "signed", "percent", "rule"),
    [
        (DEFAULT, 72, False, 100, "full:24h"),
        (DEFAULT, 24, False, 100, "full:24h"),
        (DEFAULT, 23.99, False, 50, "half:0h"),
        (DEFAULT, 0, False, 50, "half:0h"),
        (DEFAULT, -1, False, 0, "none:started"),
        (DEFAULT, 72, True, 0, "none:signed"),
        ("full:48h, 75%:24h, 10%:2h", 30, False, 75, "75%:24h"),
        ("full:48h, 75%:24h, 10%:2h", 3, False, 10, "10%:2h"),
        ("full:48h, 75%:24h, 10%:2h", 1, False, 0, "none:started"),
        ("half:0h,full:24h", 30, False, 100, "full:24h"),  # order written does not matter
        ("full:0h", 1, True, 100, "full:0h"),  # no signed rule: the hours decide
    ],
)
def test_the_rule_that_applies(policy, hours_before, signed, percent, rule):
    share, applied = parse(policy).applied(hours_before, signed)
    assert (share * 100, applied) == (percent, rule)


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"PAYMENTS_PROVIDER": "paypal"}, "must be one of none, stripe"),
        ({"PAYMENTS_PROVIDER": "stripe"}, "needs STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET"),
    ],
)
def test_the_app_refuses_to_start_with_unusable_payment_settings(settings, says):
    from telesecond.adapters.registry import build_payments

    with pytest.raises(ValueError, match=says.replace("<", "<")):
        build_payments(settings)


def test_payments_default_to_none():
    from telesecond.adapters.registry import build_payments

    assert build_payments({}).name == "none"
    assert build_payments({}).enabled is False
