"""PostgreSQL lock modes: bookings of one specialist share its lock; changes wait."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from telesecond.clock import utcnow
from telesecond.db.locks import lock_and_read, lock_specialist
from telesecond.extensions import db
from telesecond.models import Account, SpecialistProfile
from telesecond.services.scheduling import specialists
from telesecond.services.scheduling.specialists import AvailabilityInput

pytestmark = pytest.mark.postgres_only


def _give_up_waiting_soon() -> None:
    db.session.execute(text("SET LOCAL lock_timeout = '300ms'"))


def test_bookings_run_side_by_side_and_a_change_of_rules_waits(app, make_specialist):
    doctor_id = make_specialist().id
    db.session.commit()
    with app.app_context():  # a booking in flight holds its lock until it commits
        assert lock_and_read(doctor_id) is not None
        with app.app_context():  # a second booking of the same specialist is not held up
            _give_up_waiting_soon()
            assert lock_and_read(doctor_id) is not None
            db.session.rollback()
        with app.app_context():  # a hold, reschedule or new rules wait for the booking
            _give_up_waiting_soon()
            with pytest.raises(OperationalError, match="lock timeout"):
                lock_specialist(doctor_id)
            db.session.rollback()
        db.session.rollback()
    with app.app_context():  # and once it is done, they go ahead
        _give_up_waiting_soon()
        lock_specialist(doctor_id)
        db.session.rollback()


def test_a_booking_waits_while_the_rules_change(app, make_specialist):
    doctor_id = make_specialist().id
    db.session.commit()
    with app.app_context():
        lock_specialist(doctor_id)  # new weekly hours being written
        with app.app_context():
            _give_up_waiting_soon()
            with pytest.raises(OperationalError, match="lock timeout"):
                lock_and_read(doctor_id)
            db.session.rollback()
        db.session.rollback()


def test_new_weekly_hours_wait_for_a_booking_in_flight(app, make_specialist):
    doctor_id = make_specialist().id
    db.session.commit()
    hours = AvailabilityInput(
        timezone="UTC",
        weekly=[(0, 540, 720)],
        consultation_minutes=30,
        buffer_minutes=0,
        min_notice_minutes=0,
        horizon_days=60,
    )
    with app.app_context():
        assert lock_and_read(doctor_id) is not None
        with app.app_context():
            _give_up_waiting_soon()
            with pytest.raises(OperationalError, match="lock timeout"):
                specialists.set_availability(
                    db.session.get(Account, doctor_id), hours, now=utcnow()
                )
            db.session.rollback()
        db.session.rollback()
    with app.app_context():  # the booking is done: the change goes through
        specialists.set_availability(db.session.get(Account, doctor_id), hours, now=utcnow())
        assert db.session.get(SpecialistProfile, doctor_id).consultation_minutes == 30
