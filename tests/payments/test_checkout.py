"""Booking with payment: held while paying, confirmed by Stripe's signed webhook, once."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from telesecond.extensions import db
from telesecond.models import Consultation, Payment, Reminder, VideoRoom
from telesecond.services.maintenance import run_maintenance
from tests.consultations.booking_requests import BODY
from tests.payments.conftest import FEE_CENTS
from tests.support.fake_stripe import sign

# The clock stands at Monday 2026-03-02 09:00 UTC; the doctor is open around the clock.
START = "2026-03-05T10:00:00Z"


def book(client, headers, specialist_id, start=START):
    return client.post(
        "/api/v1/consultations",
        headers=headers,
        json={**BODY, "specialist_id": specialist_id, "start": start},
    )


def consultation(client, headers, consultation_id):
    return client.get(f"/api/v1/consultations/{consultation_id}", headers=headers).json


def webhook(client, payload, headers):
    return client.post("/webhooks/stripe", data=payload, headers=headers)


def test_a_paid_booking_is_confirmed_only_by_the_webhook(
    pay_app, doctor, make_account, auth_header, fake_stripe
):
    client = pay_app.test_client()
    headers = auth_header(make_account())
    answer = book(client, headers, doctor.id)
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["status"] == "awaiting_payment"
    payment = body["payment"]
    assert payment["status"] == "awaiting_payment"
    assert (payment["amount_cents"], payment["currency"]) == (FEE_CENTS, "EUR")
    assert payment["checkout_url"].startswith(fake_stripe.base_url + "/pay/cs_test_")
    assert payment["expires_at"] == "2026-03-02T09:30:00Z"  # PAYMENT_HOLD_MINUTES = 30
    # Stripe got one Checkout Session, with an idempotency key, our amount and reference.
    [call] = [c for c in fake_stripe.calls if c.path == "/v1/checkout/sessions"]
    assert call.idempotency_key
    [session] = fake_stripe.sessions.values()
    assert session["amount_total"] == FEE_CENTS and session["currency"] == "eur"
    assert "Oncology" not in session["product_name"] and "carcinoma" not in json.dumps(session)
    # Nothing follows a booking that is not paid yet: no invite, reminder or room.
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0
    assert db.session.scalar(select(func.count()).select_from(VideoRoom)) == 0

    outcome = webhook(client, *fake_stripe.pay(session["id"]))
    assert outcome.status_code == 200 and outcome.json["outcome"] == "confirmed"

    after = consultation(client, headers, body["id"])
    assert after["status"] == "confirmed"
    assert after["payment"]["status"] == "paid"
    assert after["payment"]["checkout_url"] is None
    assert after["payment"]["paid_at"] == "2026-03-02T09:00:00Z"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Reminder)) > 0
    assert db.session.scalar(select(func.count()).select_from(VideoRoom)) == 1
    stored = db.session.scalar(select(Payment))
    assert stored.payment_intent_id in fake_stripe.intents  # for the receipt and refunds


def test_a_duplicated_webhook_is_acted_on_once(
    pay_app, doctor, make_account, auth_header, fake_stripe
):
    client = pay_app.test_client()
    headers = auth_header(make_account())
    body = book(client, headers, doctor.id).json
    [session] = fake_stripe.sessions.values()
    payload, signed = fake_stripe.pay(session["id"])
    assert webhook(client, payload, signed).json["outcome"] == "confirmed"
    again = webhook(client, payload, signed)
    assert again.status_code == 200 and again.json["outcome"] == "duplicate"
    # Re-signed later (Stripe's retries carry a new timestamp): still the same event.
    resigned = {**signed, "Stripe-Signature": sign(payload, fake_stripe.webhook_secret)}
    assert webhook(client, payload, resigned).json["outcome"] == "duplicate"
    db.session.expire_all()
    booked = db.session.get(Consultation, body["id"])
    assert [e.kind for e in booked.events] == ["awaiting_payment", "booked"]
    assert db.session.scalar(select(func.count()).select_from(VideoRoom)) == 1


def test_a_forged_webhook_is_refused_and_changes_nothing(
    pay_app, doctor, make_account, auth_header, fake_stripe
):
    client = pay_app.test_client()
    headers = auth_header(make_account())
    body = book(client, headers, doctor.id).json
    [session] = fake_stripe.sessions.values()
    payload, signed = fake_stripe.pay(session["id"])
    forged = {**signed, "Stripe-Signature": sign(payload, "whsec_not_the_clinics_secret")}
    assert webhook(client, payload, forged).status_code == 403
    unsigned = {"Content-Type": "application/json"}
    assert webhook(client, payload, unsigned).status_code == 403
    tampered = payload.replace(b'"paid"', b'"paid" ')
    assert webhook(client, tampered, signed).status_code == 403
    after = consultation(client, headers, body["id"])
    assert after["status"] == "awaiting_payment"
    assert after["payment"]["status"] == "awaiting_payment"


def test_an_unpaid_booking_lapses_frees_the_slot_and_the_patient_is_told(
    pay_app, doctor, make_account, auth_header, fake_stripe, smtp_server, clock
):
    client = pay_app.test_client()
    patient = make_account(email="late.payer@example.org")
    headers = auth_header(patient)
    body = book(client, headers, doctor.id).json
    [session] = fake_stripe.sessions.values()

    clock.advance(minutes=29)
    run_maintenance(clock())
    assert consultation(client, headers, body["id"])["status"] == "awaiting_payment"

    clock.advance(minutes=1)
    run_maintenance(clock())  # the reminder process's pass
    after = consultation(client, headers, body["id"])
    assert after["status"] == "cancelled"
    assert after["payment"]["status"] == "lapsed"
    assert after["payment"]["checkout_url"] is None
    assert fake_stripe.sessions[session["id"]]["status"] == "expired"  # cannot be paid now
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ("late.payer@example.org",)
    assert mail["Subject"] == "Your telesecond booking was not completed"
    text = mail.get_body(("plain",)).get_content()
    assert "was not received in time" in text and "nothing was charged" in text
    assert "carcinoma" not in text

    # The time is free again: another patient books it.
    other = book(client, auth_header(make_account()), doctor.id)
    assert other.status_code == 201, other.json


def test_with_payments_off_booking_is_confirmed_at_once(
    app, make_specialist, make_account, auth_header, fake_stripe
):
    doctor = make_specialist(timezone="UTC", weekly=[(d, 0, 1440) for d in range(7)])
    client = app.test_client()
    answer = book(client, auth_header(make_account()), doctor.id)
    assert answer.status_code == 201
    assert answer.json["status"] == "confirmed"
    assert answer.json["payment"] == {
        "status": "not_required",
        "amount_cents": None,
        "currency": None,
        "refunded_cents": 0,
        "checkout_url": None,
        "expires_at": None,
        "receipt_url": None,
        "paid_at": None,
        "refunds": [],
    }
    assert fake_stripe.calls == []
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_checkout_that_cannot_open_frees_the_slot(
    pay_app, doctor, make_account, auth_header, fake_stripe
):
    client = pay_app.test_client()
    headers = auth_header(make_account())
    fake_stripe.fail_next(500)
    fake_stripe.fail_next(500)
    fake_stripe.fail_next(500)  # the library retries twice, with the same idempotency key
    answer = book(client, headers, doctor.id)
    assert answer.status_code == 503
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "nothing was charged" in answer.json["detail"]
    keys = {c.idempotency_key for c in fake_stripe.calls}
    assert len(keys) == 1 and None not in keys
    assert book(client, headers, doctor.id).status_code == 201  # the slot is free again


def test_a_failed_or_expired_checkout_by_webhook_frees_the_slot_and_tells_the_patient(
    pay_app, doctor, make_account, auth_header, fake_stripe, smtp_server
):
    client = pay_app.test_client()
    first = auth_header(make_account(email="declined@example.org"))
    body = book(client, first, doctor.id).json
    [session] = fake_stripe.sessions.values()
    fake_stripe.sessions[session["id"]]["payment_status"] = "unpaid"
    failed = webhook(
        client, *fake_stripe.event("checkout.session.async_payment_failed", session["id"])
    )
    assert failed.json["outcome"] == "released"
    after = consultation(client, first, body["id"])
    assert (after["status"], after["payment"]["status"]) == ("cancelled", "failed")
    [mail] = smtp_server.wait_for(1)
    assert "the payment did not go through" in mail.get_body(("plain",)).get_content()

    second = auth_header(make_account())
    body = book(client, second, doctor.id).json
    session = list(fake_stripe.sessions.values())[-1]  # the newest
    fake_stripe.sessions[session["id"]]["status"] = "expired"
    expired = webhook(client, *fake_stripe.event("checkout.session.expired", session["id"]))
    assert expired.json["outcome"] == "released"
    assert consultation(client, second, body["id"])["payment"]["status"] == "lapsed"
    # An expiry that comes after the payment was confirmed changes nothing.
    third = auth_header(make_account())
    body = book(client, third, doctor.id).json
    session = list(fake_stripe.sessions.values())[-1]  # the newest
    assert webhook(client, *fake_stripe.pay(session["id"])).json["outcome"] == "confirmed"
    late = webhook(client, *fake_stripe.event("checkout.session.expired", session["id"]))
    assert late.json["outcome"] == "ignored"
    assert consultation(client, third, body["id"])["status"] == "confirmed"
