"""The patient's consultation page shows the payment as the API does."""

from __future__ import annotations

from telesecond.services.maintenance import run_maintenance
from tests.payments.test_checkout import book
from tests.web_forms import login


def test_the_consultation_page_follows_the_payment(
    pay_app, doctor, make_account, auth_header, fake_stripe, clock
):
    patient = make_account()
    body = book(pay_app.test_client(), auth_header(patient), doctor.id).json
    browser = pay_app.test_client()
    login(browser, patient)
    page = browser.get(f"/consultations/{body['id']}").text
    assert 'id="payment-status">Awaiting payment<' in page
    assert body["payment"]["checkout_url"] in page
    assert "Join the video call" not in page
    assert "Booked, awaiting payment" in page  # the history

    # The specialist sees the state but gets no payment link.
    specialist = pay_app.test_client()
    login(specialist, doctor)
    seen = specialist.get(f"/consultations/{body['id']}").text
    assert "Awaiting payment" in seen and body["payment"]["checkout_url"] not in seen

    clock.advance(minutes=30)
    run_maintenance(clock())
    page = browser.get(f"/consultations/{body['id']}").text
    assert 'id="payment-status">Not paid in time<' in page
    assert "the time was released and nothing was charged" in page
    assert body["payment"]["checkout_url"] not in page


def test_without_payments_the_page_has_no_payment_panel(
    app, make_specialist, make_account, auth_header
):
    doctor = make_specialist(timezone="UTC", weekly=[(d, 0, 1440) for d in range(7)])
    patient = make_account()
    body = book(app.test_client(), auth_header(patient), doctor.id).json
    browser = app.test_client()
    login(browser, patient)
    page = browser.get(f"/consultations/{body['id']}").text
    assert 'id="payment"' not in page and "Join opens at" in page


def test_the_booking_form_says_so_when_the_payment_page_cannot_open(
    pay_app, doctor, make_account, fake_stripe
):
    from tests.consultations.test_booking_pages import send_intake

    browser = pay_app.test_client()
    login(browser, make_account())
    slot = "2026-03-03T09:00:00Z"
    page = browser.get(f"/book/{doctor.id}?start={slot}").text
    for _ in range(3):  # the call and the library's two retries
        fake_stripe.fail_next(503)
    refused = send_intake(browser, page, doctor.id)
    assert refused.status_code == 503
    assert "The payment page could not be opened" in refused.text
    assert "nothing was charged" in refused.text
    again = send_intake(browser, browser.get(f"/book/{doctor.id}?start={slot}").text, doctor.id)
    assert again.status_code == 302  # the time was free again; now it is held for payment
    assert again.headers["Location"].endswith("#payment")
