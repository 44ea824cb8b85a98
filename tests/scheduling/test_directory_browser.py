"""The directory in Chromium (issue 19.1): suggestions by keyboard, names, the patient's place.

A patient types the start of a condition and picks a suggestion with the arrow keys and
Enter, names a language and a place, reads names (not codes) in the results, and is told
in words why a specialist licensed only in the UK offers no times to someone in New York.
Pages pass axe (WCAG 2.1 A/AA) on a desktop and at 390 px, without sideways scrolling;
without JavaScript the fields are plain text fields and the search still works.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.accessibility import check_page
from tests.support.accessibility import assert_fits_a_phone

pytestmark = pytest.mark.browser

PLACE = "Where will you be during the consultation?"


def pick(page: Page, label: str, typed: str, option: str) -> None:
    """Type into a combobox, then take ``option`` with the arrow keys and Enter."""
    box = page.get_by_role("main").get_by_role("combobox", name=label)
    box.fill("")
    box.press_sequentially(typed, delay=30)
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    expect(listbox.get_by_role("option", name=option, exact=True)).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    names = listbox.get_by_role("option").all_inner_texts()
    for _ in range(names.index(option) + 1):
        box.press("ArrowDown")
    chosen = listbox.get_by_role("option", name=option, exact=True)
    expect(chosen).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", chosen.get_attribute("id"))
    box.press("Enter")
    expect(box).to_have_value(option)
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")


def test_suggestions_names_and_the_patients_place(live_app, browser_page, directory_doctors):
    page = browser_page
    page.goto(live_app.url + "/specialists")
    check_page(page)
    assert_fits_a_phone(page)

    # -- "brea" offers "Breast cancer"; Escape closes the list, the arrows and Enter pick it
    condition = page.get_by_role("main").get_by_role("combobox", name="Condition")
    condition.press_sequentially("brea", delay=30)
    listbox = page.locator("#" + condition.get_attribute("aria-controls"))
    expect(listbox.get_by_role("option")).to_have_text(["Breast cancer"])
    check_page(page)  # with the list open
    condition.press("Escape")
    expect(listbox).to_be_hidden()
    expect(condition).to_have_value("brea")
    condition.press("ArrowDown")
    expect(listbox).to_be_visible()
    condition.press("Escape")
    pick(page, "Condition", "brea", "Breast cancer")
    assert page.url.endswith("/specialists")  # Enter took the suggestion, not the form

    pick(page, "Language", "yor", "Yoruba")
    page.get_by_role("main").get_by_role("combobox", name="Language").press(
        "Enter"
    )  # no suggestion highlighted: search
    results = page.get_by_role("region", name="Specialists")
    expect(results.get_by_role("heading", level=3)).to_have_text(["Dr Okafor Verified"])
    card = results.get_by_role("listitem").filter(has_text="Dr Okafor").first
    expect(card).to_contain_text("English, Yoruba")
    expect(card).to_contain_text("India")
    expect(card).to_contain_text("United Kingdom")
    expect(card).not_to_contain_text("en, yo")
    bullets = page.eval_on_selector_all(
        "ul.cards, ul.cards > li, ul.licences, ul.tags",
        "lists => lists.map(l => getComputedStyle(l).listStyleType)",
    )
    assert bullets and set(bullets) == {"none"}
    check_page(page)
    assert_fits_a_phone(page)

    # -- a patient in New York opens Dr Okafor's page: no times, and why ----------------
    results.get_by_role("link", name="Dr Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dr Okafor")
    pick(page, PLACE, "new yo", "New York (United States)")
    page.get_by_role("button", name="Check where I will be").click()
    notice = page.locator("#not-licensed")
    expect(notice).to_contain_text("Dr Okafor cannot consult you in New York (United States).")
    expect(notice).to_contain_text("licensed in United Kingdom, India")
    expect(page.locator("a.slot")).to_have_count(0)
    check_page(page)
    assert_fits_a_phone(page)

    # -- she changes where she will be: the UK licence covers it, the times come back ---
    pick(page, PLACE, "united k", "United Kingdom")
    page.get_by_role("button", name="Change where I will be").click()
    expect(page.locator("#not-licensed")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("You will be in United Kingdom")
    first = page.locator("a.slot").first
    expect(first).to_have_attribute("href", re.compile(r".*&region=GB$"))

    # -- and someone licensed in New York is found by the place's name -------------------
    page.goto(live_app.url + "/specialists")
    pick(page, PLACE, "New Y", "New York (United States)")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name="Specialists")
    expect(results.get_by_role("heading", level=3)).to_have_text(["Dr García Verified"])
    expect(results).to_contain_text("Only specialists licensed in New York (United States).")
    results.get_by_role("link", name="Dr García").click()
    expect(page.get_by_role("main")).to_contain_text("You will be in New York (United States)")
    expect(page.locator("a.slot").first).to_have_attribute("href", re.compile(r".*&region=US-NY$"))


def test_without_javascript_the_fields_are_plain_and_names_still_work(
    live_app, chromium_browser, directory_doctors
):
    context = chromium_browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_app.url + "/specialists")
        expect(page.get_by_role("main").get_by_role("combobox")).to_have_count(0)
        page.get_by_role("main").get_by_label("Language").fill("Spanish")
        page.get_by_label(PLACE).fill("New York")
        page.get_by_role("button", name="Search").click()
        results = page.get_by_role("region", name="Specialists")
        expect(results.get_by_role("heading", level=3)).to_have_text(["Dr García Verified"])
        expect(results).to_contain_text("Spanish")
    finally:
        context.close()
