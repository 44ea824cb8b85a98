"""Outbox rows are written, re-planned and withdrawn in the booking's own transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Reminder, SpecialistAlert
from telesecond.services.consultations import booking
from telesecond.services.errors import Conflict
from telesecond.services.reminders import outbox
from tests.reminders.scenario import local


def rows(**where):
    query = select(Reminder).order_by(Reminder.due_at, Reminder.id)
    for name, value in where.items():
        query = query.where(getattr(Reminder, name) == value)
    return list(db.session.scalars(query))


def plan(consultation, recipient):
    return sorted(
        (r.kind, r.channel, r.due_at, r.status)
        for r in rows(consultation_id=consultation.id, recipient_id=recipient.id)
    )


def test_booking_writes_notices_reminders_and_agenda(
    app, clock, sms_patient, book_consultation, make_specialist
):
    specialist = make_specialist()
    start = local(2026, 3, 5, 11)  # Thursday 11:00 Berlin = 10:00 UTC
    c = book_consultation(sms_patient, specialist, start=start)

    assert plan(c, sms_patient) == [
        ("confirmation", "email", clock(), "pending"),
        ("confirmation", "sms", clock(), "pending"),  # she chose SMS (issue 19.6)
        ("reminder", "email", start - timedelta(hours=72), "pending"),
        ("reminder", "email", start - timedelta(hours=24), "pending"),
        ("reminder", "sms", start - timedelta(hours=24), "pending"),
        ("reminder", "sms", start - timedelta(hours=1), "pending"),
    ]
    assert plan(c, specialist) == [("confirmation", "email", clock(), "pending")]
    agenda = rows(kind="agenda", recipient_id=specialist.id)
    assert [(a.slot, a.due_at) for a in agenda] == [("2026-03-05", local(2026, 3, 5, 7))]


def test_reschedule_cancels_old_reminders_and_plans_new_ones(
    app, clock, sms_patient, book_consultation, make_specialist
):
    specialist = make_specialist()
    c = book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 11))
    new_start = local(2026, 3, 12, 14)
    booking.reschedule(sms_patient, c.id, new_start, now=clock(), cutoff_hours=24)

    mine = rows(consultation_id=c.id, recipient_id=sms_patient.id, kind="reminder")
    old = [r for r in mine if r.slot.startswith("s0-")]
    new = [r for r in mine if r.slot.startswith("s1-")]
    assert {r.status for r in old} == {"cancelled"}
    assert sorted((r.channel, r.due_at) for r in new) == [
        ("email", new_start - timedelta(hours=72)),
        ("email", new_start - timedelta(hours=24)),
        ("sms", new_start - timedelta(hours=24)),
        ("sms", new_start - timedelta(hours=1)),
    ]
    assert {r.status for r in new} == {"pending"}
    notices = rows(consultation_id=c.id, kind="rescheduled")
    # By email to both; no text: the booking's confirmation text used today's one SMS.
    assert sorted((r.recipient_id, r.channel) for r in notices) == sorted(
        [(sms_patient.id, "email"), (specialist.id, "email")]
    )
    agendas = rows(kind="agenda", recipient_id=specialist.id)
    assert [a.slot for a in agendas] == ["2026-03-05", "2026-03-12"]


def test_cancel_withdraws_pending_rows_and_queues_cancellation_notices(
    app, clock, sms_patient, book_consultation, make_specialist
):
    specialist = make_specialist()
    c = book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 11))
    booking.cancel(sms_patient, c.id, reason="", now=clock(), cutoff_hours=24)

    assert {r.status for r in rows(consultation_id=c.id, kind="reminder")} == {"cancelled"}
    assert {r.status for r in rows(consultation_id=c.id, kind="confirmation")} == {"cancelled"}
    notices = rows(consultation_id=c.id, kind="cancelled")
    # The confirmation text was withdrawn unsent, so the cancellation text fits the caps.
    assert sorted((r.recipient_id, r.channel, r.status) for r in notices) == sorted(
        [
            (sms_patient.id, "email", "pending"),
            (sms_patient.id, "sms", "pending"),
            (specialist.id, "email", "pending"),
        ]
    )


def test_sms_needs_consent_and_a_valid_number(
    app, clock, make_account, book_consultation, make_specialist
):
    specialist = make_specialist()
    no_consent = make_account(notify_by="email,sms", phone="+4915112345678")
    bad_number = make_account(notify_by="email,sms", phone="0151 1234", sms_consent_at=clock())
    opted_out = make_account(
        notify_by="email,sms",
        phone="+4915112345678",
        sms_consent_at=clock(),
        sms_opted_out_at=clock(),
    )
    for n, person in enumerate((no_consent, bad_number, opted_out)):
        c = book_consultation(person, specialist, start=local(2026, 3, 5, 10 + n))
        assert {r.channel for r in rows(consultation_id=c.id, recipient_id=person.id)} == {"email"}


def test_patient_sms_caps_count_their_other_consultations(
    app, clock, sms_patient, book_consultation, make_specialist
):
    specialist = make_specialist()
    first = book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 11))
    second = book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 15))
    sms_first = rows(consultation_id=first.id, channel="sms")
    sms_second = rows(consultation_id=second.id, channel="sms")
    # One SMS per local day: the second consultation's texts (its confirmation included)
    # fall on days already used.
    assert sorted(r.kind for r in sms_first) == ["confirmation", "reminder", "reminder"]
    assert sms_second == []


def test_late_booking_gets_its_confirmations_and_no_reminder_in_the_same_minute(
    app, clock, sms_patient, make_specialist, book_consultation
):
    specialist = make_specialist(notice=0)
    clock.advance(minutes=30)  # 10:30 Berlin
    # 30 minutes from now: every reminder time has passed.
    c = book_consultation(sms_patient, specialist, start=local(2026, 3, 2, 11))
    mine = rows(consultation_id=c.id, recipient_id=sms_patient.id)
    # The confirmations say when the call is; the catch-up reminders would repeat them.
    assert sorted((r.kind, r.channel, r.due_at) for r in mine) == [
        ("confirmation", "email", clock()),
        ("confirmation", "sms", clock()),
    ]


def test_late_change_of_channels_still_sends_the_last_reminder_at_once(
    app, clock, make_account, make_specialist, book_consultation
):
    # Re-planning sends no confirmation, so the catch-up reminder stays.
    patient = make_account(timezone="Europe/Berlin")
    specialist = make_specialist(notice=0)
    clock.advance(minutes=30)
    c = book_consultation(patient, specialist, start=local(2026, 3, 2, 11))
    assert rows(consultation_id=c.id, recipient_id=patient.id, kind="reminder") == []
    outbox.replan_upcoming(patient, now=clock())
    db.session.commit()
    planned = rows(consultation_id=c.id, recipient_id=patient.id, kind="reminder")
    assert [(r.channel, r.due_at) for r in planned] == [("email", clock())]


def test_a_refused_booking_leaves_no_outbox_rows(
    app, clock, make_account, book_consultation, make_specialist
):
    specialist = make_specialist()
    first, second = make_account(), make_account()
    book_consultation(first, specialist, start=local(2026, 3, 5, 11))
    with pytest.raises(Conflict):
        book_consultation(second, specialist, start=local(2026, 3, 5, 11))
    db.session.rollback()
    assert rows(recipient_id=second.id) == []
    assert len(rows(kind="confirmation")) == 2  # the first booking's two notices only


def test_profile_changes_replan_upcoming_reminders(
    app, client, clock, make_account, book_consultation, auth_header, make_specialist
):
    specialist = make_specialist()
    patient = make_account(timezone="Europe/Berlin", notify_by="email")
    c = book_consultation(patient, specialist, start=local(2026, 3, 5, 11))
    headers = auth_header(patient)
    sms = dict(consultation_id=c.id, recipient_id=patient.id, kind="reminder", channel="sms")
    assert rows(**sms) == []

    answer = client.patch(
        "/api/v1/me",
        json={"phone": "+4915112345678", "notify_by": ["email", "sms"], "sms_consent": True},
        headers=headers,
    )
    assert answer.status_code == 200, answer.get_json()
    db.session.expire_all()
    assert [r.status for r in rows(**sms)] == ["pending", "pending"]

    answer = client.patch("/api/v1/me", json={"sms_consent": False}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    db.session.expire_all()
    assert [r.status for r in rows(**sms)] == ["cancelled", "cancelled"]
    email = dict(consultation_id=c.id, recipient_id=patient.id, kind="reminder", channel="email")
    assert {r.status for r in rows(**email)} == {"pending"}


def test_one_agenda_per_day_rearmed_only_when_it_was_withdrawn(
    app, clock, make_account, book_consultation, make_specialist
):
    specialist = make_specialist()

    def agenda():
        db.session.expire_all()
        return [(a.id, a.status, a.attempts) for a in rows(kind="agenda", slot="2026-03-05")]

    book_consultation(make_account(), specialist, start=local(2026, 3, 5, 10))
    [(agenda_id, status, _)] = agenda()
    assert status == "pending"
    book_consultation(make_account(), specialist, start=local(2026, 3, 5, 11))
    assert agenda() == [(agenda_id, "pending", 0)]  # the same row, not a second one

    row = db.session.get(Reminder, agenda_id)
    row.status, row.attempts = "skipped", 1  # the dispatcher found the day emptied
    db.session.commit()
    book_consultation(make_account(), specialist, start=local(2026, 3, 5, 12))
    assert agenda() == [(agenda_id, "pending", 0)]  # armed again for the new consultation

    db.session.get(Reminder, agenda_id).status = "sent"
    db.session.commit()
    book_consultation(make_account(), specialist, start=local(2026, 3, 5, 13))
    assert agenda() == [(agenda_id, "sent", 0)]  # never sent twice


def test_specialist_alert_for_upcoming_and_new_bookings_until_opted_out(
    app, clock, sms_patient, book_consultation, make_specialist
):
    specialist = make_specialist()

    def alerts(consultation):
        db.session.expire_all()
        found = rows(consultation_id=consultation.id, recipient_id=specialist.id, kind="reminder")
        return [(r.channel, r.due_at, r.status) for r in found]

    before = book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 10))
    assert alerts(before) == []

    outbox.set_specialist_alert(specialist, "email", now=clock(), minutes_before=20)
    db.session.commit()
    expected = before.start - timedelta(minutes=20)
    assert alerts(before) == [("email", expected, "pending")]

    # Read with the locked row.
    after = book_consultation(sms_patient, specialist, start=local(2026, 3, 6, 10))
    assert alerts(after) == [("email", after.start - timedelta(minutes=20), "pending")]

    outbox.set_specialist_alert(specialist, None, now=clock())
    db.session.commit()
    assert db.session.get(SpecialistAlert, specialist.id) is None
    assert alerts(before) == [("email", expected, "cancelled")]
    later = book_consultation(sms_patient, specialist, start=local(2026, 3, 9, 10))
    assert alerts(later) == []


def test_specialist_sms_alert_falls_back_to_email_without_a_number(
    app, clock, sms_patient, book_consultation, make_specialist
):
    specialist = make_specialist()
    assert specialist.phone is None
    outbox.set_specialist_alert(specialist, "sms", now=clock())
    db.session.commit()
    c = book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 10))
    found = rows(consultation_id=c.id, recipient_id=specialist.id, kind="reminder")
    assert [(r.channel, r.due_at) for r in found] == [("email", c.start - timedelta(minutes=15))]
