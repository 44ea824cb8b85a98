"""Dispatch passes with the frozen clock moved forward: real SMTP, real twilio client."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from telesecond.clock import utcnow
from telesecond.extensions import db
from telesecond.models import Reminder
from telesecond.services.consultations import booking
from telesecond.services.reminders import dispatch
from telesecond.services.reminders.dispatch import claim, dispatch_due_reminders
from tests.reminders.scenario import PHONE, local


def run_until(clock, end, smtp_server, fake_twilio, step=timedelta(minutes=30)):
    """Dispatch every ``step`` until ``end``; returns the clock times each message arrived."""
    arrivals: list[tuple[str, str, object]] = []
    while True:
        mails, texts = len(smtp_server.messages), len(fake_twilio.messages)
        dispatch_due_reminders(clock=utcnow)
        for message in smtp_server.messages[mails:]:
            arrivals.append(("email", message["To"], clock()))
        for message in fake_twilio.messages[texts:]:
            arrivals.append(("sms", message["to"], clock()))
        if clock() >= end:
            return arrivals
        clock.advance(seconds=step.total_seconds())


def when(arrivals, channel, address):
    return [at for kind, to, at in arrivals if kind == channel and address in to]


def test_each_message_goes_out_once_at_its_time(
    app, clock, sms_patient, book_consultation, smtp_server, fake_twilio, make_specialist
):
    specialist = make_specialist()
    start = local(2026, 3, 5, 11)  # Thursday, 10:00 UTC
    book_consultation(sms_patient, specialist, start=start)
    arrivals = run_until(clock, start + timedelta(hours=2), smtp_server, fake_twilio)

    booked = local(2026, 3, 2, 10)
    # Confirmation at once, then 72 h and 24 h before (each on the first pass after it).
    assert when(arrivals, "email", sms_patient.email) == [
        booked,
        start - timedelta(hours=72),
        start - timedelta(hours=24),
    ]
    # She chose SMS: the confirmation comes by text too (issue 19.6), then 24 h and 1 h.
    assert when(arrivals, "sms", PHONE) == [
        booked,
        start - timedelta(hours=24),
        start - timedelta(hours=1),
    ]
    # The specialist: the confirmation, then the morning agenda at 07:00 their time.
    assert when(arrivals, "email", specialist.email) == [booked, local(2026, 3, 5, 7)]
    sent = db.session.scalars(select(Reminder)).all()
    assert {r.status for r in sent} == {"sent"}
    assert all(r.provider_ref for r in sent)
    # A later pass finds nothing more to send.
    assert dispatch_due_reminders(clock=utcnow) == 0
    assert len(smtp_server.messages) == 5 and len(fake_twilio.messages) == 3
    assert "Reply STOP" in fake_twilio.messages[-1]["body"]


def test_reschedule_replans_and_old_times_never_fire(
    app, clock, sms_patient, book_consultation, smtp_server, fake_twilio, make_specialist
):
    specialist = make_specialist()
    old_start = local(2026, 3, 5, 11)
    c = book_consultation(sms_patient, specialist, start=old_start)
    new_start = local(2026, 3, 10, 14)
    booking.reschedule(sms_patient, c.id, new_start, now=clock(), cutoff_hours=24)
    arrivals = run_until(clock, new_start + timedelta(hours=1), smtp_server, fake_twilio)
    outcomes = sorted(
        (r.kind, r.channel, r.slot, r.status, r.last_error or "")
        for r in db.session.scalars(select(Reminder))
    )
    assert {o[3] for o in outcomes} <= {"sent", "cancelled", "skipped"}, outcomes

    now0 = local(2026, 3, 2, 10)
    # Confirmation and "moved" notice at once; then only the new times.
    assert when(arrivals, "email", sms_patient.email) == [
        now0,
        now0,
        new_start - timedelta(hours=72),
        new_start - timedelta(hours=24),
    ]
    # She chose SMS: the booking's confirmation comes by text too; the move's notice does
    # not, as it would be a second text that day (the caps).
    assert when(arrivals, "sms", PHONE) == [
        now0,
        new_start - timedelta(hours=24),
        new_start - timedelta(hours=1),
    ]
    # No agenda for the day the consultation left; one for the day it moved to.
    assert when(arrivals, "email", specialist.email) == [now0, now0, local(2026, 3, 10, 7)]


def test_cancel_stops_every_reminder(
    app, clock, sms_patient, book_consultation, smtp_server, fake_twilio, make_specialist
):
    specialist = make_specialist()
    start = local(2026, 3, 5, 11)
    c = book_consultation(sms_patient, specialist, start=start)
    dispatch_due_reminders(clock=utcnow)
    assert len(smtp_server.messages) == 2  # the two confirmations
    clock.advance(hours=1)
    booking.cancel(specialist, c.id, reason="", now=clock(), cutoff_hours=24)
    arrivals = run_until(clock, start + timedelta(hours=1), smtp_server, fake_twilio)

    # Only the two cancellation notices, at once; no reminder, no agenda. No cancellation
    # text either: the confirmation text already used the patient's one SMS that day.
    assert len(arrivals) == 2
    assert {kind for kind, _, _ in arrivals} == {"email"}
    assert any(sms_patient.email in to for _, to, _ in arrivals)
    assert any(specialist.email in to for _, to, _ in arrivals)
    assert {at for _, _, at in arrivals} == {local(2026, 3, 2, 11)}
    assert [m["body"].split(".")[0] for m in fake_twilio.messages] == [
        "telesecond: video call booked for Thu 5 Mar 11:00 CET"
    ]


def test_a_cancellation_on_a_later_day_goes_by_sms_too(
    app, clock, sms_patient, book_consultation, smtp_server, fake_twilio, make_specialist
):
    specialist = make_specialist()
    c = book_consultation(sms_patient, specialist, start=local(2026, 3, 6, 11))
    dispatch_due_reminders(clock=utcnow)
    clock.advance(hours=24)  # Tuesday: no text sent yet that day
    booking.cancel(specialist, c.id, reason="", now=clock(), cutoff_hours=24)
    dispatch_due_reminders(clock=utcnow)
    assert [m["body"].split(".")[0] for m in fake_twilio.messages_to(PHONE)] == [
        "telesecond: video call booked for Fri 6 Mar 11:00 CET",
        "telesecond: video call on Fri 6 Mar 11:00 CET cancelled",
    ]


def test_late_booking_gets_its_join_link_sms_at_once(
    app, clock, sms_patient, make_specialist, book_consultation, smtp_server, fake_twilio
):
    specialist = make_specialist(notice=0)
    clock.advance(minutes=30)
    # Starts in 30 minutes.
    c = book_consultation(sms_patient, specialist, start=local(2026, 3, 2, 11))
    dispatch_due_reminders(clock=utcnow)
    texts = fake_twilio.messages_to(PHONE)
    # One text: the confirmation, carrying the join link; no reminder in the same minute.
    assert len(texts) == 1
    assert "booked for" in texts[0]["body"]
    assert f"/consultations/{c.id}/join" in texts[0]["body"]
    # The text expires at Twilio before the start.
    assert 0 < texts[0]["validity_period"] <= 30 * 60
    assert dispatch_due_reminders(clock=utcnow) == 0


def test_started_consultation_reminder_is_skipped(
    app, clock, sms_patient, book_consultation, smtp_server, fake_twilio, make_specialist
):
    specialist = make_specialist()
    start = local(2026, 3, 5, 11)
    c = book_consultation(sms_patient, specialist, start=start)
    dispatch_due_reminders(clock=utcnow)  # confirmations
    clock.now = start + timedelta(minutes=5)  # the dispatcher was down until after the start
    dispatch_due_reminders(clock=utcnow)
    reminders = db.session.scalars(
        select(Reminder).where(Reminder.consultation_id == c.id, Reminder.kind == "reminder")
    ).all()
    assert {r.status for r in reminders} == {"skipped"}
    # The only text is the confirmation sent at booking; no reminder text after the start.
    assert ["booked for" in m["body"] for m in fake_twilio.messages] == [True]
    assert len(smtp_server.messages) == 2


def test_expired_lease_is_reclaimed_and_sent_once(
    app, clock, make_account, book_consultation, smtp_server, fake_twilio, make_specialist
):
    sms_patient = make_account(timezone="Europe/Berlin")  # email only: two rows
    specialist = make_specialist()
    book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 11))
    lease = timedelta(seconds=app.config["REMINDER_LEASE_SECONDS"])
    # A dispatcher claims both confirmations, then dies before sending.
    claimed = claim(clock(), limit=10, lease=lease, worker="dead-host:1")
    assert len(claimed) == 2
    assert dispatch_due_reminders(clock=utcnow) == 0  # the lease still holds
    assert smtp_server.messages == []

    clock.advance(seconds=lease.total_seconds() + 1)
    assert dispatch_due_reminders(clock=utcnow) == 2
    rows = db.session.scalars(select(Reminder).where(Reminder.id.in_(claimed))).all()
    # A claim that never sent is no attempt.
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert dispatch_due_reminders(clock=utcnow) == 0
    assert len(smtp_server.messages) == 2


def test_transient_sms_error_is_retried_later(
    app, clock, sms_patient, make_specialist, book_consultation, smtp_server, fake_twilio
):
    specialist = make_specialist(notice=0)
    clock.advance(minutes=30)
    book_consultation(sms_patient, specialist, start=local(2026, 3, 2, 11))
    fake_twilio.fail_next(status=429, code=20429)
    dispatch_due_reminders(clock=utcnow)
    assert fake_twilio.messages == []
    row = db.session.scalars(select(Reminder).where(Reminder.channel == "sms")).one()
    assert row.status == "pending" and row.due_at > clock()
    clock.now = row.due_at
    dispatch_due_reminders(clock=utcnow)
    assert len(fake_twilio.messages) == 1


def test_rows_claimed_by_dispatchers_that_die_before_sending_are_not_lost(
    app, clock, make_account, book_consultation, smtp_server, make_specialist
):
    sms_patient = make_account(timezone="Europe/Berlin")  # email only: two rows
    specialist = make_specialist()
    book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 11))
    lease = timedelta(minutes=2)
    for n in range(app.config["REMINDER_MAX_ATTEMPTS"] + 1):
        assert len(claim(clock(), limit=10, lease=lease, worker=f"crashed:{n}")) == 2
        clock.advance(seconds=lease.total_seconds() + 1)
    assert dispatch_due_reminders(clock=utcnow) == 2
    rows = db.session.scalars(select(Reminder).where(Reminder.kind == "confirmation")).all()
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert len(smtp_server.messages) == 2


def test_a_row_its_dispatcher_died_sending_is_unknown_and_not_sent_again(
    app, clock, make_account, book_consultation, smtp_server, make_specialist
):
    sms_patient = make_account(timezone="Europe/Berlin")  # email only: two rows
    specialist = make_specialist()
    book_consultation(sms_patient, specialist, start=local(2026, 3, 5, 11))
    lease = timedelta(minutes=2)
    ids = claim(clock(), limit=10, lease=lease, worker="crashed:1")
    # The dispatcher marked the first row and died during its send.
    first = db.session.get(Reminder, ids[0])
    assert dispatch._mark_sending(first, "crashed:1", clock())
    db.session.commit()
    clock.advance(seconds=lease.total_seconds() - 1)
    assert dispatch_due_reminders(clock=utcnow) == 0  # both leases still hold
    clock.advance(seconds=2)
    assert dispatch_due_reminders(clock=utcnow) == 1  # only the one never tried
    db.session.expire_all()
    rows = {r.id: r for r in db.session.scalars(select(Reminder).where(Reminder.id.in_(ids)))}
    assert (rows[ids[0]].status, rows[ids[0]].attempts) == ("unknown", 1)
    assert rows[ids[0]].last_error == dispatch.MAYBE_SENT
    assert (rows[ids[1]].status, rows[ids[1]].attempts) == ("sent", 1)
    assert len(smtp_server.messages) == 1
    clock.advance(minutes=10)  # long after every lease, before any other message is due
    assert dispatch_due_reminders(clock=utcnow) == 0
    assert len(smtp_server.messages) == 1
