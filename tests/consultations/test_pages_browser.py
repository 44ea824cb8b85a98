"""Patients' pages in Chromium at phone width (issue 19): the case page's checklist, the
hold's countdown, lapsed-and-taken wording, and focus on the error summary."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.accessibility import axe_violations, check_page, scrolls_sideways
from tests.consultations.test_booking_flow_browser import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SLOT = "2026-03-03T09:00:00Z"


def test_case_page_is_a_short_checklist_without_a_dead_opinion_link(
    live_app, browser_page: Page, make_account, make_specialist, book_consultation
):
    page = browser_page
    page.set_viewport_size(PHONE)
    patient = make_account(full_name="Petra Paulsen", email="petra@example.org")
    c = book_consultation(patient, make_specialist(full_name="Dr Ada Vance"), n=20)
    sign_in(page, live_app.url, patient.email)
    page.goto(f"{live_app.url}/consultations/{c.id}")

    steps = page.get_by_role("region", name="What happens next")
    expect(steps.locator("[data-step=join] .step-state")).to_have_text("Waiting")
    expect(steps.locator("[data-step=join]")).to_contain_text("Join opens at")
    expect(steps.locator("[data-step=device] .step-state")).to_have_text("To do")
    expect(steps.locator("[data-step=opinion] .step-state")).to_have_text("Not yet written")
    expect(page.locator(f'a[href="/consultations/{c.id}/opinion"]')).to_have_count(0)
    expect(page.get_by_text("Invitation version")).to_have_count(0)
    # The move grid is folded away until asked for.
    expect(page.get_by_role("button", name="Move the consultation")).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"case page height at 390 px: {height}")
    # 7,675 px before the checklist; the checklist and the case timeline (issue 20) stay
    # under 3,000 px at 390 px wide.
    assert height < 3000, height
    check_page(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert not scrolls_sideways(page)

    # A link to a folded section opens it.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_app.url}/consultations/{c.id}#reschedule")
    expect(page.get_by_role("button", name="Move the consultation")).to_be_visible()

    # After a device test on this device the step says done.
    page.evaluate("window.localStorage.setItem('telesecond:device-tested', '2026-03-02')")
    page.reload()
    expect(page.locator("[data-step=device] .step-state")).to_have_text("Done")


def test_the_hold_counts_down_politely_and_ends(
    live_app, browser_page: Page, make_account, make_specialist
):
    page = browser_page
    page.set_viewport_size(PHONE)
    patient = make_account(email="petra@example.org")
    ada = make_specialist(full_name="Dr Ada Vance")
    sign_in(page, live_app.url, patient.email)
    page.clock.install()
    page.goto(f"{live_app.url}/book/{ada.id}?start={SLOT}")
    hold = page.locator("[data-hold]")
    expect(hold.locator("[data-hold-clock]")).to_have_text("10:00")
    announce = hold.locator("[data-hold-announce]")
    expect(announce).to_have_attribute("aria-live", "polite")
    expect(announce).to_have_text("")
    page.clock.run_for("05:01")
    expect(announce).to_have_text("Your hold on this time ends in 5 minutes.")
    expect(hold.locator("[data-hold-clock]")).to_have_text(re.compile(r"^4:5\d$"))
    page.clock.run_for("05:00")
    expect(announce).to_have_text("Your hold on this time has ended.")
    expect(hold).to_contain_text("Your hold on this time has ended.")
    assert axe_violations(page) == []


def test_focus_moves_to_the_error_summary_on_the_first_screen(
    live_app, browser_page: Page, make_account
):
    page = browser_page
    page.set_viewport_size(PHONE)
    make_account(email="petra@example.org")
    page.goto(live_app.url + "/login")
    page.get_by_label("Email address").fill("petra@example.org")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    # Said once, in words, and on the first screen.
    expect(summary.locator("li")).to_have_count(1)
    expect(summary).to_contain_text("The email address or password is not correct.")
    top = summary.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"], top
    check_page(page)
