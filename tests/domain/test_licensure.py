"""The licensure rules: exact regions, the UTC expiry day, warnings, admin input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telesecond.domain.licensure import (
    Cover,
    LicenceInput,
    Problem,
    check_licence,
    covers,
    is_current,
    lapses_at,
    warning_due,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DE = Cover("DE", date(2026, 6, 30))


@pytest.mark.parametrize(
    ("until", "covered"),
    [
        (datetime(2026, 6, 30, 23, 59, tzinfo=UTC), True),
        (datetime(2026, 7, 1, 0, 0, tzinfo=UTC), True),  # ends exactly at the lapse
        (datetime(2026, 7, 1, 0, 1, tzinfo=UTC), False),
        (datetime(2026, 7, 2, 10, 0, tzinfo=UTC), False),
    ],
)
def test_a_licence_covers_through_its_last_utc_day(until, covered):
    assert covers([DE], "DE", until=until) is covered


def test_the_last_day_is_read_in_utc_not_local_time():
    # 01:30 in Berlin on 1 July is still 30 June in UTC: covered.
    berlin_night = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert covers([DE], "DE", until=berlin_night)
    assert lapses_at(date(2026, 6, 30)) == datetime(2026, 7, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("held", "asked", "covered"),
    [("US", "US-CA", False), ("US-CA", "US", False), ("US-CA", "US-CA", True), ("DE", "AT", False)],
)
def test_regions_match_exactly(held, asked, covered):
    assert covers([Cover(held, date(2030, 1, 1))], asked, until=NOW) is covered


def test_current_on_the_expiry_day_and_not_the_day_after():
    assert is_current(date(2026, 3, 2), NOW)
    assert is_current(date(2026, 3, 2), datetime(2026, 3, 2, 23, 59, 59, tzinfo=UTC))
    assert not is_current(date(2026, 3, 2), datetime(2026, 3, 3, 0, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("expires_on", "warned", "due"),
    [
        (date(2026, 4, 1), False, True),  # 30 days ahead
        (date(2026, 4, 2), False, False),  # 31 days ahead
        (date(2026, 3, 2), False, True),  # today is the last day
        (date(2026, 3, 1), False, False),  # already lapsed
        (date(2026, 3, 20), True, False),  # sent once already
    ],
)
def test_the_expiry_warning_is_due_within_30_days_once(expires_on, warned, due):
    assert warning_due(expires_on, NOW, warned=warned) is due


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (LicenceInput("Germany", "1", "Board", "2027-01-01"), Problem("region")),
        (LicenceInput("XX", "1", "Board", "2027-01-01"), Problem("region")),
        (LicenceInput("US-", "1", "Board", "2027-01-01"), Problem("region")),
        (LicenceInput("DE", " ", "Board", "2027-01-01"), Problem("number_missing")),
        (LicenceInput("DE", "1", "", "2027-01-01"), Problem("issuer_missing")),
        (LicenceInput("DE", "1", "Board", "31/12/2027"), Problem("expires_format")),
        (LicenceInput("DE", "1", "Board", "2026-03-02"), Problem("expires_past")),
        (LicenceInput("DE", "1", "Board", "2020-01-01"), Problem("expires_past")),
        (LicenceInput("DE", "1" * 101, "Board", "2027-01-01"), Problem("number_long", 100)),
    ],
)
def test_bad_licence_input_is_refused_with_a_reason_code(entry, problem):
    checked, problems = check_licence(entry, NOW)
    assert checked is None
    assert problem in problems, problems


def test_good_licence_input_is_cleaned():
    checked, problems = check_licence(
        LicenceInput(" us-ca ", " A  123 ", "Medical  Board of California", "2027-12-31"), NOW
    )
    assert problems == []
    assert (checked.region, checked.number, checked.issuer, checked.expires_on) == (
        "US-CA",
        "A 123",
        "Medical Board of California",
        date(2027, 12, 31),
    )


@given(
    days=st.integers(min_value=-400, max_value=400),
    minutes=st.integers(min_value=0, max_value=24 * 60 * 3),
)
def test_covered_exactly_until_midnight_utc_after_expiry(days, minutes):
    expires_on = date(2026, 3, 2) + timedelta(days=days)
    until = NOW + timedelta(minutes=minutes)
    expected = until <= datetime.combine(
        expires_on + timedelta(days=1), datetime.min.time(), tzinfo=UTC
    )
    assert covers([Cover("DE", expires_on)], "DE", until=until) is expected
