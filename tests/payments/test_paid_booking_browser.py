"""A paid booking in Chromium on a phone (390 px): intake, Stripe's hosted page (the
fake), back to the consultation, confirmed by the webhook; every page of ours axe-checked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import Consultation, Payment
from tests.accounts.accessibility import axe_violations, check_page, scrolls_sideways
from tests.consultations.test_booking_flow_browser import sign_in, slot_link

pytestmark = pytest.mark.browser

SLOT = "2026-03-03T09:00:00Z"  # Tuesday 10:00 in Berlin


def test_a_paid_booking_on_a_phone(
    pay_app, doctor, make_account, fake_stripe, live_server_factory, browser_page
):
    server = live_server_factory(pay_app)
    fake_stripe.webhook_url = f"{server.url}/webhooks/stripe"
    patient = make_account(full_name="Petra Paulsen", email="petra@example.org")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, server.url, patient.email)
    page.goto(f"{server.url}/specialists/{doctor.id}")
    slot_link(page, SLOT).click()
    expect(
        page.get_by_role("heading", name="Book a consultation with Dr Ada Vance")
    ).to_be_visible()
    assert axe_violations(page) == [] and not scrolls_sideways(page)
    page.get_by_label("Country or state code").fill("DE")
    page.get_by_label("Your current diagnosis").fill("Invasive ductal carcinoma, stage IIA")
    page.get_by_label("The treatment you have been offered").fill("Mastectomy, then chemo")
    page.get_by_role("textbox", name="What you want from the second opinion").fill(
        "To know whether surgery can wait."
    )
    page.get_by_label("Question 1", exact=True).fill("Is chemotherapy first an option?")
    page.get_by_label("I have read and agree").check()
    page.get_by_label("I understand that telesecond is not for emergencies").check()
    page.get_by_role("button", name="Book the consultation").click()

    # The consultation is held; its page links to Stripe's hosted page.
    expect(page.get_by_role("status")).to_contain_text("is held for you. Pay now to confirm it")
    held_payment = page.get_by_role("region", name="Payment")
    expect(held_payment.locator("#payment-status")).to_have_text("Awaiting payment")
    expect(page.get_by_role("link", name="Join the video call")).to_have_count(0)
    check_page(page)
    page.get_by_role("link", name="Pay EUR 200.00 now").click()

    # Stripe's hosted page (the fake): the amount, and a Pay button.
    expect(page.get_by_role("heading", name="Pay with the test card")).to_be_visible()
    assert page.url.startswith(fake_stripe.base_url + "/pay/")
    expect(page.locator("#amount")).to_have_text("EUR 200.00")
    db.session.expire_all()
    held = db.session.scalar(select(Consultation))
    assert held.status == "awaiting_payment"  # the slot is held while she pays
    page.get_by_role("button", name="Pay EUR 200.00").click()

    # Back on the consultation: the webhook confirmed it before the redirect came.
    expect(page.get_by_role("heading", name="Consultation with Dr Ada Vance")).to_be_visible()
    payment = page.get_by_role("region", name="Payment")
    expect(payment.locator("#payment-status")).to_have_text("Paid")
    expect(payment).to_contain_text("EUR 200.00")
    steps = page.get_by_role("region", name="What happens next")
    expect(steps.locator("[data-step=join]")).to_contain_text("Join opens at")
    assert page.url.startswith(f"{server.url}/consultations/{held.id}")
    assert not scrolls_sideways(page)
    check_page(page)
    assert [code for code, _ in fake_stripe.delivered] == [200]
    db.session.expire_all()
    assert db.session.scalar(select(Consultation)).status == "confirmed"
    assert db.session.scalar(select(Payment)).status == "paid"
