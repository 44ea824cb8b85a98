"""Receipts as a patient files them: each refund with its own receipt, diagnosis codes only
when the specialist adds them, and the whole receipt in the patient's language."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent, Payment
from tests.documents.pdf_reading import all_text, squeezed
from tests.payments.test_checkout import START, book, consultation, webhook
from tests.payments.test_refunds import cancel
from tests.web_forms import csrf_token, login


@pytest.fixture
def booked_and_paid(pay_app, doctor, make_account, auth_header, fake_stripe):
    """Book and pay as ``patient`` (made with ``fields``); returns (client, headers, id)."""

    def factory(**fields):
        client = pay_app.test_client()
        patient = make_account(full_name="Maria Keller", **fields)
        headers = auth_header(patient, hours=24 * 10)
        body = book(client, headers, doctor.id, START).json
        [session] = [s for s in fake_stripe.sessions.values() if s["status"] == "open"]
        assert webhook(client, *fake_stripe.pay(session["id"])).json["outcome"] == "confirmed"
        return client, headers, body["id"], patient

    return factory


def pdf_text(client, url, headers) -> str:
    answer = client.get(url.removeprefix("http://localhost"), headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.mimetype == "application/pdf"
    return all_text(answer.data)


def test_each_refund_has_its_own_receipt_from_the_api_and_the_page(
    booked_and_paid, pay_app, make_account, auth_header, clock
):
    client, headers, consultation_id, patient = booked_and_paid()
    assert consultation(client, headers, consultation_id)["payment"]["refunds"] == []
    clock.advance(hours=50)  # 23 hours before the start: half back (full:24h,half:0h)
    assert cancel(client, headers, consultation_id).status_code == 200

    payment = consultation(client, headers, consultation_id)["payment"]
    [refund] = payment["refunds"]
    assert refund["amount_cents"] == 10000 and refund["status"] == "succeeded"
    assert refund["refunded_at"] == "2026-03-04T11:00:00Z"
    assert refund["receipt_url"].endswith(
        f"/api/v1/consultations/{consultation_id}/refunds/{refund['id']}/receipt.pdf"
    )
    stored = db.session.scalar(select(Payment))
    text = pdf_text(client, refund["receipt_url"], headers)
    for shown in (
        f"Refund receipt Receipt number RF{refund['id']:06d}",
        f"A refund on the payment of receipt R{stored.id:06d}, paid on March 2, 2026.",
        "Patient Maria Keller",
        "Refund: Second-opinion video consultation, with a written opinion −€100.00",
        "Total refunded −€100.00",
        "Date of refund March 4, 2026",
        f"Original payment Receipt R{stored.id:06d}",
        "Reason You cancelled before the call started;",
        "under the clinic's refund rules 50% of the fee is refunded.",
    ):
        assert squeezed(shown) in text, shown
    assert "Totalpaid" not in text  # not the payment's receipt
    # The payment's own receipt still lists the payment and the refund against it.
    main = pdf_text(client, payment["receipt_url"], headers)
    assert squeezed("Total paid €100.00") in main

    # The consultation's page links the refund's receipt, which is also a page.
    login(client, patient)
    page = client.get(f"/consultations/{consultation_id}")
    link = f"/consultations/{consultation_id}/refunds/{refund['id']}/receipt"
    assert f'href="{link}"' in page.text and f'href="{link}.pdf"' in page.text
    html = client.get(link)
    assert html.status_code == 200 and "<h1" in html.text and "Refund receipt" in html.text
    assert "−€100.00" in html.text

    # Nobody else's, and no receipt for a refund that is not this consultation's.
    stranger = auth_header(make_account())
    assert client.get(refund["receipt_url"], headers=stranger).status_code == 404
    missing = f"/api/v1/consultations/{consultation_id}/refunds/{refund['id'] + 1}/receipt.pdf"
    assert client.get(missing, headers=headers).status_code == 404
    assert client.get(link + "x").status_code == 404
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "receipt.viewed"))
    assert sum(1 for e in reads if (e.detail or {}).get("refund_id") == refund["id"]) == 2


def test_the_openapi_document_describes_refund_receipts(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "get" in doc["paths"]["/consultations/{consultation_id}/refunds/{refund_id}/receipt.pdf"]
    payment = doc["components"]["schemas"]["Payment"]["properties"]
    assert payment["refunds"]["items"] == {"$ref": "#/components/schemas/PaymentRefund"}
    assert "receipt_url" in doc["components"]["schemas"]["PaymentRefund"]["properties"]


def test_diagnosis_codes_appear_only_once_the_specialist_adds_them(
    booked_and_paid, pay_app, doctor, caplog
):
    caplog.set_level(logging.DEBUG)
    client, headers, consultation_id, patient = booked_and_paid()
    receipt_url = f"/api/v1/consultations/{consultation_id}/receipt.pdf"
    assert "Diagnosiscodes" not in pdf_text(client, receipt_url, headers)

    specialist = pay_app.test_client()
    login(specialist, doctor)
    page = specialist.get(f"/consultations/{consultation_id}")
    assert "Diagnosis codes on the receipt" in page.text
    url = f"/consultations/{consultation_id}/diagnosis-codes"
    assert f'action="{url}"' in page.text
    token = csrf_token(page.text)

    refused = specialist.post(url, data={"diagnosis_codes": "C50.911, C5O-9", "csrf_token": token})
    assert refused.status_code == 422
    assert "“C5O-9” is not an ICD-10 code. Write codes like C50.911" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert 'value="C50.911, C5O-9"' in refused.text  # what was typed, to correct
    assert "Diagnosiscodes" not in pdf_text(client, receipt_url, headers)

    saved = specialist.post(url, data={"diagnosis_codes": "c50911; Z80.3", "csrf_token": token})
    assert saved.status_code == 302
    text = pdf_text(client, receipt_url, headers)
    assert squeezed("Total charged €200.00 Diagnosis codes C50.911 Z80.3") in text
    page = specialist.get(f"/consultations/{consultation_id}")
    assert 'value="C50.911, Z80.3"' in page.text

    # The patient sees them on the receipt page but cannot change them.
    login(client, patient)
    html = client.get(f"/consultations/{consultation_id}/receipt").text
    assert "C50.911" in html
    mine = client.get(f"/consultations/{consultation_id}")
    assert "Diagnosis codes on the receipt" not in mine.text
    forbidden = client.post(url, data={"diagnosis_codes": "", "csrf_token": csrf_token(mine.text)})
    assert forbidden.status_code == 403
    assert client.get(url).status_code == 403

    # Removing them leaves no diagnosis section at all.
    cleared = specialist.post(url, data={"diagnosis_codes": " ", "csrf_token": token})
    assert cleared.status_code == 302
    assert "Diagnosiscodes" not in pdf_text(client, receipt_url, headers)

    changes = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "receipt.diagnosis_codes_changed")
        )
    )
    assert [(e.actor_id, e.detail) for e in changes] == [
        (doctor.id, {"codes": 2, "before": 0}),
        (doctor.id, {"codes": 0, "before": 2}),
    ]
    assert "C50" not in caplog.text and "Z80" not in caplog.text


def test_a_spanish_patients_receipts_are_in_spanish(booked_and_paid, clock):
    client, headers, consultation_id, patient = booked_and_paid(language="es")
    text = pdf_text(client, f"/api/v1/consultations/{consultation_id}/receipt.pdf", headers)
    for shown in (
        "Recibo",
        "Conceptos facturados",
        "Consulta de segunda opinión por vídeo, con una opinión por escrito",
        "2 de marzo de 2026",
        "200,00 €",
        "Página 1 de 1",
    ):
        assert squeezed(shown) in text, shown
    assert "Itemscharged" not in text and "Page1of1" not in text

    clock.advance(hours=50)
    assert cancel(client, headers, consultation_id).status_code == 200
    [refund] = consultation(client, headers, consultation_id)["payment"]["refunds"]
    text = pdf_text(client, refund["receipt_url"], headers)
    assert squeezed("Recibo de reembolso") in text
    assert squeezed("−100,00 €") in text
    assert "Youcancelled" not in text and "Reason" not in text

    login(client, patient)
    page = client.get(f"/consultations/{consultation_id}/receipt")
    assert page.status_code == 200
    assert 'lang="es"' in page.text and "Conceptos facturados" in page.text
    assert '<div lang="en">' not in page.text  # the page is wholly translated


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (
            "full:24h",
            "You cancelled at least 24 hours before the call; under the clinic's "
            "refund rules 100% of the fee is refunded.",
        ),
        (
            "30%:12h",
            "You cancelled at least 12 hours before the call; under the clinic's "
            "refund rules 30% of the fee is refunded.",
        ),
        (
            "half:signed",
            "You cancelled after the written opinion was signed; under the clinic's "
            "refund rules 50% of the fee is refunded.",
        ),
        (
            "cancelled_by_clinic",
            "The specialist or the clinic cancelled the consultation: the fee is refunded in full.",
        ),
        (
            "paid_after_release",
            "The payment arrived after the booked time had been released: it is refunded in full.",
        ),
        ("Charged twice by mistake", "Refunded by the clinic: Charged twice by mistake"),
    ],
)
def test_a_refunds_reason_reads_as_plain_words(app, reason, words):
    from telesecond.services.payments.receipts import reason_in_words

    with app.test_request_context():
        assert reason_in_words(reason) == words


def test_a_hindi_patients_receipt_is_in_hindi(booked_and_paid):
    client, headers, consultation_id, _ = booked_and_paid(language="hi")
    text = pdf_text(client, f"/api/v1/consultations/{consultation_id}/receipt.pdf", headers)
    for shown in ("रसीद", "लगाए गए शुल्क", "कुल भुगतान", "पृष्ठ 1 / 1"):
        assert squeezed(shown) in text, shown
    assert "Itemscharged" not in text and "Totalpaid" not in text
