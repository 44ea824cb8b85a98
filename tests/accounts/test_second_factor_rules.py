"""The pure rules of second factors: reading codes, the TOTP step, no replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from telesecond.domain import second_factor as rules

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)


def code(offset_steps: int) -> str:
    return pyotp.TOTP(SECRET).at(NOW + timedelta(seconds=30 * offset_steps))


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("123456", "123456"),
        (" 123 456 ", "123456"),
        ("123-456", "123456"),
        ("ABCDE-FGHIJ", "abcdefghij"),
        ("", ""),
        (None, ""),
        ("1" * 65, ""),
    ],
)
def test_codes_are_read_without_spaces_and_hyphens(typed, read):
    assert rules.normalize_code(typed) == read


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_one_step_of_drift_is_forgiven(offset, accepted):
    step = rules.matching_step(SECRET, code(offset), at=NOW, last_used_step=None)
    assert (step == rules.time_step(NOW) + offset) if accepted else step is None


def test_a_step_already_used_is_never_accepted_again():
    now_step = rules.time_step(NOW)
    assert rules.matching_step(SECRET, code(0), at=NOW, last_used_step=now_step) is None
    assert rules.matching_step(SECRET, code(-1), at=NOW, last_used_step=now_step) is None
    assert rules.matching_step(SECRET, code(1), at=NOW, last_used_step=now_step) == now_step + 1


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", "12345a"])
def test_only_six_digits_are_a_totp_code(typed):
    assert rules.matching_step(SECRET, typed, at=NOW, last_used_step=None) is None


@given(last=st.one_of(st.none(), st.integers(min_value=0, max_value=2**40)))
def test_candidate_steps_are_near_now_and_after_the_last_used(last):
    now_step = rules.time_step(NOW)
    steps = rules.candidate_steps(NOW, last)
    assert all(abs(s - now_step) <= rules.TOTP_DRIFT_STEPS for s in steps)
    assert all(last is None or s > last for s in steps)
    assert steps == sorted(steps, key=lambda s: abs(s - now_step))


def test_recovery_codes_are_random_and_read_back_as_typed():
    codes = {rules.new_recovery_code() for _ in range(200)}
    assert len(codes) == 200
    for c in codes:
        shown = rules.display_recovery_code(c)
        assert len(shown) == 11 and shown[5] == "-"
        assert rules.looks_like_recovery_code(rules.normalize_code(shown.upper()))
        assert not rules.looks_like_totp(c)


def test_the_secret_is_grouped_for_typing():
    assert rules.group_secret("ABCDEFGHIJ") == "ABCD EFGH IJ"
    assert len(rules.new_totp_secret()) == 32
