"""Financial assistance carried through to the payment: an approved reduction is what
Stripe Checkout charges and what the receipt shows; a waiver books without Stripe."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AssistanceRequest, Payment
from tests.documents.pdf_reading import all_text, squeezed
from tests.fees.steps import ask, decide
from tests.payments.conftest import FEE_CENTS
from tests.payments.test_checkout import START, book, consultation, webhook


def test_an_approved_reduction_is_what_the_patient_pays_through_checkout(
    pay_app, doctor, make_account, auth_header, fake_stripe
):
    client = pay_app.test_client()
    patient = make_account(full_name="Nora Quill")
    mine = auth_header(patient)
    admin = auth_header(make_account(role="admin"))
    asked = ask(client, mine, doctor.id, kind="reduction", offered_cents=5000)
    assert asked.status_code == 201, asked.json
    decided = decide(client, admin, asked.json["id"], decision="approve", approved_cents=6000)
    assert decided.status_code == 200, decided.json

    booked = book(client, mine, doctor.id)
    assert booked.status_code == 201, booked.json
    body = booked.json
    assert body["status"] == "awaiting_payment"
    assert (body["payment"]["amount_cents"], body["payment"]["currency"]) == (6000, "EUR")
    # The Checkout Session Stripe holds charges the reduced amount, not the fee.
    [session] = fake_stripe.sessions.values()
    assert (session["amount_total"], session["currency"]) == (6000, "eur")
    assert body["payment"]["checkout_url"] == session["url"]
    db.session.expire_all()
    request = db.session.get(AssistanceRequest, asked.json["id"])
    assert request.used_by_id == body["id"]  # goes with this booking, not the next

    outcome = webhook(client, *fake_stripe.pay(session["id"]))
    assert outcome.status_code == 200 and outcome.json["outcome"] == "confirmed"
    after = consultation(client, mine, body["id"])
    assert after["status"] == "confirmed"
    assert (after["payment"]["status"], after["payment"]["amount_cents"]) == ("paid", 6000)
    [intent] = fake_stripe.intents.values()
    assert intent["amount_received"] == 6000

    receipt = client.get(f"/api/v1/consultations/{body['id']}/receipt.pdf", headers=mine)
    assert receipt.status_code == 200
    text = all_text(receipt.data)
    assert squeezed("Total paid") + squeezed("€60.00") in text
    assert squeezed("€200.00") not in text  # the fee itself was never charged

    # The next booking with this specialist pays the full fee again.
    again = book(client, mine, doctor.id, "2026-03-06T10:00:00Z")
    assert again.json["payment"]["amount_cents"] == FEE_CENTS


def test_a_waiver_books_at_once_without_stripe(
    pay_app, doctor, make_account, auth_header, fake_stripe
):
    client = pay_app.test_client()
    patient = make_account()
    mine = auth_header(patient)
    asked = ask(client, mine, doctor.id, kind="waiver")
    admin = auth_header(make_account(role="admin"))
    decided = decide(client, admin, asked.json["id"], decision="approve", approved_cents=0)
    assert decided.status_code == 200, decided.json

    booked = book(client, mine, doctor.id, START)
    assert booked.status_code == 201, booked.json
    assert booked.json["status"] == "confirmed"
    assert booked.json["payment"]["status"] == "not_required"
    assert booked.json["payment"]["receipt_url"] is None
    assert fake_stripe.calls == []  # Stripe was never asked for anything
    assert db.session.scalar(select(Payment)) is None
