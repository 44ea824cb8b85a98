"""In Chromium: a specialist signs in to their dashboard, ticks weekly hours on the grid with
the keyboard alone, and adds time off from the month calendar. Each page passes axe's
WCAG 2.1 A/AA rules, and none scrolls sideways at 390 or 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from telesecond.extensions import db
from telesecond.models import SpecialistProfile, TimeOff
from tests.accounts.accessibility import assert_accessible
from tests.credentials import PASSWORD
from tests.support.accessibility import assert_fits_a_phone

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in")


def row_of(page: Page, scope, patient: str):
    """The row of ``patient`` in ``scope`` (the inner locator is relative to each row)."""
    return scope.get_by_role("row").filter(has=page.get_by_role("rowheader", name=patient))


def test_signing_in_lands_on_the_dashboard_with_its_numbers(live_app, browser_page, week):
    page = browser_page
    sign_in(page, live_app.url, week.doctor.email)

    assert page.url == live_app.url + "/specialist/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    today = page.get_by_role("region", name="Today, Monday 2 March 2026")
    anna = row_of(page, today, "Anna Schmidt")
    expect(anna.get_by_role("cell").nth(0)).to_have_text("11:00–12:00")
    expect(anna).to_contain_text("Invasive ductal carcinoma, stage II")
    expect(anna.locator(".dashboard-records")).to_have_text("2 records")
    expect(anna.locator(".dashboard-opinion")).to_have_text("Signed")

    ahead = page.get_by_role("region", name="Next seven days")
    expect(ahead.get_by_role("heading", name="Tuesday 3 March 2026")).to_be_visible()
    ben = row_of(page, ahead, "Ben Okoro")
    expect(ben.get_by_role("cell").nth(0)).to_have_text("10:00–11:00")
    expect(ben).to_contain_text("Chronic lymphocytic leukaemia")
    expect(ben.locator(".dashboard-records")).to_have_text("0 records")
    expect(ben.locator(".dashboard-opinion")).to_have_text(
        "Not started Due by the end of Tuesday 10 March 2026", use_inner_text=True
    )
    # Only the two consultations of the seven days: the one on 12 March is further on.
    expect(page.locator("tbody tr")).to_have_count(2)
    assert_accessible(page)
    assert_fits_a_phone(page)

    # Open goes to the case page.
    anna.get_by_role("link", name="Open the consultation with Anna Schmidt at 11:00").click()
    expect(page).to_have_url(f"{live_app.url}/consultations/{week.signed.id}")


def free_times(page: Page) -> list[str]:
    region = page.get_by_role("region", name="Your next free times")
    return [t.get_attribute("datetime") for t in region.locator("time").all()]


def test_weekly_hours_change_on_the_grid_with_the_keyboard_alone(
    live_app, browser_page, make_specialist
):
    # Monday 09:00-10:00 in Berlin only; it is Monday 2 March, 10:00 there.
    doctor = make_specialist(weekly=[(0, 540, 600)], consultation=60)
    page = browser_page
    sign_in(page, live_app.url, doctor.email)
    page.goto(live_app.url + "/specialist/hours")
    assert free_times(page)[:2] == ["2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z"]
    assert_accessible(page)
    assert_fits_a_phone(page)

    # Tab into the grid: the one cell in the tab order is the first ticked one.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "cell":
            break
    monday_9 = page.get_by_label("Monday 09:00–09:30")
    expect(monday_9).to_be_focused()
    expect(monday_9).to_be_checked()
    for key in ("Space", "ArrowDown", "Space", "ArrowRight", "Space", "ArrowUp", "Space"):
        page.keyboard.press(key)
    expect(page.get_by_label("Tuesday 09:00–09:30")).to_be_focused()
    for label, ticked in (
        ("Monday 09:00–09:30", False),
        ("Monday 09:30–10:00", False),
        ("Tuesday 09:00–09:30", True),
        ("Tuesday 09:30–10:00", True),
    ):
        box = page.get_by_label(label)
        expect(box).to_be_checked() if ticked else expect(box).not_to_be_checked()
    page.keyboard.press("Tab")  # out of the grid, to its button
    expect(page.get_by_role("button", name="Save weekly hours")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Your weekly hours are saved.")
    # Tuesday 3 March 09:00 Berlin is offered now; Mondays are not.
    assert free_times(page)[:2] == ["2026-03-03T08:00:00Z", "2026-03-10T08:00:00Z"]
    db.session.expire_all()
    profile = db.session.get(SpecialistProfile, doctor.id)
    assert [(w.weekday, w.start_minute, w.end_minute) for w in profile.windows] == [(1, 540, 600)]
    expect(page.get_by_label("Tuesday 09:30–10:00")).to_be_checked()


def test_time_off_added_from_the_month_calendar_is_marked(live_app, browser_page, make_specialist):
    doctor = make_specialist()
    page = browser_page
    sign_in(page, live_app.url, doctor.email)
    page.goto(live_app.url + "/specialist/calendar")
    expect(page.get_by_role("heading", name="March 2026", exact=True)).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)

    # The keyboard reaches a day as a link; Enter chooses it for the forms below.
    day = page.get_by_role("link", name="12 Thursday 12 March 2026")
    day.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Change Thursday 12 March 2026")).to_be_visible()
    form = page.get_by_role("form", name="Add time off")
    expect(form.get_by_label("Starts")).to_have_value("2026-03-12T00:00")
    expect(form.get_by_label("Ends")).to_have_value("2026-03-13T00:00")
    form.get_by_label("Note (optional, only you see it)").fill("Conference")
    form.get_by_role("button", name="Add time off").click()

    expect(page.get_by_role("status")).to_contain_text("Your time off is added.")
    cell = page.get_by_role("cell").filter(
        has=page.get_by_role("link", name="12 Thursday 12 March 2026:")
    )
    expect(cell).to_contain_text("Time off all day")
    expect(cell).to_have_class("is-closed")
    (entry,) = db.session.scalars(db.select(TimeOff).where(TimeOff.account_id == doctor.id))
    assert (entry.start.isoformat(), entry.end.isoformat()) == (
        "2026-03-11T23:00:00+00:00",
        "2026-03-12T23:00:00+00:00",
    )
    assert_accessible(page)

    # Next month, by keyboard too.
    page.get_by_role("link", name="Next month").press("Enter")
    expect(page.get_by_role("heading", name="April 2026", exact=True)).to_be_visible()
