"""Receipts in Chromium at 320 px: the specialist adds diagnosis codes from the keyboard
(a wrong code is named on the form), the receipt and a refund's receipt read as pages;
every page axe-checked, none scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.consultations.test_booking_flow_browser import sign_in
from tests.payments.test_checkout import START, book, webhook
from tests.payments.test_refunds import cancel
from tests.support.accessibility import axe_violations, scrolls_sideways

pytestmark = pytest.mark.browser


def test_codes_and_refund_receipts_in_the_browser(
    pay_app,
    doctor,
    make_account,
    auth_header,
    fake_stripe,
    clock,
    live_server_factory,
    browser_page,
):
    client = pay_app.test_client()
    headers = auth_header(make_account(full_name="Petra Paulsen"), hours=24 * 10)
    consultation_id = book(client, headers, doctor.id, START).json["id"]
    [session] = fake_stripe.sessions.values()
    assert webhook(client, *fake_stripe.pay(session["id"])).json["outcome"] == "confirmed"
    clock.advance(hours=50)  # half back
    assert cancel(client, headers, consultation_id).status_code == 200

    server = live_server_factory(pay_app)
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 740})
    sign_in(page, server.url, doctor.email)
    page.goto(f"{server.url}/consultations/{consultation_id}")

    codes = page.get_by_role("region", name="Diagnosis codes on the receipt")
    field = codes.get_by_label("ICD-10 codes")
    field.fill("C50.911, breast")
    field.press("Enter")
    expect(page.get_by_text("“BREAST” is not an ICD-10 code.")).to_be_visible()
    expect(page.get_by_label("ICD-10 codes")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("ICD-10 codes")).to_have_value("C50.911, breast")
    assert axe_violations(page) == [] and not scrolls_sideways(page)

    page.get_by_label("ICD-10 codes").fill("C50.911")
    page.get_by_role("button", name="Save the codes").click()
    expect(page.get_by_role("status")).to_contain_text("The receipt shows these diagnosis codes")
    payment = page.get_by_role("region", name="Payment", exact=True)
    expect(payment.locator("#payment-refunds")).to_contain_text("EUR 100.00")
    assert axe_violations(page) == [] and not scrolls_sideways(page)

    payment.get_by_role("link", name="Receipt", exact=True).click()
    expect(page.get_by_role("heading", name="Receipt", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Diagnosis codes")).to_contain_text("C50.911")
    assert axe_violations(page) == [] and not scrolls_sideways(page)

    page.go_back()
    page.get_by_role("link", name="Refund receipt RF").click()
    expect(page.get_by_role("heading", name="Refund receipt", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="The refund")).to_contain_text("−€100.00")
    assert axe_violations(page) == [] and not scrolls_sideways(page)
