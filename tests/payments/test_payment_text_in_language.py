"""The payment panel and the "booking not completed" email in the patient's language."""

from __future__ import annotations

from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Payment
from telesecond.services.maintenance import run_maintenance
from tests.payments.test_checkout import book, webhook
from tests.web_forms import csrf_token, login


def test_a_spanish_patient_reads_the_panel_and_the_lapse_email_in_spanish(
    pay_app, doctor, make_account, auth_header, fake_stripe, smtp_server, clock
):
    patient = make_account(email="paciente@example.org", language="es")
    body = book(pay_app.test_client(), auth_header(patient), doctor.id).json
    browser = pay_app.test_client()
    login(browser, patient)
    page = browser.get(f"/consultations/{body['id']}").text
    assert '<h2 id="payment-title" class="card-title">Pago</h2>' in page
    assert '<dd id="payment-status">Pendiente de pago</dd>' in page
    assert "Su hora está reservada hasta el" in page
    assert "Pagar EUR 200.00 ahora" in page

    clock.advance(minutes=30)
    run_maintenance(clock())
    [mail] = smtp_server.wait_for(1)
    assert mail["Subject"] == "Su reserva en telesecond no se completó"
    text = mail.get_body(("plain",)).get_content()
    assert "Hola, " in text
    assert "el pago no llegó a tiempo. La hora quedó libre y no se cobró nada." in text
    assert "Puede elegir de nuevo una hora aquí:" in text
    html = mail.get_body(("html",)).get_content()
    assert '<html lang="es">' in html
    assert "Elija de nuevo una hora</a>" in html

    after = browser.get(f"/consultations/{body['id']}").text
    assert '<dd id="payment-status">No se pagó a tiempo</dd>' in after
    assert "El pago no se completó" in after


def test_an_admin_who_reads_spanish_refunds_by_hand_in_spanish(
    pay_app, doctor, make_account, auth_header, fake_stripe
):
    patient = make_account(email="pagado@example.org")
    book(pay_app.test_client(), auth_header(patient), doctor.id)
    [session] = fake_stripe.sessions.values()
    webhook(pay_app.test_client(), *fake_stripe.pay(session["id"]))
    payment = db.session.scalar(select(Payment))
    console = pay_app.test_client()
    login(console, make_account(role="admin", language="es"))

    listing = console.get("/admin/payments").text
    assert '<div lang="en">' not in listing and "1 pago" in listing and ">Pagado<" in listing
    page = console.get(f"/admin/payments/{payment.id}")
    assert page.status_code == 200
    assert '<div lang="en">' not in page.text
    assert "<h1>Pago " in page.text and "Reembolso manual" in page.text
    refused = console.post(
        f"/admin/payments/{payment.id}/refund",
        data={"amount": "250.00", "reason": " ", "csrf_token": csrf_token(page.text)},
    )
    assert refused.status_code == 422
    assert "No se ha hecho el reembolso" in refused.text
    assert "Indique por qué se devuelve el dinero" in refused.text
    assert "como máximo EUR 200.00" in refused.text
