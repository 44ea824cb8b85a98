"""Retry-After in both its forms, and the token bucket's spacing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telesecond.domain.throttling import MAX_RETRY_AFTER, TokenBucket, retry_after

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("120", timedelta(seconds=120)),
        (" 7 ", timedelta(seconds=7)),
        ("0", timedelta(0)),
        ("Mon, 02 Mar 2026 09:01:30 GMT", timedelta(seconds=90)),
        ("Mon, 02 Mar 2026 10:01:30 +0100", timedelta(seconds=90)),
        ("Mon, 02 Mar 2026 08:00:00 GMT", timedelta(0)),  # already past: no wait
        ("999999", MAX_RETRY_AFTER),  # capped
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(header, wait):
    assert retry_after(header, now=NOW) == wait


def test_a_bucket_spaces_takes_at_its_rate_after_the_burst():
    bucket = TokenBucket(rate=4, burst=2)
    waits = [bucket.take(10.0) for _ in range(5)]
    assert waits == [0.0, 0.0, 0.25, 0.5, 0.75]
    assert bucket.take(12.0) == 0.0  # refilled meanwhile


def test_a_bucket_refuses_a_rate_that_is_not_positive():
    with pytest.raises(ValueError):
        TokenBucket(rate=0)


@given(
    rate=st.floats(min_value=0.5, max_value=1000),
    gaps=st.lists(st.floats(min_value=0, max_value=2), min_size=1, max_size=60),
)
def test_takes_that_wait_their_answer_never_exceed_the_rate(rate, gaps):
    bucket = TokenBucket(rate=rate)
    now, sends = 100.0, []
    for gap in gaps:
        now += gap
        sends.append(now + bucket.take(now))
    for earlier, later in zip(sends, sends[1:], strict=False):
        assert later - earlier >= 1 / rate - 1e-9
