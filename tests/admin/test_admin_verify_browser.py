"""An admin verifies a specialist end to end in Chromium; the pages pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.credentials import PASSWORD
from tests.support.accessibility import assert_accessible, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


def test_admin_verifies_a_specialist_who_then_appears_in_the_directory(
    live_app, browser_page, make_account, make_specialist
):
    admin = make_account(role="admin", full_name="Alex Admin")
    make_specialist(verified=False, full_name="Dr Nadia Keller")
    page = browser_page
    page.goto(live_app.url + "/specialists")
    expect(page.locator("main")).not_to_contain_text("Dr Nadia Keller")

    page.goto(live_app.url + "/login")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_app.url + "/admin/specialists")
    expect(page.get_by_role("heading", name="Specialists", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Dr Nadia Keller").click()
    expect(page.get_by_role("heading", name="Dr Nadia Keller")).to_be_visible()
    assert_accessible(page)

    # A wrong region first: the form says so, and nothing changes.
    first = page.get_by_role("group", name="Licence 1")
    first.get_by_label("Region").fill("Germany")
    first.get_by_label("Licence number").fill("ÄK-2024-118")
    first.get_by_label("Issued by").fill("Ärztekammer Berlin")
    first.get_by_label("Valid until (inclusive)").fill("2027-12-31")
    page.get_by_role("button", name="Verify licences").click()
    expect(page.get_by_role("alert")).to_contain_text("Region")
    assert_accessible(page)
    expect(page.locator("#verification-state")).to_have_text("Pending review")

    first = page.get_by_role("group", name="Licence 1")
    first.get_by_label("Region").fill("DE")
    first.get_by_label("Licence number").fill("ÄK-2024-118")
    first.get_by_label("Issued by").fill("Ärztekammer Berlin")
    first.get_by_label("Valid until (inclusive)").fill("2027-12-31")
    page.get_by_label("Evidence checked (note)").fill("Berlin register, checked online.")
    page.get_by_role("button", name="Verify licences").click()
    expect(page.get_by_role("status")).to_contain_text("Verified")
    expect(page.locator("#verification-state")).to_have_text("Verified")
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_app.url + "/specialists?region=DE")
    card = page.get_by_role("listitem").filter(has_text="Dr Nadia Keller")
    expect(card).to_contain_text("Verified")
    expect(card).to_contain_text("Ärztekammer Berlin")
    expect(card).not_to_contain_text("US-CA")  # claimed, never verified
