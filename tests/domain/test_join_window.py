"""The video join window (telesecond.domain.join_window)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telesecond.domain.join_window import JoinWindow, join_window, window_state

START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


@pytest.mark.parametrize(
    ("opens", "grace", "expected"),
    [
        (
            15,
            30,
            (datetime(2026, 3, 3, 9, 45, tzinfo=UTC), datetime(2026, 3, 3, 11, 30, tzinfo=UTC)),
        ),
        (0, 0, (START, END)),
        (60, 5, (datetime(2026, 3, 3, 9, 0, tzinfo=UTC), datetime(2026, 3, 3, 11, 5, tzinfo=UTC))),
    ],
)
def test_window_opens_before_the_start_and_closes_after_the_end(opens, grace, expected):
    window = join_window(START, END, opens_minutes=opens, grace_minutes=grace)
    assert window == JoinWindow(*expected)
    assert (window.opens_at, window.closes_at) == expected


def test_the_window_is_immutable():
    window = join_window(START, END, opens_minutes=15, grace_minutes=30)
    with pytest.raises(AttributeError):
        window.opens_at = START  # type: ignore[misc]


@pytest.mark.parametrize(
    ("minutes", "state"),
    [
        (-16, "before"),
        (-15, "open"),  # the opening instant belongs to the window
        (0, "open"),
        (60 + 29, "open"),
        (60 + 30, "after"),  # the closing instant does not
        (60 * 24, "after"),
    ],
)
def test_window_edges(minutes, state):
    opens, closes = join_window(START, END, opens_minutes=15, grace_minutes=30)
    assert window_state(opens, closes, START + timedelta(minutes=minutes)) == state


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_exactly_the_instants_inside_are_open(seconds):
    opens, closes = join_window(START, END, opens_minutes=15, grace_minutes=30)
    now = START + timedelta(seconds=seconds)
    expected = "before" if now < opens else "after" if now >= closes else "open"
    assert window_state(opens, closes, now) == expected
