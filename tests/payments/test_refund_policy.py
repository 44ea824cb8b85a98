"""REFUND_POLICY read and applied: pure, parametrized."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from telesecond.domain.refund_policy import parse_policy, patient_refund, share_of

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
    now = START - timedelta(hours=hours_before)
    decision = patient_refund(parse_policy(policy), start=START, now=now, opinion_written=signed)
    assert (decision.percent, decision.rule) == (percent, rule)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "at least one rule"),
        ("full", "not share:when"),
        ("most:24h", "not full, half, none"),
        ("101%:24h", "not full, half, none"),
        ("full:24", "neither <N>h nor signed"),
        ("full:24h,half:24h", "two rules for 24h"),
        ("none:signed,half:signed", "two 'signed' rules"),
    ],
)
def test_a_policy_that_cannot_be_read_says_why(text, says):
    with pytest.raises(ValueError, match=says.replace("(", r"\(")):
        parse_policy(text)


@pytest.mark.parametrize(
    ("amount", "percent", "share"), [(20000, 50, 10000), (999, 50, 499), (1, 100, 1)]
)
def test_shares_round_down_to_the_cent(amount, percent, share):
    assert share_of(amount, percent) == share


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"PAYMENTS_PROVIDER": "paypal"}, "must be one of none, stripe"),
        ({"PAYMENTS_PROVIDER": "stripe"}, "needs STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET"),
        (
            {
                "PAYMENTS_PROVIDER": "stripe",
                "STRIPE_SECRET_KEY": "sk_test_x",
                "STRIPE_WEBHOOK_SECRET": "whsec_x",
                "REFUND_POLICY": "full:soon",
            },
            "neither <N>h nor signed",
        ),
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
