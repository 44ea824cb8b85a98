"""Receipts: the itemised PDF and page of a payment and its refunds, for insurers."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, Payment
from tests.documents.pdf_reading import all_text, squeezed
from tests.payments.test_refunds import cancel, paid  # noqa: F401 (a fixture)


def test_a_paid_booking_has_a_receipt_with_its_items_and_refunds(paid, clock):  # noqa: F811
    client, headers, consultation_id, _ = paid
    payment = db.session.scalar(select(Payment))
    url = client.get(f"/api/v1/consultations/{consultation_id}", headers=headers).json["payment"][
        "receipt_url"
    ]
    assert url.endswith(f"/api/v1/consultations/{consultation_id}/receipt.pdf")
    receipt = client.get(url.removeprefix("http://localhost"), headers=headers)
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    text = all_text(receipt.data)
    assert squeezed(f"R{payment.id:06d}") in text
    assert squeezed(payment.specialist.full_name) in text
    assert squeezed(payment.patient.full_name) in text
    assert "Refund" not in text

    clock.advance(hours=50)  # 23 hours before the start: half back (full:24h,half:0h)
    assert cancel(client, headers, consultation_id).status_code == 200
    after = all_text(
        client.get(f"/api/v1/consultations/{consultation_id}/receipt.pdf", headers=headers).data
    )
    assert "Refund" in after
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "receipt.viewed"))
    assert len(list(reads)) == 2


def test_no_receipt_before_payment_or_for_strangers(
    pay_app, doctor, make_account, auth_header, fake_stripe
):
    from tests.payments.test_checkout import book

    client = pay_app.test_client()
    patient = make_account()
    headers = auth_header(patient)
    body = book(client, headers, doctor.id, "2026-03-05T10:00:00Z").json
    assert body["payment"]["receipt_url"] is None
    path = f"/api/v1/consultations/{body['id']}/receipt.pdf"
    assert client.get(path, headers=headers).status_code == 404
    assert client.get(path, headers=auth_header(make_account())).status_code == 404
