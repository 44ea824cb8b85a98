"""The payment panel and the "booking not completed" email in the patient's language."""

from __future__ import annotations

from telesecond.services.maintenance import run_maintenance
from tests.payments.test_checkout import book
from tests.web_forms import login


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
