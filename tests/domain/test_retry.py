"""Retry backoff (telesecond.domain.retry)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telesecond.domain.retry import backoff

S = timedelta(seconds=1)
MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("attempts", "first", "cap", "expected"),
    [
        # the reminder dispatcher's policy: 1 min doubling, at most 1 h
        (-3, MIN, 60 * MIN, MIN),
        (0, MIN, 60 * MIN, MIN),
        (1, MIN, 60 * MIN, MIN),
        (2, MIN, 60 * MIN, 2 * MIN),
        (4, MIN, 60 * MIN, 8 * MIN),
        (6, MIN, 60 * MIN, 32 * MIN),
        (7, MIN, 60 * MIN, 60 * MIN),
        (10_000, MIN, 60 * MIN, 60 * MIN),
        # the video provider's policy: 30 s doubling, at most 15 min
        (1, 30 * S, 15 * MIN, 30 * S),
        (2, 30 * S, 15 * MIN, MIN),
        (5, 30 * S, 15 * MIN, 8 * MIN),
        (6, 30 * S, 15 * MIN, 15 * MIN),
        (10**9, 30 * S, 15 * MIN, 15 * MIN),
        # no cap: keeps doubling
        (1, 30 * S, None, 30 * S),
        (8, 30 * S, None, 30 * S * 128),
    ],
)
def test_backoff(attempts, first, cap, expected):
    assert backoff(attempts, first=first, cap=cap) == expected


@given(st.integers(min_value=1, max_value=500))
def test_capped_backoff_never_shrinks_and_never_passes_the_cap(attempts):
    wait = backoff(attempts, first=30 * S, cap=15 * MIN)
    assert 30 * S <= wait <= 15 * MIN
    assert backoff(attempts + 1, first=30 * S, cap=15 * MIN) >= wait
