"""Refunds: by REFUND_POLICY when the patient cancels, in full when the specialist does,
and by hand by an admin with an audited reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, Opinion, Payment
from tests.payments.conftest import FEE_CENTS
from tests.payments.test_checkout import book, consultation, webhook
from tests.web_forms import csrf_token, login

# Booked at Monday 09:00 UTC for Thursday 10:00 UTC: 73 hours ahead.
START = "2026-03-05T10:00:00Z"


@pytest.fixture
def paid(pay_app, doctor, make_account, auth_header, fake_stripe):
    """A consultation booked and paid by a patient; returns (client, headers, id, intent)."""
    client = pay_app.test_client()
    patient = make_account()
    headers = auth_header(patient, hours=24 * 10)
    body = book(client, headers, doctor.id, START).json
    [session] = fake_stripe.sessions.values()
    assert webhook(client, *fake_stripe.pay(session["id"])).json["outcome"] == "confirmed"
    return client, headers, body["id"], fake_stripe.sessions[session["id"]]["payment_intent"]


def cancel(client, headers, consultation_id):
    return client.post(
        f"/api/v1/consultations/{consultation_id}/cancel", headers=headers, json={"reason": ""}
    )


@pytest.mark.parametrize(
    ("hours_later", "status", "refunded"),
    [
        (0, "refunded", FEE_CENTS),  # 73 h before the start: full:24h
        (49, "refunded", FEE_CENTS),  # exactly 24 h before: still full
        (50, "partially_refunded", FEE_CENTS // 2),  # 23 h before: half:0h
    ],
)
def test_a_patients_cancellation_refunds_by_the_rule(
    paid, fake_stripe, clock, hours_later, status, refunded
):
    client, headers, consultation_id, intent = paid
    clock.advance(hours=hours_later)
    answer = cancel(client, headers, consultation_id)
    assert answer.status_code == 200, answer.json
    assert answer.json["payment"]["status"] == status
    assert answer.json["payment"]["refunded_cents"] == refunded
    [refund] = fake_stripe.refunds_of(intent)
    assert refund["amount"] == refunded
    [call] = [c for c in fake_stripe.calls if c.path == "/v1/refunds"]
    assert call.idempotency_key
    stored = db.session.scalar(select(Payment)).refunds
    assert [(r.status, r.reason) for r in stored] == [
        ("succeeded", "full:24h" if refunded == FEE_CENTS else "half:0h")
    ]


def test_no_refund_once_the_opinion_is_written(paid, fake_stripe, doctor, clock):
    client, headers, consultation_id, intent = paid
    db.session.add(
        Opinion(
            consultation_id=consultation_id,
            specialist_id=doctor.id,
            diagnosis_assessment="agree",
            summary="Written.",
            answers=[],
            created_at=clock(),
            updated_at=clock(),
        )
    )
    db.session.commit()
    answer = cancel(client, headers, consultation_id)
    assert answer.status_code == 200
    assert answer.json["status"] == "cancelled"
    assert answer.json["payment"]["status"] == "paid"
    assert answer.json["payment"]["refunded_cents"] == 0
    assert fake_stripe.refunds_of(intent) == []


def test_a_specialists_cancellation_refunds_in_full_even_late(
    paid, fake_stripe, doctor, auth_header, clock
):
    client, _, consultation_id, intent = paid
    clock.advance(hours=72)  # an hour before the start: a patient would get half
    answer = cancel(client, auth_header(doctor, hours=24 * 10), consultation_id)
    assert answer.status_code == 200, answer.json
    assert answer.json["payment"]["status"] == "refunded"
    [refund] = fake_stripe.refunds_of(intent)
    assert refund["amount"] == FEE_CENTS
    assert db.session.scalar(select(Payment)).refunds[0].reason == "cancelled_by_clinic"


def test_a_refund_stripe_could_not_take_is_sent_by_the_next_pass(paid, fake_stripe, clock):
    from telesecond.services.maintenance import run_maintenance

    client, headers, consultation_id, intent = paid
    for _ in range(3):  # the call and the library's two retries
        fake_stripe.fail_next(500)
    assert cancel(client, headers, consultation_id).status_code == 200
    assert fake_stripe.refunds_of(intent) == []
    refund = db.session.scalar(select(Payment)).refunds[0]
    assert refund.status == "pending" and "500" in refund.last_error
    run_maintenance(clock())
    [sent] = fake_stripe.refunds_of(intent)
    assert sent["amount"] == FEE_CENTS
    db.session.expire_all()
    assert db.session.scalar(select(Payment)).refunds[0].status == "succeeded"


def test_an_admin_refunds_by_hand_with_an_audited_reason(
    paid, pay_app, fake_stripe, make_account, auth_header
):
    client, headers, consultation_id, intent = paid
    admin = make_account(role="admin")
    console = pay_app.test_client()
    login(console, admin)
    payment = db.session.scalar(select(Payment))
    page = console.get(f"/admin/payments/{payment.id}")
    assert page.status_code == 200
    url = f"/admin/payments/{payment.id}/refund"

    # No reason: refused next to the field, nothing refunded.
    refused = console.post(
        url, data={"amount": "50", "reason": " ", "csrf_token": csrf_token(page.text)}
    )
    assert refused.status_code == 422
    assert "Say why the money is given back" in refused.text
    assert 'aria-invalid="true"' in refused.text
    too_much = console.post(
        url, data={"amount": "250.00", "reason": "Goodwill", "csrf_token": csrf_token(page.text)}
    )
    assert too_much.status_code == 422 and "at most EUR 200.00" in too_much.text
    assert fake_stripe.refunds_of(intent) == []

    done = console.post(
        url,
        data={
            "amount": "50.00",
            "reason": "Video dropped twice",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert done.status_code == 302
    [refund] = fake_stripe.refunds_of(intent)
    assert refund["amount"] == 5000
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "payment.refunded"))
    assert event.actor_id == admin.id
    assert event.target_id == str(payment.id) or event.target_id == payment.id
    assert event.detail["reason"] == "Video dropped twice"
    assert event.detail["amount_cents"] == 5000
    shown = consultation(client, headers, consultation_id)["payment"]
    assert (shown["status"], shown["refunded_cents"]) == ("partially_refunded", 5000)
    assert "Video dropped twice" in console.get(f"/admin/payments/{payment.id}").text


def test_only_admins_refund(paid, pay_app, make_account):
    payment = db.session.scalar(select(Payment))
    patient_client = pay_app.test_client()
    login(patient_client, make_account())
    token = csrf_token(patient_client.get("/specialists").text)  # the sign-out form's
    answer = patient_client.post(
        f"/admin/payments/{payment.id}/refund", data={"reason": "x", "csrf_token": token}
    )
    assert answer.status_code == 403
    assert db.session.scalar(select(Payment)).refunded_cents == 0
