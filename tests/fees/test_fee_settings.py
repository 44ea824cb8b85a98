"""The fee settings are read once, at start: a refund policy the app cannot read stops it."""

from __future__ import annotations

from fractions import Fraction

import pytest

import config
from telesecond.domain.refund_policy import DEFAULT, parse


def test_the_defaults(tmp_path):
    values = config.finalize(config.from_env({}), tmp_path)
    assert values["PAYMENTS_PROVIDER"] == "none"
    assert values["REFUND_RULES"] == parse(DEFAULT)
    assert len(values["FEE_INCLUDES_LIST"]) == 3


def test_the_clinic_names_its_own(tmp_path):
    values = config.finalize(
        config.from_env({"REFUND_POLICY": "full:48h", "FEE_INCLUDES": " A call || A report "}),
        tmp_path,
    )
    assert values["REFUND_RULES"].refund_fraction(47, False) == Fraction(0)
    assert values["FEE_INCLUDES_LIST"] == ["A call", "A report"]


@pytest.mark.parametrize("policy", ["full", "full:24h,half:48h", "lots:1h"])
def test_an_unreadable_refund_policy_stops_the_app(policy, tmp_path):
    with pytest.raises(config.ConfigError, match="REFUND_POLICY"):
        config.finalize(config.from_env({"REFUND_POLICY": policy}), tmp_path)
