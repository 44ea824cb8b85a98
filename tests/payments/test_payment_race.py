"""Two patients race for one slot while paying: one booking, the other never charged or
refunded in full; never two bookings (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import requests
from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import Consultation
from telesecond.services.maintenance import run_maintenance
from tests.consultations.booking_requests import BODY
from tests.payments.conftest import FEE_CENTS
from tests.payments.test_checkout import book, webhook

START = "2026-03-05T10:00:00Z"


def active_at_start() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(Consultation).where(Consultation.status != "cancelled")
    )


def test_two_patients_press_book_at_once_only_one_reaches_the_payment_page(
    pay_app, doctor, make_account, auth_header, fake_stripe, live_server_factory
):
    server = live_server_factory(pay_app)
    headers = [auth_header(make_account()) for _ in range(2)]
    body = {**BODY, "specialist_id": doctor.id, "start": START}  # read here, not in threads
    barrier = threading.Barrier(2)
    results: list[requests.Response | None] = [None, None]

    def patient(i: int) -> None:
        with requests.Session() as session:
            barrier.wait()
            results[i] = session.post(
                f"{server.url}/api/v1/consultations",
                json=body,
                headers=headers[i],
                timeout=60,
            )

    threads = [threading.Thread(target=patient, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)  # type: ignore[union-attr]
    assert codes == [201, 409], [r.text for r in results]  # type: ignore[union-attr]
    winner = next(r for r in results if r.status_code == 201)  # type: ignore[union-attr]
    assert winner.json()["status"] == "awaiting_payment"
    assert len(fake_stripe.sessions) == 1  # the loser was never sent to pay
    assert active_at_start() == 1


def test_a_payment_that_arrives_after_its_slot_went_back_is_refunded_in_full(
    pay_app, doctor, make_account, auth_header, fake_stripe, clock
):
    client = pay_app.test_client()
    first = auth_header(make_account())
    second = auth_header(make_account())
    assert book(client, first, doctor.id, START).status_code == 201
    # While the first patient pays, the slot is theirs: the second cannot even start.
    taken = book(client, second, doctor.id, START)
    assert taken.status_code == 409
    assert len(fake_stripe.sessions) == 1

    # The first patient pays at the very last moment; Stripe's event is slow to arrive.
    [late_session] = fake_stripe.sessions.values()
    late_event = fake_stripe.pay(late_session["id"])
    clock.advance(minutes=30)
    run_maintenance(clock())  # the hold lapsed: the slot goes back
    assert active_at_start() == 0

    # The second patient books the freed slot and pays.
    assert book(client, second, doctor.id, START).status_code == 201
    second_session = next(s for s in fake_stripe.sessions.values() if s["status"] == "open")
    assert webhook(client, *fake_stripe.pay(second_session["id"])).json["outcome"] == "confirmed"

    # The first patient's payment finally arrives: refunded in full, no second booking.
    assert webhook(client, *late_event).json["outcome"] == "refunded"
    [refund] = fake_stripe.refunds_of(late_session["payment_intent"])
    assert refund["amount"] == FEE_CENTS
    assert fake_stripe.refunds_of(second_session["payment_intent"]) == []
    assert active_at_start() == 1
    statuses = sorted((c.status, c.patient_id) for c in db.session.scalars(select(Consultation)))
    assert [s for s, _ in statuses] == ["cancelled", "confirmed"]
