"""A notice's SMS twin (domain.notices) and the catch-up reminder a confirmation replaces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from telesecond.domain.notices import after_quiet_hours, sms_notice_due
from telesecond.domain.reminders import (
    DEFAULT_OFFSETS,
    ExistingSms,
    PatientPrefs,
    ReminderPolicy,
    parse_offsets,
    plan_reminders,
)

POLICY = ReminderPolicy(parse_offsets(DEFAULT_OFFSETS))
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)


def at(*parts: int, zone: ZoneInfo = BERLIN, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=zone, fold=fold).astimezone(UTC)


def prefs(channels=("email", "sms"), sms_allowed: bool = True) -> PatientPrefs:
    return PatientPrefs("Europe/Berlin", frozenset(channels), sms_allowed)


# --- the catch-up reminder beside a confirmation -------------------------------------


def plan(start, booked, confirmed_on):
    return [
        (r.channel, r.due_at)
        for r in plan_reminders(
            start=start,
            booked_at=booked,
            policy=POLICY,
            prefs=prefs(),
            confirmed_on=frozenset(confirmed_on),
        )
    ]


START = at(2026, 3, 4, 11, 0)
BOOKED = START - 20 * H  # every email offset and the 24 h SMS have passed


@pytest.mark.parametrize(
    ("confirmed_on", "expected"),
    [
        # No confirmation this minute (a re-plan): the passed offsets' catch-ups stay.
        ((), [("email", BOOKED), ("sms", BOOKED), ("sms", START - H)]),
        # The email confirmation says when: no email catch-up; the SMS one stays.
        (("email",), [("sms", BOOKED), ("sms", START - H)]),
        (("email", "sms"), [("sms", START - H)]),
    ],
)
def test_catch_up_is_skipped_only_on_a_channel_confirmed_in_the_same_minute(confirmed_on, expected):
    assert plan(START, BOOKED, confirmed_on) == expected


@pytest.mark.parametrize("ahead", [24 * H, 24 * H + timedelta(seconds=59)])
def test_a_booking_exactly_a_reminder_ahead_gets_no_reminder_with_its_confirmation(ahead):
    """Booked 24 h (or 24 h and a few seconds) before the call: the 24 h reminder would
    go in the same minute as the confirmation, which already says when the call is."""
    booked = START - ahead
    assert plan(START, booked, ("email", "sms")) == [("sms", START - H)]


def test_reminders_still_due_later_are_kept_beside_a_confirmation():
    booked = START - 48 * H
    assert plan(START, booked, ("email", "sms")) == [
        ("email", START - 24 * H),
        ("sms", START - 24 * H),
        ("sms", START - H),
    ]


# --- the SMS twin ---------------------------------------------------------------------


def test_no_sms_notice_without_the_channel_or_the_right_to_text():
    now = at(2026, 3, 2, 10, 0)
    assert sms_notice_due("confirmation", now=now, policy=POLICY, prefs=prefs(("email",))) is None
    assert (
        sms_notice_due("confirmation", now=now, policy=POLICY, prefs=prefs(sms_allowed=False))
        is None
    )
    assert sms_notice_due("confirmation", now=now, policy=POLICY, prefs=prefs()) == now


@pytest.mark.parametrize("kind", ["rescheduled", "cancelled"])
def test_a_change_in_quiet_hours_waits_for_the_morning(kind):
    late = at(2026, 3, 2, 23, 30)
    assert sms_notice_due(kind, now=late, policy=POLICY, prefs=prefs()) == at(2026, 3, 3, 8, 0)
    early = at(2026, 3, 3, 6, 0)
    assert sms_notice_due(kind, now=early, policy=POLICY, prefs=prefs()) == at(2026, 3, 3, 8, 0)


def test_a_booking_confirmation_goes_at_once_even_at_night():
    late = at(2026, 3, 2, 23, 30)
    assert sms_notice_due("confirmation", now=late, policy=POLICY, prefs=prefs()) == late


@pytest.mark.parametrize(
    ("night", "morning"),
    [
        # Spring forward (29 March 2026 in Berlin): the night is an hour shorter.
        (at(2026, 3, 28, 23, 0), at(2026, 3, 29, 8, 0)),
        # Fall back (25 October 2026): 02:30 happens twice; the morning is still 08:00.
        (at(2026, 10, 25, 2, 30, fold=1), at(2026, 10, 25, 8, 0)),
    ],
)
def test_quiet_hours_end_at_local_eight_across_dst(night, morning):
    assert after_quiet_hours(night, BERLIN, POLICY) == morning
    assert morning.astimezone(BERLIN).hour == 8


def test_the_caps_count_the_notice_and_reminders_claim_first():
    now = at(2026, 3, 2, 10, 0)
    same_day = [ExistingSms(at(2026, 3, 2, 18, 0))]
    assert (
        sms_notice_due("confirmation", now=now, policy=POLICY, prefs=prefs(), other_sms=same_day)
        is None
    )
    week = [ExistingSms(at(2026, 3, d, 12, 0)) for d in (3, 4, 5)]
    assert (
        sms_notice_due("cancelled", now=now, policy=POLICY, prefs=prefs(), other_sms=week) is None
    )
    assert sms_notice_due("cancelled", now=now, policy=POLICY, prefs=prefs(), other_sms=week[:2])
