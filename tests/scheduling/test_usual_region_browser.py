"""The patient's usual place in Chromium (issue 19.1): a patient names New York on their
profile; the directory then assumes it, and a specialist licensed only in GB offers her no
times and says why. Pages pass axe (WCAG 2.1 A/AA) and do not scroll sideways at 390 px.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.credentials import PASSWORD
from tests.scheduling.test_directory_browser import pick
from tests.support.accessibility import assert_fits_a_phone

pytestmark = pytest.mark.browser

USUAL = "Where you usually are (optional)"
PLACE = "Where will you be during the consultation?"


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("main")).to_contain_text("Signed in as")


def test_a_patient_in_new_york_from_their_profile_is_not_offered_a_gb_specialists_times(
    live_app, browser_page, make_account, directory_doctors
):
    page = browser_page
    patient = make_account(timezone="America/New_York", full_name="Nora York")
    sign_in(page, live_app.url, patient.email)

    # -- she says on her profile that she lives in New York -------------------------------
    page.goto(live_app.url + "/account")
    pick(page, USUAL, "new yo", "New York (United States)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("main")).to_contain_text("Your profile is saved.")
    expect(page.get_by_role("main").get_by_label(USUAL)).to_have_value("New York (United States)")
    assert_fits_a_phone(page)

    # -- the directory assumes it: only those licensed in New York, and it says so --------
    page.get_by_role("navigation").get_by_role("link", name="Find a specialist").click()
    expect(page.get_by_role("main").get_by_label(PLACE)).to_have_value("New York (United States)")
    results = page.get_by_role("region", name="Specialists")
    expect(results.get_by_role("heading", level=3)).to_have_text(["Dr García Verified"])
    expect(results).to_contain_text(
        "Only specialists licensed in New York (United States). That is the place on your profile."
    )
    assert_fits_a_phone(page)

    # -- she empties the field to see everyone, and opens Dr Okafor (UK and India) --------
    page.get_by_role("main").get_by_label(PLACE).fill("")
    page.get_by_role("button", name="Search").click()
    expect(results.get_by_role("heading", level=3)).to_have_count(2)
    results.get_by_role("link", name="Dr Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dr Okafor")

    # -- no times, and the page says why, in words ----------------------------------------
    notice = page.locator("#not-licensed")
    expect(notice).to_contain_text("Dr Okafor cannot consult you in New York (United States).")
    expect(notice).to_contain_text(
        "Doctors may only give consultations where they hold a licence, and Dr Okafor is "
        "licensed in United Kingdom, India. So we do not offer their times."
    )
    expect(notice).to_contain_text("This is the place on your profile.")
    expect(page.locator("a.slot")).to_have_count(0)
    expect(page.get_by_role("main").get_by_label(PLACE)).to_have_value("New York (United States)")
    assert_fits_a_phone(page)

    # -- this time she will be in the UK: she says so, and his times come back ------------
    pick(page, PLACE, "united k", "United Kingdom")
    page.get_by_role("button", name="Change where I will be").click()
    expect(page.locator("#not-licensed")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("You will be in United Kingdom")
    expect(page.locator("a.slot").first).to_have_attribute("href", re.compile(r".*&region=GB$"))
