"""Asking for help with the fee on a phone (390 px) in Chromium, with axe checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from telesecond.extensions import db
from telesecond.models import AssistanceRequest
from telesecond.services.fees import assistance
from tests.accounts.accessibility import axe_violations, scrolls_sideways
from tests.credentials import PASSWORD

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}


def accessible_on_the_phone(page) -> None:
    assert axe_violations(page) == [], page.url
    assert not scrolls_sideways(page), page.url


def test_a_patient_asks_for_a_reduced_fee_on_a_phone(live_app, browser_page, make_account, doctor):
    make_account(email="ines@example.org", full_name="Ines Moreau")
    page = browser_page
    page.set_viewport_size(PHONE_390)
    page.goto(live_app.url + "/login")
    page.get_by_label("Email address").fill("ines@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in as Ines Moreau")

    page.goto(f"{live_app.url}/specialists/{doctor.id}")
    expect(
        page.get_by_role("heading", name="The fee: 200.00 EUR, billed by the clinic")
    ).to_be_visible()
    accessible_on_the_phone(page)
    page.get_by_role("link", name="Ask for help with the fee").click()
    expect(page.get_by_role("heading", name="Ask for help with the fee")).to_be_visible()
    expect(
        page.get_by_text("You do not need to give any clinical or medical details")
    ).to_be_visible()
    accessible_on_the_phone(page)

    page.get_by_role("radio", name="A reduced fee").check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_contain_text("Say how much you can pay.")
    expect(page.get_by_role("alert")).to_contain_text("Tell us briefly why you are asking.")
    accessible_on_the_phone(page)  # with its errors too

    page.get_by_label("The amount you can pay (for a reduced fee)").fill("60")
    page.get_by_label("Why you are asking").fill("I am between jobs.")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Send my request").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("We have your request")
    expect(page.get_by_text("To pay 60.00 EUR instead of 200.00 EUR")).to_be_visible()
    expect(page.get_by_text("Waiting for our answer")).to_be_visible()
    accessible_on_the_phone(page)


def test_the_admin_pages_are_accessible_and_decide_by_keyboard(
    live_app, browser_page, clock, admin, make_account, doctor, make_code
):
    patient = make_account(email="olu@example.org")
    assistance.ask(
        patient,
        assistance.Ask(kind="waiver", reason="Out of work.", specialist_id=doctor.id),
        now=clock(),
        ip=None,
    )
    make_code()
    page = browser_page
    page.set_viewport_size(PHONE_390)
    page.goto(live_app.url + "/login")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_app.url + "/admin/assistance")
    expect(page.get_by_role("heading", name="Financial assistance")).to_be_visible()
    accessible_on_the_phone(page)
    page.get_by_text("Decide").click()
    page.get_by_role("radio", name="Approve: waive the fee").check()
    page.get_by_role("button", name="Save the decision").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The decision is saved")
    accessible_on_the_phone(page)
    db.session.expire_all()
    assert db.session.scalars(db.select(AssistanceRequest)).one().approved_cents == 0

    page.goto(live_app.url + "/admin/sponsor-codes")
    expect(page.get_by_role("cell", name="Acme Insurance")).to_be_visible()
    accessible_on_the_phone(page)
    page.get_by_role("button", name="Create the code").click()
    expect(page.get_by_role("alert")).to_contain_text("Type the code.")
    accessible_on_the_phone(page)
